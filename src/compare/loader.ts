/**
 * Loads a trial component list: the first page of a `table` request for what was selected in the
 * sidebar (named, never expanded; the answer has the whole selection's columns and its exact
 * total), then the list's saved view, if any, with its query filter. The model fetches the pages
 * after it as the list scrolls. A part of the
 * selection the store no longer has (an experiment deleted, another store configured since the
 * list was saved) is left out with a note instead of failing the whole list.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ApiError } from '../api';
import { ISelectedRow } from '../model';
import type { ISmxLabClient } from '../tokens';
import { EMPTY_TABLE, TrialComponentListModel } from './listModel';
import { PAGE_SIZE } from './pagedCache';
import { isEmptySelection, selectionOf } from './selection';
import { IListView } from './state';

/**
 * Where loading stands: loading, ready, `gone` (nothing of the selection is in the store any
 * more) or the error that stopped it.
 */
export type LoadStatus = 'loading' | 'ready' | 'gone' | ApiError;

/** The row of the selection a 404 answer names (`{error: not_found, kind, name}`), if any. */
export function missingRow(
  error: unknown,
  rows: readonly ISelectedRow[]
): ISelectedRow | undefined {
  if (!(error instanceof ApiError) || error.status !== 404) {
    return undefined;
  }
  const { kind, name } = error.body as { kind?: unknown; name?: unknown };
  return rows.find(row => row.kind === kind && row.name === name);
}

export class ListLoader {
  readonly model = new TrialComponentListModel();
  private _rows: ISelectedRow[];
  private _missing: ISelectedRow[] = [];
  private _status: LoadStatus = 'loading';
  private _view: IListView | null;
  private _ready: Promise<void>;
  private _changed = new Signal<this, void>(this);

  /**
   * @param client - the REST client
   * @param selection - what was selected in the sidebar
   * @param view - a saved view to apply once the table is there
   */
  constructor(
    private readonly client: ISmxLabClient,
    readonly selection: readonly ISelectedRow[],
    view: IListView | null = null
  ) {
    this._rows = [...selection];
    this._view = view;
    this._ready = this.load();
  }

  /** Emits when the status changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): LoadStatus {
    return this._status;
  }

  /** Settles once the table is loaded (or failed). */
  get ready(): Promise<void> {
    return this._ready;
  }

  /** The parts of the selection the store does not have, left out of the list. */
  get missing(): readonly ISelectedRow[] {
    return this._missing;
  }

  /** Loads the table again (Retry). */
  reload(): Promise<void> {
    this._ready = this.load();
    return this._ready;
  }

  private async load(): Promise<void> {
    this.setStatus('loading');
    for (;;) {
      const selection = selectionOf(this._rows);
      try {
        const baseline = this._view?.baseline;
        const table = isEmptySelection(selection)
          ? EMPTY_TABLE
          : await this.client.table({
              selection,
              limit: PAGE_SIZE,
              ...(baseline ? { baseline } : {})
            });
        this.model.setTable(table, selection, this.client);
        await this.applyView();
        this.setStatus('ready');
        return;
      } catch (reason) {
        const missing = missingRow(reason, this._rows);
        if (missing) {
          this._rows = this._rows.filter(row => row !== missing);
          this._missing.push(missing);
          if (this._rows.length === 0) {
            this.setStatus('gone');
            return;
          }
          continue;
        }
        this.setStatus(
          reason instanceof ApiError
            ? reason
            : new ApiError(0, { error: 'client', message: String(reason) })
        );
        return;
      }
    }
  }

  /** The saved view, once: its choices, then its query filter (dropped if the server refuses it now). */
  private async applyView(): Promise<void> {
    const view = this._view;
    if (!view) {
      return;
    }
    this._view = null;
    await this.model.applyView(view);
    if (view.query) {
      try {
        await this.model.setQuery(view.query);
      } catch {
        // The rows stay unfiltered; the toolbar's box is empty, as the model says.
      }
    }
  }

  private setStatus(status: LoadStatus): void {
    this._status = status;
    this._changed.emit();
  }
}
