/**
 * State of one trial component list, paged from the server (docs/compare.md): the whole
 * selection's columns from the first page's answer, the exact total, a sparse cache of the rows
 * loaded so far, and what the user chose (columns shown, each metric's aggregation, the sort, the
 * query filter, "Show only differing parameters", the grouping, the baseline and which way each
 * metric is better). Sorting, filtering and grouping ask the server again; nothing here sorts or
 * filters rows.
 */
import { ISignal, Signal } from '@lumino/signaling';
import {
  ApiError,
  GroupKey,
  IColumnDescriptor,
  ISelection,
  ITable,
  ITableCsvRequest,
  ITableGroup,
  ITableGroupsRequest,
  ITableGroupsResponse,
  ITableRequest,
  ITableSort,
  SortOrder,
  SummaryStatistic
} from '../api';
import { difference, Direction, IDifference, knownDirection } from './baseline';
import {
  ColumnCategory,
  defaultOrder,
  differingParameters,
  IListColumn,
  listColumns,
  NAME_COLUMN
} from './columns';
import { keyId, MAX_GROUP_BY } from './grouping';
import { IPageAnswer, PAGE_SIZE, PagedCache, PageStart } from './pagedCache';
import { isEmptySelection, narrowed } from './selection';
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

/** What a group row shows per metric: mean ± std, or min – max. */
export type Band = 'std' | 'minmax';

/** The columns a grouped list adds: the group's key (in the pinned column) and its count. */
export const GROUP_KEY_COLUMN = 'group:key';
export const GROUP_COUNT_COLUMN = 'group:count';

/** The server's routes the list reads (the client implements them). */
export interface ITableSource {
  table(request: ITableRequest): Promise<ITable>;
  tableGroups(request: ITableGroupsRequest): Promise<ITableGroupsResponse>;
}

/** One line of the list as it shows: a component's row, or a group's. */
export type ListItem =
  | {
      kind: 'row';
      /** Undefined while its page loads. */
      row: IListRow | undefined;
      /** Its index among the rows (or among its group's members). */
      index: number;
      /** The expanded group it belongs to, if any. */
      group?: string;
    }
  | {
      kind: 'group';
      group: ITableGroup | undefined;
      index: number;
      expanded: boolean;
    };

const DEFAULT_AGGREGATION: SummaryStatistic = 'Last';

export const EMPTY_TABLE: ITable = {
  columns: [],
  descriptors: [],
  rows: [],
  total: 0,
  truncated: false
};

/** The group row of the Count column: not a column of the table. */
const COUNT_COLUMN: IListColumn = {
  id: GROUP_COUNT_COLUMN,
  label: 'Count',
  category: 'Trial',
  kind: 'name'
};

interface IExpanded {
  key: GroupKey;
  /** The group's index when it was expanded (the groups' order stays until they reload). */
  index: number;
  members: PagedCache<IListRow>;
}

export class TrialComponentListModel {
  private _source: ITableSource | null = null;
  private _selection: ISelection = {};
  private _query = '';
  /** The first answer for the whole selection: its columns are the list's. */
  private _selectionTable: ITable = EMPTY_TABLE;
  /** The first answer for what shows (the selection narrowed by the query, if any). */
  private _answer: ITable = EMPTY_TABLE;
  private _rows: PagedCache<IListRow>;
  private _groups: PagedCache<ITableGroup> | null = null;
  private _groupMetricColumns: string[] = [];
  private _expanded = new Map<string, IExpanded>();
  private _columns: IListColumn[] = [];
  private _csvColumns: string[] = [];
  private _nameColumn = NAME_COLUMN;
  private _hiddenCategories = new Set<ColumnCategory>();
  private _hiddenColumns = new Set<string>();
  private _aggregation = new Map<string, SummaryStatistic>();
  private _sort: IListSort | null = null;
  private _differingOnly = false;
  private _groupBy: string[] = [];
  private _band: Band = 'std';
  private _baseline: string | null = null;
  private _baselineRow: IListRow | null = null;
  private _directions = new Map<string, Direction>();
  private _notes: string[] = [];
  private _visible: IListColumn[] | null = null;
  private _table: ITable | null = null;
  private _loadedRows: IListRow[] | null = null;
  /** Counts reloads: only the newest one's answer is shown. */
  private _generation = 0;
  private _reloading: Promise<void> | null = null;
  /** The count and baseline the last `changed` told of. */
  private _shown = '';
  private _changed = new Signal<this, void>(this);
  private _pagesChanged = new Signal<this, void>(this);

