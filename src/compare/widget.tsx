/**
 * The trial component list's main-area widget: expands the selection to components, asks the
 * server for their `table`, and wires the list's actions (query, exports, Add chart).
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';
import { ApiError, IPage, ITrialComponent, SmxLabClient } from '../api';
import { ISelectedRow } from '../model';
import { ErrorState, LoadingState } from '../states';
import { downloadText } from './csv';
import { expandSelection } from './expand';
import { TrialComponentListModel } from './listModel';
import { ListView } from './ListView';
import { notebookSnippet } from './snippet';

const SEARCH_PAGE = 100;

export interface ITrialComponentListOptions {
  client: SmxLabClient;
  /** What was selected in the sidebar: experiments, trials and components. */
  selection: ISelectedRow[];
  copy: (text: string) => void;
  /** Opens a chart tab on this list's components and columns. */
  addChart: (model: TrialComponentListModel) => void;
}

let counter = 0;

export class TrialComponentList extends ReactWidget {
  readonly model = new TrialComponentListModel();
  private _state: 'loading' | 'ready' | ApiError = 'loading';
  private _ready: Promise<void>;

  constructor(private readonly options: ITrialComponentListOptions) {
    super();
    this.id = `smx-lab-compare-${++counter}`;
    this.addClass('smx-CompareListWidget');
    this.title.label = listTitle(options.selection);
    this.title.caption = options.selection.map(row => row.name).join(', ');
    this.title.closable = true;
    this._ready = this.load();
  }

  /** Settles once the table is loaded (or failed). */
  get ready(): Promise<void> {
    return this._ready;
  }

  get selection(): ISelectedRow[] {
    return this.options.selection;
  }

  async load(): Promise<void> {
    const { client, selection } = this.options;
    this._state = 'loading';
    this.update();
    try {
      const records: ITrialComponent[] = await expandSelection(
        client,
        selection
      );
      const names = records.map(record => record.TrialComponentName);
      const table = names.length
        ? await client.table({ components: names })
        : { columns: [], rows: [] };
      this.model.setTable(table, records);
      this._state = 'ready';
    } catch (reason) {
      this._state =
        reason instanceof ApiError
          ? reason
          : new ApiError(0, { error: 'client', message: String(reason) });
    }
    this.update();
  }

  /** The names of the components a typed query matches among this list's. */
  private async runQuery(query: string): Promise<Set<string>> {
    const { client } = this.options;
    const listed = new Set(this.model.componentNames);
    const matching = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: IPage<ITrialComponent> = await client.search({
        resource: 'ExperimentTrialComponent',
        query,
        limit: SEARCH_PAGE,
        cursor
      });
      page.items
        .filter(item => listed.has(item.TrialComponentName))
        .forEach(item => matching.add(item.TrialComponentName));
      cursor = page.items.length ? page.next_cursor : null;
    } while (cursor && matching.size < listed.size);
    return matching;
  }

  protected render(): JSX.Element {
    const state = this._state;
    if (state === 'loading') {
      return <LoadingState what="trial components" />;
    }
    if (state instanceof ApiError) {
      return <ErrorState error={state} onRetry={() => void this.load()} />;
    }
    return (
      <ListView
        model={this.model}
        runQuery={query => this.runQuery(query)}
        onExportCsv={() =>
          downloadText(this.model.toCsv(), 'trial-components.csv')
        }
        onCopyCode={() => this.options.copy(notebookSnippet(this.model))}
        onAddChart={() => this.options.addChart(this.model)}
      />
    );
  }
}

/** "Trial components of a, b" — short enough for a tab. */
export function listTitle(selection: ISelectedRow[]): string {
  const names = selection.map(row => row.name);
  const shown = names.slice(0, 2).join(', ');
  return names.length > 2
    ? `Compare: ${shown} +${names.length - 2}`
    : `Compare: ${shown}`;
}
