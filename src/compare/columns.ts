/**
 * The columns of the trial component list, from the REST `table` answer's descriptors: the
 * server says what each column is (a parameter, a metric's statistic, an artifact's field, a
 * record column), so nothing is read out of a column's name.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  ColumnKind,
  IColumnDescriptor,
  SUMMARY_STATISTICS,
  SummaryStatistic
} from '../api';

export const CATEGORIES = [
  'Trial',
  'Metrics',
  'Parameters',
  'Input artifacts',
  'Output artifacts',
  'Status',
  'Created',
  'Last modified',
  'Source'
] as const;
export type ColumnCategory = (typeof CATEGORIES)[number];

/** A category's name in the user's language (the English names are the categories' ids). */
export function categoryLabel(
  category: ColumnCategory,
  trans: TranslationBundle
): string {
  switch (category) {
    case 'Trial':
      return trans.__('Trial');
    case 'Metrics':
      return trans.__('Metrics');
    case 'Parameters':
      return trans.__('Parameters');
    case 'Input artifacts':
      return trans.__('Input artifacts');
    case 'Output artifacts':
      return trans.__('Output artifacts');
    case 'Status':
      return trans.__('Status');
    case 'Created':
      return trans.__('Created');
    case 'Last modified':
      return trans.__('Last modified');
    case 'Source':
      return trans.__('Source');
  }
}

/** The name column of a table whose descriptors do not say (ExperimentAnalytics' name). */
export const NAME_COLUMN = 'TrialComponentName';

/** The record columns every row carries besides ExperimentAnalytics' (Status and the times). */
const RECORD_KINDS: ReadonlySet<ColumnKind> = new Set(['status', 'time']);

const CATEGORY_OF: Record<ColumnKind, ColumnCategory> = {
  name: 'Trial',
  display_name: 'Trial',
  trials: 'Trial',
  experiments: 'Trial',
  source: 'Source',
  parameter: 'Parameters',
  metric: 'Metrics',
  input_artifact: 'Input artifacts',
  output_artifact: 'Output artifacts',
  status: 'Status',
  time: 'Created'
};

/** The headers of the record columns, as the sidebar names them. */
const RECORD_LABELS: Record<string, string> = {
  Status: 'Status',
  CreationTime: 'Created',
  LastModifiedTime: 'Last modified'
};

/**
 * A column's header as shown: a record column's (Status, Created, Last modified) in the user's
 * language; the others are the table's column names, data left as they are. The model's labels
 * stay English: the notebook snippet names its sort column with them.
 */
export function columnTitle(
  column: IListColumn,
  label: string,
  trans: TranslationBundle
): string {
  if (column.id === `record:${column.tableColumn}`) {
    switch (column.tableColumn) {
      case 'Status':
        return trans.__('Status');
      case 'CreationTime':
        return trans.__('Created');
      case 'LastModifiedTime':
        return trans.__('Last modified');
    }
  }
  return label;
}

/** A column of the list: one table column, or a metric (one table column per statistic). */
export interface IListColumn {
  /** `table:<column>`, `metric:<metric>` or `record:<column>`; stable across answers. */
  id: string;
  /** The header: the table's column name; a metric's is its name (the statistic is chosen). */
  label: string;
  category: ColumnCategory;
  kind: ColumnKind;
  /** Metric columns: the metric, and the table column of each statistic the table has. */
  metric?: string;
  statistics?: Partial<Record<SummaryStatistic, string>>;
  /** Parameter columns: the parameter. */
  parameter?: string;
  /** Every column but a metric's: the row key its values are read from. */
  tableColumn?: string;
  /** The property a page of the list sorts this column by (a metric's: per statistic). */
  sortBy?: string;
  statisticSortBy?: Partial<Record<SummaryStatistic, string>>;
  /** Parameter columns of a paged answer: whether the whole selection's values differ. */
  differs?: boolean;
}

/** The category a time column belongs to: Created, or Last modified. */
function categoryOf(descriptor: IColumnDescriptor): ColumnCategory {
  if (descriptor.kind === 'time' && descriptor.name === 'LastModifiedTime') {
    return 'Last modified';
  }
  return CATEGORY_OF[descriptor.kind] ?? 'Parameters';
}

/**
 * The list's columns in the table's order: a metric's statistic columns become one column at the
 * place of the first, and the record columns (Status, Created, Last modified) follow the display
 * name.
 */