  constructor() {
    this._rows = this.rowCache();
  }

  /** Emits when a choice or the columns change (not when a page of rows arrives). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emits when pages arrive, loading starts or stops, or an error stops it. */
  get pagesChanged(): ISignal<this, void> {
    return this._pagesChanged;
  }

  // --- loading -------------------------------------------------------------------------------

  /**
   * The server's first page of a selection (asked for by the loader, or a whole table in tests),
   * and the source of the pages after it; any query filter is dropped.
   */
  setTable(
    table: ITable,
    selection: ISelection,
    source: ITableSource | null = null
  ): void {
    this.supersedeReloads();
    this._source = source;
    this._selection = selection;
    this._selectionTable = table;
    this._answer = table;
    this._query = '';
    this.deriveColumns();
    this._rows.dispose();
    this._rows = this.rowCache();
    this._rows.seed(this.pageOf(table));
    this.takeBaseline(table);
    this.invalidate();
  }

  /**
   * Loads the first page again with the current choices (the sort, the query filter, the
   * baseline), and the groups when grouped; the rows loaded stay in view until the new ones are
   * there (or failed: the error shows with a Retry). A newer reload supersedes an older one.
   */
  async reload(): Promise<void> {
    const generation = ++this._generation;
    const rows = this.rowCache();
    const groups = this._groupBy.length ? this.groupCache() : null;
    const loading = Promise.all([rows.idle(), groups?.idle()]).then(
      () => undefined
    );
    this._reloading = loading;
    this._pagesChanged.emit();
    await loading;
    if (generation !== this._generation) {
      rows.dispose();
      groups?.dispose();
      return;
    }
    this._reloading = null;
    this._rows.dispose();
    this._rows = rows;
    this.collapseAll();
    this._groups?.dispose();
    this._groups = groups;
    this.invalidate();
  }

  /** Settles when no page is being fetched (what was asked for is there, or failed). */
  get settled(): Promise<void> {
    return (async () => {
      while (this._reloading) {
        await this._reloading;
      }
      await Promise.all(this.caches().map(cache => cache.idle()));
    })();
  }

  /** Whether a page is being fetched. */
  get loading(): boolean {
    return (
      this._reloading !== null ||
      this._rows.loading ||
      !!this._groups?.loading ||
      [...this._expanded.values()].some(group => group.members.loading)
    );
  }

  /** The error that stopped a page from loading, until `retry()`. */
  get error(): ApiError | null {
    return (
      this._rows.error ??
      this._groups?.error ??
      [...this._expanded.values()].find(group => group.members.error)?.members
        .error ??
      null
    );
  }

  /** Fetches again what failed. */
  retry(): void {
    for (const cache of this.caches()) {
      if (cache.error) {
        cache.retry();
      }
    }
  }

  /** What the server noted (a baseline the selection no longer holds, work it did itself). */
  get notes(): readonly string[] {
    return this._notes;
  }

  dismissNotes(): void {
    this._notes = [];
    this.invalidate();
  }

  // --- what the list lists ---------------------------------------------------------------------

  /** The rows loaded so far, as a table (charts read its columns and the rows it has). */
  get table(): ITable {
    if (this._table === null) {
      this._table = {
        ...this._answer,
        rows: this.rows.map(row => row.values),
        total: this.total
      };
    }
    return this._table;
  }

