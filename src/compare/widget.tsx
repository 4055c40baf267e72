/**
 * The trial component list's main-area widget: asks the server for the `table` of what was
 * selected in the sidebar (one request; the server gathers the components), and wires the list's
 * actions (query filter, exports, Add chart).
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';
import { ApiError, ISelection, ITable } from '../api';
import { ISelectedRow } from '../model';
import { ErrorState, LoadingState } from '../states';
import type { ISmxLabClient } from '../tokens';
import { downloadText } from './csv';
import { EMPTY_TABLE, TrialComponentListModel } from './listModel';
import { ListView } from './ListView';
import { isEmptySelection, narrowed, selectionOf } from './selection';
import { notebookSnippet } from './snippet';

export interface ITrialComponentListOptions {
  client: ISmxLabClient;
  /** What was selected in the sidebar: experiments, trials and components. */
  selection: ISelectedRow[];
  copy: (text: string) => void;
  /** Opens a chart tab on this list's components and columns. */
  addChart: (model: TrialComponentListModel) => void;
  translator?: ITranslator;
}

let counter = 0;

export class TrialComponentList extends ReactWidget {
  readonly model = new TrialComponentListModel();
  /** The server's selection of the sidebar's rows: named as selected, never expanded here. */
  readonly tableSelection: ISelection;
  private _state: 'loading' | 'ready' | ApiError = 'loading';
  private _ready: Promise<void>;
  private _translator: ITranslator;

  constructor(private readonly options: ITrialComponentListOptions) {
    super();
    this._translator = options.translator ?? nullTranslator;
    this.id = `smx-lab-compare-${++counter}`;
    this.addClass('smx-CompareListWidget');
    this.title.label = listTitle(options.selection, this._translator);
    this.title.caption = options.selection.map(row => row.name).join(', ');
    this.title.closable = true;
    this.tableSelection = selectionOf(options.selection);
    this._ready = this.load();
  }

  /** Settles once the table is loaded (or failed). */
  get ready(): Promise<void> {
    return this._ready;
  }

  get selection(): ISelectedRow[] {
    return this.options.selection;
  }

  /** One `table` request for the whole selection. */
  async load(): Promise<void> {
    const selection = this.tableSelection;
    this._state = 'loading';
    this.update();
    try {
      const table = isEmptySelection(selection)
        ? EMPTY_TABLE
        : await this.options.client.table({ selection });
      this.model.setTable(table, selection);
      this._state = 'ready';
    } catch (reason) {
      this._state =
        reason instanceof ApiError
          ? reason
          : new ApiError(0, { error: 'client', message: String(reason) });
    }
    this.update();
  }

  /** The table of the selection narrowed by a typed query: one request, the server searches. */
  private filter(query: string): Promise<ITable> {
    return this.options.client.table({
      selection: narrowed(this.tableSelection, query)
    });
  }

  protected render(): JSX.Element {
    const state = this._state;
    const translator = this._translator;
    if (state === 'loading') {
      const trans = translator.load('smx_lab');
      return (
        <LoadingState
          what={trans.__('trial components')}
          translator={translator}
        />
      );
    }
    if (state instanceof ApiError) {
      return (
        <ErrorState
          error={state}
          onRetry={() => void this.load()}
          translator={translator}
        />
      );
    }
    return (
      <ListView
        model={this.model}
        filter={query => this.filter(query)}
        onExportCsv={() =>
          downloadText(this.model.toCsv(), 'trial-components.csv')
        }
        onCopyCode={() => this.options.copy(notebookSnippet(this.model))}
        onAddChart={() => this.options.addChart(this.model)}
        translator={translator}
      />
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