export function listColumns(
  descriptors: readonly IColumnDescriptor[]
): IListColumn[] {
  const columns: IListColumn[] = [];
  const records: IListColumn[] = [];
  const metrics = new Map<string, IListColumn>();
  for (const descriptor of descriptors) {
    const { name, kind } = descriptor;
    if (kind === 'metric' && descriptor.metric !== undefined) {
      let column = metrics.get(descriptor.metric);
      if (!column) {
        column = {
          id: `metric:${descriptor.metric}`,
          label: descriptor.metric,
          category: 'Metrics',
          kind,
          metric: descriptor.metric,
          statistics: {},
          statisticSortBy: {}
        };
        metrics.set(descriptor.metric, column);
        columns.push(column);
      }
      if (descriptor.statistic) {
        column.statistics![descriptor.statistic] = name;
        if (descriptor.sort_by !== undefined) {
          column.statisticSortBy![descriptor.statistic] = descriptor.sort_by;
        }
      }
      continue;
    }
    if (RECORD_KINDS.has(kind)) {
      records.push({
        id: `record:${name}`,
        label: RECORD_LABELS[name] ?? name,
        category: categoryOf(descriptor),
        kind,
        tableColumn: name,
        ...(descriptor.sort_by !== undefined
          ? { sortBy: descriptor.sort_by }
          : {})
      });
      continue;
    }
    columns.push({
      id: `table:${name}`,
      label: name,
      category: categoryOf(descriptor),
      kind,
      tableColumn: name,
      ...(kind === 'parameter'
        ? { parameter: descriptor.parameter ?? name }
        : {}),
      ...(descriptor.sort_by !== undefined
        ? { sortBy: descriptor.sort_by }
        : {}),
      ...(descriptor.differs !== undefined
        ? { differs: descriptor.differs }
        : {})
    });
  }
  const displayName = columns.findIndex(c => c.kind === 'display_name');
  columns.splice(
    displayName >= 0 ? displayName + 1 : columns.length,
    0,
    ...records
  );
  return columns;
}

/** The statistics a metric column can show, in SageMaker's order. */
export function statisticsOf(column: IListColumn): SummaryStatistic[] {
  return SUMMARY_STATISTICS.filter(
    statistic => column.statistics?.[statistic] !== undefined
  );
}

/**
 * The chart request's name of a list column (`parameters.<name>`, `metrics.<name>.<statistic>`,
 * `trial`, ...), or null for a column charts cannot draw (artifacts, source, times).
 */
export function chartColumn(
  column: IListColumn,
  statistic: SummaryStatistic = 'Last'
): string | null {
  switch (column.kind) {
    case 'metric':
      return column.metric === undefined
        ? null
        : `metrics.${column.metric}.${statistic.toLowerCase()}`;
    case 'parameter':
      return column.parameter === undefined
        ? null
        : `parameters.${column.parameter}`;
    case 'status':
      return 'status';
    case 'name':
      return 'name';
    case 'display_name':
      return 'display_name';
    case 'trials':
      return 'trial';
    case 'experiments':
      return 'experiment';
    default:
      return null;
  }
}

/** Whether a table cell holds a value (the server writes null where a component has none). */
function hasValue(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '';
}

/**
 * The parameter columns whose values differ among the rows that have them: a parameter that only
 * some rows have, with one value among them (a shared metadata component's), tells no run apart.
 */
export function differingParameters(
  columns: readonly IListColumn[],
  rows: readonly Record<string, unknown>[]
): IListColumn[] {
  return columns.filter(column => {
    if (column.parameter === undefined || column.tableColumn === undefined) {
      return false;
    }
    const name = column.tableColumn;
    const values = new Set<string>();
    for (const row of rows) {
      if (hasValue(row[name])) {
        values.add(JSON.stringify(row[name]));
        if (values.size > 1) {
          return true;
        }
      }
    }
    return false;
  });
}

/**
 * Where a column stands in a new list: what tells the runs apart first (the name, the parameters
 * that differ, the metrics), then the parameters every run shares, then the names of the run, its
 * trials and experiments, its status and times, and last its source and artifacts.
 */
function placeOf(column: IListColumn, differing: ReadonlySet<string>): number {
  switch (column.kind) {
    case 'display_name':
      return 0;
    case 'parameter':
      return differing.has(column.id) ? 1 : 3;
    case 'metric':
      return 2;
    case 'name':
    case 'trials':
    case 'experiments':
      return 4;
    case 'status':
    case 'time':
      return 5;
    default:
      return 6;
  }
}

/**
 * The parameter columns whose values differ in the whole selection, as the server's descriptors
 * say (`differs`); a column without the word (an unpaged answer) does not differ.
 */
export function describedDiffering(
  columns: readonly IListColumn[]
): IListColumn[] {
  return columns.filter(
    column => column.parameter !== undefined && column.differs === true
  );
}

/**
 * The list's columns in the order a new list shows them (see `placeOf`), each group in the
 * table's order; the descriptors' `differs` say which parameters differ, or, for an answer
 * without it, `rows`.
 */
export function defaultOrder(
  columns: readonly IListColumn[],
  rows: readonly Record<string, unknown>[] = []
): IListColumn[] {
  const described = columns.some(column => column.differs !== undefined);
  const differing = new Set(
    (described
      ? describedDiffering(columns)
      : differingParameters(columns, rows)
    ).map(column => column.id)
  );
  return columns
    .map((column, index) => ({ column, index }))
    .sort(
      (a, b) =>
        placeOf(a.column, differing) - placeOf(b.column, differing) ||
        a.index - b.index
    )
    .map(item => item.column);
}