  /** The first answer for the whole selection, unfiltered. */
  get selectionTable(): ITable {
    return this._selectionTable;
  }

  /** The selection of the rows shown: the list's, narrowed by the query filter if any. */
  get selection(): ISelection {
    return this._query
      ? narrowed(this._selection, this._query)
      : this._selection;
  }

  /** The exact number of components shown (the baseline apart). */
  get total(): number {
    return this._rows.total ?? this._answer.total ?? 0;
  }

  /** The exact number of components the list shows, the baseline with them. */
  get componentCount(): number {
    return this.total + (this._baselineRow ? 1 : 0);
  }

  /** The exact number of components of the whole selection (the baseline apart). */
  get selectionTotal(): number {
    return this._selectionTable.total ?? 0;
  }

  /** The tag keys of the selection's components: what the list offers to group by. */
  get tagKeys(): readonly string[] {
    return this._selectionTable.tag_keys ?? [];
  }

  /** Every column the list can show, hidden or not. */
  get columns(): IListColumn[] {
    return this._columns;
  }

  /** The rows loaded so far, in the list's order. */
  get rows(): IListRow[] {
    if (this._loadedRows === null) {
      this._loadedRows = this._rows.loaded();
    }
    return this._loadedRows;
  }

  /** The row at an index of the list, if its page is loaded. */
  rowAt(index: number): IListRow | undefined {
    return this._rows.get(index);
  }

  /** The names of the components loaded, in the list's order. */
  get componentNames(): string[] {
    return this.rows.map(row => row.name);
  }

  /** How many lines the list shows: rows, or groups and the members of those expanded. */
  get itemCount(): number {
    if (!this._groups) {
      return this.total;
    }
    let count = this._groups.total ?? 0;
    for (const group of this._expanded.values()) {
      count += group.members.total ?? 1;
    }
    return count;
  }

  /** The line at an index of the list. */
  itemAt(index: number): ListItem {
    const groups = this._groups;
    if (!groups) {
      return { kind: 'row', row: this._rows.get(index), index };
    }
    let offset = 0;
    for (const [id, group] of this.expandedInOrder()) {
      const at = group.index + offset;
      if (index <= at) {
        break;
      }
      const size = group.members.total ?? 1;
      if (index <= at + size) {
        const member = index - at - 1;
        return {
          kind: 'row',
          row: group.members.get(member),
          index: member,
          group: id
        };
      }
      offset += size;
    }
    const groupIndex = index - offset;
    const group = groups.get(groupIndex);
    return {
      kind: 'group',
      group,
      index: groupIndex,
      expanded: !!group && this._expanded.has(keyId(group.key))
    };
  }

  /** Lines `start` to `end` show: fetch their pages, and a page ahead. */
  show(start: number, end: number): void {
    const groups = this._groups;
    if (!groups) {
      this._rows.want(start, end);
      return;
    }
    const first = this.itemAt(start);
    const last = this.itemAt(end);
    const groupOf = (item: ListItem): number =>
      item.kind === 'group'
        ? item.index
        : (this._expanded.get(item.group as string)?.index ?? 0);
    groups.want(groupOf(first), groupOf(last));
    for (const [id, group] of this._expanded) {
      const from = first.kind === 'row' && first.group === id ? first.index : 0;
      const to =
        last.kind === 'row' && last.group === id ? last.index : PAGE_SIZE;
      if (group.index >= groupOf(first) && group.index <= groupOf(last)) {
        group.members.want(from, to);
      }
    }
  }

  // --- columns ---------------------------------------------------------------------------------

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

  /** A metric's aggregation; the list sorts again when it is sorted by that metric. */
  setAggregation(metric: string, statistic: SummaryStatistic): void {
    this._aggregation.set(metric, statistic);
    const sorted = this.sortColumn();
    if (sorted?.metric === metric) {
      void this.reload();
    }
    this.invalidate();
  }

  get differingOnly(): boolean {
    return this._differingOnly;
  }

  set differingOnly(value: boolean) {
    this._differingOnly = value;
    this.invalidate();
  }

