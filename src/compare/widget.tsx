/**
 * The trial component list's main-area widget: its ListLoader asks the server for the first page
 * of the `table` of what was selected in the sidebar (the server gathers the components), and the
 * widget wires the list's actions (exports, Add chart, Save view). Its state (the
 * selection and the list's view) comes back after a reload and goes into named views.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { showErrorMessage } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import React from 'react';
import { ISelection } from '../api';
import { ISelectedRow } from '../model';
import { ApiError } from '../api';
import { ErrorState, LoadingState } from '../states';
import type { ISmxLabClient } from '../tokens';
import { downloadBlob } from './csv';
import { ListLoader } from './loader';
import { TrialComponentListModel } from './listModel';
import { ListView } from './ListView';
import { MissingNote } from './MissingNote';
import { selectionOf } from './selection';
import { notebookSnippet } from './snippet';
import { IListState, newStateId, readListView, STATE_VERSION } from './state';

export interface ITrialComponentListOptions {
  client: ISmxLabClient;
  /** What was selected in the sidebar: experiments, trials and components. */
  selection: ISelectedRow[];
  copy: (text: string) => void;
  /** Opens a chart tab on this list's components and columns. */
  addChart: (model: TrialComponentListModel) => void;
  /** Saves the list (and its charts) as a named view; no button without it. */
  saveView?: () => void;
  /** The state of a list saved earlier (a reload, a named view): its id and its view. */
  restored?: IListState;
  translator?: ITranslator;
}

export class TrialComponentList extends ReactWidget {
  readonly loader: ListLoader;
  /** Stable across reloads: the restorer's name for this list, and its chart tab's link to it. */
  readonly stateId: string;
  /** The server's selection of the sidebar's rows: named as selected, never expanded here. */
  readonly tableSelection: ISelection;
  private _translator: ITranslator;
  private _stateChanged = new Signal<this, void>(this);
  private _csvProgress: number | null = null;

  constructor(private readonly options: ITrialComponentListOptions) {
    super();
    this._translator = options.translator ?? nullTranslator;
    this.stateId = options.restored?.id ?? newStateId('list');
    this.id = `smx-lab-compare-${this.stateId}`;
    this.addClass('smx-CompareListWidget');
    this.title.label =
      options.restored?.title ?? listTitle(options.selection, this._translator);
    this.title.caption = options.selection.map(row => row.name).join(', ');
    this.title.closable = true;
    this.tableSelection = selectionOf(options.selection);
    this.loader = new ListLoader(
      options.client,
      options.selection,
      options.restored ?? null
    );
    this.loader.changed.connect(this.onLoaderChanged, this);
    this.model.changed.connect(this.onModelChanged, this);
  }

  get model(): TrialComponentListModel {
    return this.loader.model;
  }

  /** Settles once the table is loaded (or failed). */
  get ready(): Promise<void> {
    return this.loader.ready;
  }

  get selection(): ISelectedRow[] {
    return this.options.selection;
  }

  /** Emits when what `state()` answers changes. */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  /**
   * What comes back after a reload: the selection as selected (a part the store lacks now may be
   * back with another store) and the list's view. Fields of a newer panel are carried along.
   */
  state(): IListState {
    // Until the table is there, the model holds no view yet: the saved one stands.
    const view =
      this.loader.status === 'ready'
        ? this.model.view
        : readListView(this.options.restored ?? {});
    return {
      ...this.options.restored,
      version: STATE_VERSION,
      id: this.stateId,
      selection: this.options.selection,
      ...view
    };
  }

  /** Loads the table again. */
  load(): Promise<void> {
    return this.loader.reload();
  }

  /** Bytes of the CSV export read so far while it downloads; null otherwise. */
  get csvProgress(): number | null {
    return this._csvProgress;
  }

  /**
   * Export CSV: the server writes the whole selection (no cap) with the columns shown, in the
   * list's order; the answer streams in and is saved as a file.
   */
  async exportCsv(): Promise<void> {
    if (this._csvProgress !== null) {
      return;
    }
    this.setCsvProgress(0);
    try {
      const blob = await this.options.client.tableCsv(
        this.model.csvRequest(),
        bytes => this.setCsvProgress(bytes)
      );
      downloadBlob(blob, 'trial-components.csv');
    } catch (reason) {
      const trans = this._translator.load('smx_lab');
      void showErrorMessage(
        trans.__('The CSV could not be exported'),
        reason instanceof ApiError ? reason.message : String(reason)
      );
    } finally {
      this.setCsvProgress(null);
    }
  }

  private setCsvProgress(bytes: number | null): void {
    this._csvProgress = bytes;
    this.update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.loader.changed.disconnect(this.onLoaderChanged, this);
    this.model.changed.disconnect(this.onModelChanged, this);
    super.dispose();
  }

  private onLoaderChanged(): void {
    this.update();
    // Loaded: the view as applied (a filter the server refuses now is dropped) is the state.
    if (this.loader.status === 'ready') {
      this._stateChanged.emit();
    }
  }

  private onModelChanged(): void {
    // Only a loaded list's choices are the user's; loading sets the model from the saved state.
    if (this.loader.status === 'ready') {
      this._stateChanged.emit();
    }
  }

  protected render(): JSX.Element {
    const { status, missing } = this.loader;
    const translator = this._translator;
    const trans = translator.load('smx_lab');
    const note = missing.length ? (
      <MissingNote
        missing={missing}
        gone={status === 'gone'}
        translator={translator}
      />
    ) : null;
    if (status === 'loading') {
      return (
        <LoadingState
          what={trans.__('trial components')}
          translator={translator}
        />
      );
    }
    if (status === 'gone') {
      return <div className="smx-CompareList-frame">{note}</div>;
    }
    if (status !== 'ready') {
      return (
        <ErrorState
          error={status}
          onRetry={() => void this.load()}
          translator={translator}
        />
      );
    }
    return (
      <div className="smx-CompareList-frame">
        {note}
        <ListView
          model={this.model}
          onExportCsv={() => void this.exportCsv()}
          csvProgress={this._csvProgress}
          onCopyCode={() => this.options.copy(notebookSnippet(this.model))}
          onAddChart={() => this.options.addChart(this.model)}
          onSaveView={this.options.saveView}
          translator={translator}
        />
      </div>
    );
  }
}

/** The first two names of a selection, and how many more it has — short enough for a tab. */
function shortNames(selection: ISelectedRow[]): [string, number] {
  const names = selection.map(row => row.name);
  return [names.slice(0, 2).join(', '), Math.max(0, names.length - 2)];
}

/** "Compare: a, b +2": the list's tab title. */
export function listTitle(
  selection: ISelectedRow[],
  translator?: ITranslator
): string {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const [shown, more] = shortNames(selection);
  return more
    ? trans.__('Compare: %1 +%2', shown, more)
    : trans.__('Compare: %1', shown);
}

/** "Charts: a, b +2": the tab title of the charts of a list. */
export function chartsTitle(
  selection: ISelectedRow[],
  translator?: ITranslator
): string {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const [shown, more] = shortNames(selection);
  return more
    ? trans.__('Charts: %1 +%2', shown, more)
    : trans.__('Charts: %1', shown);
}
