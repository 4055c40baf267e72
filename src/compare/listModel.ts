/**
 * State of one trial component list: the server's `table` answer for the selection (and, while a
 * query filters the list, its answer for the narrowed selection), which columns show, each
 * metric's aggregation, the sort and "Show only differing parameters". Rows and columns are
 * derived on demand and cached until something changes.
 */
import { ISignal, Signal } from '@lumino/signaling';
import {
  IColumnDescriptor,
  ISelection,
  ITable,
  SortOrder,
  SummaryStatistic
} from '../api';
import {
  ColumnCategory,
  defaultOrder,
  IListColumn,
  listColumns,
  NAME_COLUMN
} from './columns';
import { toCsv } from './csv';
import { narrowed } from './selection';
import { IListView } from './state';

export interface IListSort {
  columnId: string;
  order: SortOrder;
}

/** A row of the list: the table's row, by column name. */
export interface IListRow {
  name: string;
  values: Record<string, unknown>;
}

const DEFAULT_AGGREGATION: SummaryStatistic = 'Last';

export const EMPTY_TABLE: ITable = {
  columns: [],
  descriptors: [],
  rows: [],
  total: 0,
  truncated: false
};

export class TrialComponentListModel {
  private _table: ITable = EMPTY_TABLE;
  private _selection: ISelection = {};
  private _filtered: ITable | null = null;
  private _query = '';
  private _columns: IListColumn[] = [];
  private _csvColumns: string[] = [];
  private _nameColumn = NAME_COLUMN;
  private _hiddenCategories = new Set<ColumnCategory>();
  private _hiddenColumns = new Set<string>();
  private _aggregation = new Map<string, SummaryStatistic>();
  private _sort: IListSort | null = null;
  private _differingOnly = false;
  private _rows: IListRow[] | null = null;
  private _visible: IListColumn[] | null = null;
  private _changed = new Signal<this, void>(this);

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The server's table of a selection; any query filter is dropped. */
  setTable(table: ITable, selection: ISelection): void {
    this._table = table;
    this._selection = selection;
    this._filtered = null;
    this._query = '';
    this.deriveColumns();
    this.invalidate();
  }

  /** The table whose rows the list shows: the filtered one while a query filters. */
  get table(): ITable {
    return this._filtered ?? this._table;
  }

  /** The table of the whole selection, unfiltered. */
  get selectionTable(): ITable {
    return this._table;
  }

  /** The selection of the rows shown: the list's, narrowed by the query filter if any. */
  get selection(): ISelection {
    return this._filtered
      ? narrowed(this._selection, this._query)
      : this._selection;
  }

  /** Every column the list can show, hidden or not. */
  get columns(): IListColumn[] {
    return this._columns;
  }

  /** The names of the components whose rows the list shows, in the server's order. */
  get componentNames(): string[] {
    return this.table.rows.map(row => String(row[this._nameColumn]));
  }

  isCategoryHidden(category: ColumnCategory): boolean {
    return this._hiddenCategories.has(category);
  }

  setCategoryHidden(category: ColumnCategory, hidden: boolean): void {
    if (hidden) {
      this._hiddenCategories.add(category);
    } else {
      this._hiddenCategories.delete(category);
    }
    this.invalidate();
  }

  isColumnHidden(id: string): boolean {
    return this._hiddenColumns.has(id);
  }

  setColumnHidden(id: string, hidden: boolean): void {
    if (hidden) {
      this._hiddenColumns.add(id);
    } else {
      this._hiddenColumns.delete(id);
    }
    this.invalidate();
  }

  aggregation(metric: string): SummaryStatistic {
    return this._aggregation.get(metric) ?? DEFAULT_AGGREGATION;
  }

  setAggregation(metric: string, statistic: SummaryStatistic): void {
    this._aggregation.set(metric, statistic);
    this.invalidate();
  }

  get sort(): IListSort | null {
    return this._sort;
  }

  set sort(sort: IListSort | null) {
    this._sort = sort;
    this.invalidate();
  }

  /** Sorts by a column: ascending first, then the other way on each click. */
  toggleSort(columnId: string): void {
    const ascending = !(
      this._sort?.columnId === columnId && this._sort.order === 'Ascending'
    );
    this.sort = { columnId, order: ascending ? 'Ascending' : 'Descending' };
  }

  get differingOnly(): boolean {
    return this._differingOnly;
  }

  set differingOnly(value: boolean) {
    this._differingOnly = value;
    this.invalidate();
  }

  get query(): string {
    return this._query;
  }

  /**
   * The server's answer for the selection narrowed by a typed query, or null to show every row of
   * the selection again.
   */
  setFilter(query: string, table: ITable | null): void {
    this._query = table ? query : '';
    this._filtered = table;
    this.deriveColumns();
    this.invalidate();
  }