  /** The columns shown, the pinned name column first (and a grouped list's Count after it). */
  get visibleColumns(): IListColumn[] {
    if (this._visible === null) {
      const differing = this.differingIds();
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
          return differing.has(column.id);
        }
        return true;
      });
      const pinned = this._visible.findIndex(
        column => column.kind === 'display_name'
      );
      if (pinned > 0) {
        this._visible.unshift(...this._visible.splice(pinned, 1));
      }
      if (this._groupBy.length) {
        this._visible.splice(1, 0, COUNT_COLUMN);
      }
    }
    return this._visible;
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

  // --- sort and filter -------------------------------------------------------------------------

  get sort(): IListSort | null {
    return this._sort;
  }

  /** Sorts on the server: the rows (and groups) load again in the new order. */
  set sort(sort: IListSort | null) {
    this._sort = sort;
    void this.reload();
  }

  /** Sorts by a column: ascending first, then the other way on each click. */
  toggleSort(columnId: string): void {
    const ascending = !(
      this._sort?.columnId === columnId && this._sort.order === 'Ascending'
    );
    this.sort = { columnId, order: ascending ? 'Ascending' : 'Descending' };
  }

  /** Whether a column sorts (on the server: its descriptor names what it sorts by). */
  sortable(column: IListColumn): boolean {
    if (column.id === GROUP_COUNT_COLUMN) {
      return true;
    }
    if (this._groupBy.length) {
      return column.metric !== undefined || column.kind === 'display_name';
    }
    return this.sortBy(column) !== undefined;
  }

  get query(): string {
    return this._query;
  }

  /**
   * Narrows the list to the components a typed query matches ('' for every component of the
   * selection): asks the server for the first page; a query it refuses throws, and the list
   * stays as it was.
   */
  async setQuery(query: string): Promise<void> {
    const text = query.trim();
    const selection = text ? narrowed(this._selection, text) : this._selection;
    const cache = this.rowCache(selection);
    const first = await this.fetchRows(selection)(null, PAGE_SIZE);
    this.supersedeReloads();
    this._query = text;
    this._rows.dispose();
    this._rows = cache;
    cache.seed(first);
    this.collapseAll();
    this._groups?.dispose();
    this._groups = this._groupBy.length ? this.groupCache() : null;
    this.invalidate();
  }

  // --- groups ----------------------------------------------------------------------------------

  /** The properties the list groups by (`Parameters.<name>`, `Tags.<key>`, ...); none: rows. */
  get groupBy(): string[] {
    return this._groupBy;
  }

  /** Groups by one to three properties (none: back to rows); the groups load from the server. */
  setGroupBy(properties: readonly string[]): void {
    this._groupBy = [...new Set(properties)].slice(0, MAX_GROUP_BY);
    this.supersedeReloads();
    this.collapseAll();
    this._groups?.dispose();
    this._groups = this._groupBy.length ? this.groupCache() : null;
    this.invalidate();
    void this._groups?.idle();
  }

  get grouped(): boolean {
    return this._groupBy.length > 0;
  }

  get band(): Band {
    return this._band;
  }

  set band(band: Band) {
    this._band = band;
    this.invalidate();
  }

  /** The number of groups (null until the first page of groups is there). */
  get groupTotal(): number | null {
    return this._groups?.total ?? null;
  }

  isExpanded(key: GroupKey): boolean {
    return this._expanded.has(keyId(key));
  }

  /** Shows a group's members under its row (or hides them), paged like the rows. */
  toggleGroup(index: number): void {
    const group = this._groups?.get(index);
    if (!group) {
      return;
    }
    const id = keyId(group.key);
    const open = this._expanded.get(id);
    if (open) {
      open.members.dispose();
      this._expanded.delete(id);
    } else {
      const members = this.rowCache(this.selection, group.key);
      this._expanded.set(id, { key: group.key, index, members });
      void members.idle();
    }
    this.invalidate();
  }

  /** A group's statistics of a metric column at its aggregation. */
  groupStatistics(group: ITableGroup, column: IListColumn) {
    if (column.metric === undefined) {
      return undefined;
    }
    const name = column.statistics?.[this.aggregation(column.metric)];
    return name === undefined ? undefined : group.metrics[name];
  }

  /** A grouped parameter's (or record's) value in a group's key, if the column is grouped by. */
  groupValue(group: ITableGroup, column: IListColumn): unknown {
    const property =
      column.parameter !== undefined
        ? `Parameters.${column.parameter}`
        : column.kind === 'status'
          ? 'Status.PrimaryStatus'
          : undefined;
    const at = property === undefined ? -1 : this._groupBy.indexOf(property);
    return at < 0 ? undefined : (group.key as unknown[])[at];
  }

  // --- baseline --------------------------------------------------------------------------------

  /** The component pinned as the baseline, or null. */
  get baseline(): string | null {
    return this._baseline;
  }

  /** The baseline's row, once the server answered it. */
  get baselineRow(): IListRow | null {
    return this._baselineRow;
  }

  /** Pins a component as the baseline: it stays on top, every other row shows its difference. */
  pin(name: string): void {
    this._baseline = name;
    this._baselineRow =
      this.rows.find(row => row.name === name) ?? this._baselineRow;
    void this.reload();
  }

  unpin(): void {
    this._baseline = null;
    this._baselineRow = null;
    void this.reload();
  }

  /** Which way a metric is better: chosen, else known from its name. */
  direction(metric: string): Direction {
    return this._directions.get(metric) ?? knownDirection(metric);
  }

  setDirection(metric: string, direction: Direction): void {
    if (direction === knownDirection(metric)) {
      this._directions.delete(metric);
    } else {
      this._directions.set(metric, direction);
    }
    this.invalidate();
  }

  /** A row's difference to the baseline in a metric or number column; null where none shows. */
  difference(row: IListRow, column: IListColumn): IDifference | null {
    const base = this._baselineRow;
    if (!base || row.name === base.name) {
      return null;
    }
    if (column.metric !== undefined) {
      return difference(
        this.value(row, column),
        this.value(base, column),
        this.direction(column.metric)
      );
    }
    if (column.parameter !== undefined) {
      // A parameter the baseline shares says nothing: only those that differ show a difference.
      const diff = difference(
        this.value(row, column),
        this.value(base, column),
        'none'
      );
      return diff && diff.absolute !== 0 ? diff : null;
    }
    return null;
  }

  // --- saved views and exports -----------------------------------------------------------------

  /** What the Table properties and the toolbar chose: kept across reloads and in named views. */
  get view(): IListView {
    return {
      hiddenCategories: [...this._hiddenCategories],
      hiddenColumns: [...this._hiddenColumns],
      aggregation: Object.fromEntries(this._aggregation),
      sort: this._sort ? { ...this._sort } : null,
      differingOnly: this._differingOnly,
      query: this._query,
      groupBy: [...this._groupBy],
      band: this._band,
      baseline: this._baseline,
      directions: Object.fromEntries(this._directions)
    };
  }

  /**
   * Chooses as a saved view did (but its query filter, which the loader asks the server for with
   * `setQuery`); columns it names that the table lacks are kept for when it has them. Loads
   * again when the view sorts, groups or pins a baseline.
   */
  async applyView(view: IListView): Promise<void> {
    this._hiddenCategories = new Set(view.hiddenCategories);
    this._hiddenColumns = new Set(view.hiddenColumns);
    this._aggregation = new Map(Object.entries(view.aggregation));
    this._sort = view.sort ? { ...view.sort } : null;
    this._differingOnly = view.differingOnly;
    this._groupBy = view.groupBy.slice(0, MAX_GROUP_BY);
    this._band = view.band;
    this._baseline = view.baseline;
    this._directions = new Map(Object.entries(view.directions));
    if (this._sort || this._groupBy.length || this._baseline) {
      await this.reload();
    } else {
      this.invalidate();
    }
  }

  /** The `table/csv` request of what the list shows: its columns in order, its sort and filter. */
  csvRequest(): ITableCsvRequest {
    const columns = this.visibleColumns
      .filter(column => column.id !== GROUP_COUNT_COLUMN)
      .map(column =>
        column.metric !== undefined
          ? column.statistics?.[this.aggregation(column.metric)]
          : column.tableColumn
      )
      .filter((name): name is string => name !== undefined);
    const sort = this.sortRequest();
    return {
      selection: this.selection,
      ...(columns.length ? { columns } : {}),
      ...(sort ? { sort } : {}),
      ...(this._baseline && this._baselineRow
        ? { baseline: this._baseline }
        : {})
    };
  }

  /** The columns ExperimentAnalytics names, as the first answer listed them. */
  get csvColumns(): string[] {
    return this._csvColumns;
  }

  // --- inside ----------------------------------------------------------------------------------

  /** The column the list is sorted by, if the columns have it. */
  private sortColumn(): IListColumn | undefined {
    const sort = this._sort;
    return sort ? this._columns.find(c => c.id === sort.columnId) : undefined;
  }

  /** The property a column sorts by: a metric's at its aggregation. */
  private sortBy(column: IListColumn): string | undefined {
    return column.metric !== undefined
      ? column.statisticSortBy?.[this.aggregation(column.metric)]
      : column.sortBy;
  }

  /** The rows' sort in a request, or none for the server's default (creation order). */
  sortRequest(): ITableSort | undefined {
    const column = this.sortColumn();
    const by = column && this.sortBy(column);
    return by && this._sort ? { by, order: this._sort.order } : undefined;
  }

  /** The groups' sort in a request: by count, key, or a metric statistic's mean. */
  private groupSortRequest(): ITableSort | undefined {
    const sort = this._sort;
    if (!sort) {
      return undefined;
    }
    if (sort.columnId === GROUP_COUNT_COLUMN) {
      return { by: 'Count', order: sort.order };
    }
    const column = this.sortColumn();
    if (column?.kind === 'display_name') {
      return { by: 'Key', order: sort.order };
    }
    const by = column?.metric !== undefined ? this.sortBy(column) : undefined;
    return by ? { by, order: sort.order } : undefined;
  }

  private pageOf(table: ITable): IPageAnswer<IListRow> {
    const name = this._nameColumn;
    return {
      items: table.rows.map(values => ({ name: String(values[name]), values })),
      total: table.total ?? table.rows.length,
      next: table.next_cursor ?? null
    };
  }

  /** A fetcher of the rows of a selection (of one group's members, with `key`). */
  private fetchRows(
    selection: ISelection,
    key?: GroupKey
  ): (start: PageStart, limit: number) => Promise<IPageAnswer<IListRow>> {
    return async (start, limit) => {
      const source = this._source;
      if (!source || isEmptySelection(selection)) {
        return { items: [], total: 0, next: null };
      }
      const sort = this.sortRequest();
      const baseline = this._baseline;
      const request: ITableRequest = {
        selection,
        limit,
        ...(start ?? {}),
        ...(sort ? { sort } : {}),
        ...(baseline ? { baseline } : {}),
        ...(key
          ? {
              group_by: this._groupBy as ITableRequest['group_by'],
              group: [key] as ITableRequest['group']
            }
          : {})
      };
      const answer = await source.table(request);
      if (start === null && !key) {
        this._answer = { ...answer, rows: [] };
        this.takeBaseline(answer);
        this._visible = null;
      }
      return this.pageOf(answer);
    };
  }

  private rowCache(
    selection?: ISelection,
    key?: GroupKey
  ): PagedCache<IListRow> {
    return new PagedCache(
      (start, limit) =>
        this.fetchRows(selection ?? this.selection, key)(start, limit),
      () => this.pagesArrived()
    );
  }

  private groupCache(): PagedCache<ITableGroup> {
    return new PagedCache(
      async (start, limit) => {
        const source = this._source;
        if (!source || isEmptySelection(this.selection)) {
          return { items: [], total: 0, next: null };
        }
        const sort = this.groupSortRequest();
        const answer = await source.tableGroups({
          selection: this.selection,
          group_by: this._groupBy as ITableGroupsRequest['group_by'],
          limit,
          ...(start ?? {}),
          ...(sort ? { sort } : {})
        });
        this._groupMetricColumns = answer.metric_columns;
        return {
          items: answer.groups,
          total: answer.total,
          next: answer.next_cursor
        };
      },
      () => this.pagesArrived()
    );
  }

  /** The metric columns of the groups' answer (every statistic of every metric). */
  get groupMetricColumns(): readonly string[] {
    return this._groupMetricColumns;
  }

  /** The baseline of an answer: its row, or a note and no baseline when the selection lacks it. */
  private takeBaseline(answer: ITable): void {
    this._notes = [...(answer.notes ?? [])];
    if (!this._baseline || answer.baseline === undefined) {
      return;
    }
    if (answer.baseline === null) {
      this._notes.push(
        `The baseline ‘${this._baseline}’ is not in the list any more: unpinned.`
      );
      this._baseline = null;
      this._baselineRow = null;
      return;
    }
    const values = answer.baseline as Record<string, unknown>;
    this._baselineRow = {
      name: String(values[this._nameColumn] ?? this._baseline),
      values
    };
  }

  /** A reload under way shows nothing when it ends: what replaced it is newer. */
  private supersedeReloads(): void {
    this._generation++;
    this._reloading = null;
  }

  private expandedInOrder(): [string, IExpanded][] {
    return [...this._expanded.entries()].sort(
      (a, b) => a[1].index - b[1].index
    );
  }

  private collapseAll(): void {
    for (const group of this._expanded.values()) {
      group.members.dispose();
    }
    this._expanded.clear();
  }

  private caches(): PagedCache<unknown>[] {
    return [
      this._rows,
      ...(this._groups ? [this._groups] : []),
      ...[...this._expanded.values()].map(group => group.members)
    ] as PagedCache<unknown>[];
  }

  /** The ids of the parameter columns whose values differ in what the list shows. */
  private differingIds(): Set<string> {
    const described = this._answer.descriptors.some(
      d => d.kind === 'parameter' && d.differs !== undefined
    );
    if (described) {
      const names = new Set(
        this._answer.descriptors
          .filter(d => d.kind === 'parameter' && d.differs)
          .map(d => d.name)
      );
      return new Set(
        this._columns
          .filter(c => c.tableColumn !== undefined && names.has(c.tableColumn))
          .map(c => c.id)
      );
    }
    // An answer without `differs` (an older server): judged among the rows it listed.
    return new Set(
      differingParameters(this._columns, this.table.rows).map(c => c.id)
    );
  }

  /** The columns of the selection's first answer, in the order a new list shows them. */
  private deriveColumns(): void {
    const descriptors: IColumnDescriptor[] = [
      ...this._selectionTable.descriptors
    ];
    this._columns = defaultOrder(
      listColumns(descriptors),
      this._selectionTable.rows
    );
    this._csvColumns = [...this._selectionTable.columns];
    this._nameColumn =
      descriptors.find(d => d.kind === 'name')?.name ?? NAME_COLUMN;
  }

  private pagesArrived(): void {
    this._table = null;
    this._loadedRows = null;
    this._pagesChanged.emit();
    // A first page can change what the chart tab shows too: the count, the baseline.
    const shown = `${this.componentCount} ${this._baselineRow?.name ?? ''}`;
    if (shown !== this._shown) {
      this._shown = shown;
      this._visible = null;
      this._changed.emit();
    }
  }

  private invalidate(): void {
    this._visible = null;
    this._table = null;
    this._loadedRows = null;
    this._changed.emit();
  }
}
