/**
 * State of one trial component list: the table from the server, which columns show, each metric's
 * aggregation, the sort, the query filter and "Show only differing parameters". Rows and columns
 * are derived on demand and cached until something changes.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ITable, ITrialComponent, SortOrder, SummaryStatistic } from '../api';
import {
  ColumnCategory,
  DISPLAY_NAME_COLUMN,
  IListColumn,
  listColumns,
  metricTableColumn,
  NAME_COLUMN
} from './columns';
import { toCsv } from './csv';

export interface IListSort {
  columnId: string;
  order: SortOrder;
}

/** A row of the list: the table's row and the component's record. */
export interface IListRow {
  name: string;
  values: Record<string, unknown>;
  record?: ITrialComponent;
}

const DEFAULT_AGGREGATION: SummaryStatistic = 'Last';

export class TrialComponentListModel {
  private _table: ITable = { columns: [], rows: [] };
  private _records = new Map<string, ITrialComponent>();
  private _columns: IListColumn[] = [];
  private _hiddenCategories = new Set<ColumnCategory>();
  private _hiddenColumns = new Set<string>();
  private _aggregation = new Map<string, SummaryStatistic>();
  private _sort: IListSort | null = null;
  private _matching: Set<string> | null = null;
  private _query = '';
  private _differingOnly = false;
  private _rows: IListRow[] | null = null;
  private _visible: IListColumn[] | null = null;
  private _changed = new Signal<this, void>(this);

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** A new table and the records of its components. */
  setTable(table: ITable, records: Iterable<ITrialComponent>): void {
    this._table = table;
    this._records = new Map(
      [...records].map(record => [record.TrialComponentName, record])
    );
    this._columns = listColumns(table, this._records.values());
    this.invalidate();
  }

  get table(): ITable {
    return this._table;
  }

  /** Every column the list can show, hidden or not. */
  get columns(): IListColumn[] {
    return this._columns;
  }

  /** The names of every component in the list, filtered or not. */
  get componentNames(): string[] {
    return this._table.rows.map(row => String(row[NAME_COLUMN]));
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

  /** The rows a typed query matched (their names), or null to show every row. */
  setFilter(query: string, matching: Set<string> | null): void {
    this._query = matching ? query : '';
    this._matching = matching;
    this.invalidate();
  }

  /** The value a cell shows: a metric's at its aggregation, a record's field, a table value. */
  value(row: IListRow, column: IListColumn): unknown {
    if (column.metric !== undefined) {
      return row.values[
        metricTableColumn(column.metric, this.aggregation(column.metric))
      ];
    }
    if (column.recordField === 'Status') {
      return row.record?.Status?.PrimaryStatus;
    }
    if (column.recordField) {
      return row.record?.[column.recordField];
    }
    return column.tableColumn ? row.values[column.tableColumn] : undefined;
  }

  /** The header of a column: a metric's names its aggregation, as the table column does. */
  label(column: IListColumn): string {
    return column.metric !== undefined
      ? metricTableColumn(column.metric, this.aggregation(column.metric))
      : column.label;
  }

  /** The rows shown: filtered by the query, in the sort's order. */
  get rows(): IListRow[] {
    if (this._rows === null) {
      let rows: IListRow[] = this._table.rows.map(values => {
        const name = String(values[NAME_COLUMN]);
        return { name, values, record: this._records.get(name) };
      });
      if (this._matching) {
        const matching = this._matching;
        rows = rows.filter(row => matching.has(row.name));
      }
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
        if (column.tableColumn === DISPLAY_NAME_COLUMN) {
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
        column => column.tableColumn === DISPLAY_NAME_COLUMN
      );
      if (pinned > 0) {
        this._visible.unshift(...this._visible.splice(pinned, 1));
      }
    }
    return this._visible;
  }

  /** The shown rows as CSV, with the REST `table` columns as the header. */
  toCsv(): string {
    return toCsv(
      this._table.columns,
      this.rows.map(row => row.values)
    );
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