  /** What the Table properties and the toolbar chose: kept across reloads and in named views. */
  get view(): IListView {
    return {
      hiddenCategories: [...this._hiddenCategories],
      hiddenColumns: [...this._hiddenColumns],
      aggregation: Object.fromEntries(this._aggregation),
      sort: this._sort ? { ...this._sort } : null,
      differingOnly: this._differingOnly,
      query: this._query
    };
  }

  /**
   * Chooses as a saved view did (but its query filter, which the list asks the server for and
   * sets with `setFilter`); columns it names that the table lacks are kept for when it has them.
   */
  applyView(view: IListView): void {
    this._hiddenCategories = new Set(view.hiddenCategories);
    this._hiddenColumns = new Set(view.hiddenColumns);
    this._aggregation = new Map(Object.entries(view.aggregation));
    this._sort = view.sort ? { ...view.sort } : null;
    this._differingOnly = view.differingOnly;
    this.invalidate();
  }

  /** The value a cell shows: a metric's at its aggregation, otherwise the row's. */
  value(row: IListRow, column: IListColumn): unknown {
    if (column.metric !== undefined) {
      const name = column.statistics?.[this.aggregation(column.metric)];
      return name === undefined ? undefined : row.values[name];
    }
    return column.tableColumn === undefined
      ? undefined
      : row.values[column.tableColumn];
  }

  /** The header of a column: a metric's is its table column at the aggregation chosen. */
  label(column: IListColumn): string {
    if (column.metric === undefined) {
      return column.label;
    }
    const statistic = this.aggregation(column.metric);
    return column.statistics?.[statistic] ?? `${column.metric} - ${statistic}`;
  }

  /** The rows shown: the server's (filtered by the query, if any), in the sort's order. */
  get rows(): IListRow[] {
    if (this._rows === null) {
      const nameColumn = this._nameColumn;
      let rows: IListRow[] = this.table.rows.map(values => ({
        name: String(values[nameColumn]),
        values
      }));
      const sort = this._sort;
      const column = sort && this._columns.find(c => c.id === sort.columnId);
      if (sort && column) {
        const sign = sort.order === 'Ascending' ? 1 : -1;
        const keyed = rows.map(row => ({ row, key: this.value(row, column) }));
        keyed.sort((a, b) => compareValues(a.key, b.key, sign));
        rows = keyed.map(item => item.row);
      }
      this._rows = rows;
    }
    return this._rows;
  }

  /** The columns shown, the pinned name column first. */
  get visibleColumns(): IListColumn[] {
    if (this._visible === null) {
      const rows = this.rows;
      this._visible = this._columns.filter(column => {
        if (column.kind === 'display_name') {
          return true;
        }
        if (
          this._hiddenCategories.has(column.category) ||
          this._hiddenColumns.has(column.id)
        ) {
          return false;
        }
        if (this._differingOnly && column.category === 'Parameters') {
          return differs(rows, column);
        }
        return true;
      });
      const pinned = this._visible.findIndex(
        column => column.kind === 'display_name'
      );
      if (pinned > 0) {
        this._visible.unshift(...this._visible.splice(pinned, 1));
      }
    }
    return this._visible;
  }

  /** The shown rows as CSV, with the REST `table` columns (ExperimentAnalytics') as the header. */
  toCsv(): string {
    return toCsv(
      this._csvColumns,
      this.rows.map(row => row.values)
    );
  }

  /**
   * The columns of the selection's table, and of the filtered one's that it lacks (a filter can
   * reach components past the server's cap), so the column choices stay put while filtering.
   */
  private deriveColumns(): void {
    const descriptors: IColumnDescriptor[] = [...this._table.descriptors];
    const csvColumns = [...this._table.columns];
    if (this._filtered) {
      const known = new Set(descriptors.map(d => d.name));
      descriptors.push(
        ...this._filtered.descriptors.filter(d => !known.has(d.name))
      );
      const listed = new Set(csvColumns);
      csvColumns.push(
        ...this._filtered.columns.filter(name => !listed.has(name))
      );
    }
    // The order of the selection's rows: a filter narrows the rows, the columns stay put.
    this._columns = defaultOrder(listColumns(descriptors), this._table.rows);
    this._csvColumns = csvColumns;
    this._nameColumn =
      descriptors.find(d => d.kind === 'name')?.name ?? NAME_COLUMN;
  }

  private invalidate(): void {
    this._rows = null;
    this._visible = null;
    this._changed.emit();
  }
}

/** Whether a parameter column holds more than one value (a missing value counts as one). */
function differs(rows: IListRow[], column: IListColumn): boolean {
  const name = column.tableColumn as string;
  const first = JSON.stringify(rows[0]?.values[name] ?? null);
  return rows.some(row => JSON.stringify(row.values[name] ?? null) !== first);
}

/** Numbers before text, missing values last whatever the order. */
function compareValues(a: unknown, b: unknown, sign: number): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) {
    return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return sign * (a - b);
  }
  if (typeof a === 'number') {
    return -1;
  }
  if (typeof b === 'number') {
    return 1;
  }
  return (
    sign * String(a).localeCompare(String(b), undefined, { numeric: true })
  );
}
