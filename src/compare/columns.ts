/**
 * The columns of the trial component list. Their names and order are the REST `table` answer's
 * (ExperimentAnalytics'); the component records only say which kind each column is (a parameter,
 * a metric, an input or an output artifact) and add Status, Created and Last modified, which the
 * table does not carry.
 */
import {
  ITable,
  ITrialComponent,
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

/** The table's identity columns, as ExperimentAnalytics names them. */
export const NAME_COLUMN = 'TrialComponentName';
export const DISPLAY_NAME_COLUMN = 'DisplayName';
const TRIAL_COLUMNS = new Set([
  NAME_COLUMN,
  DISPLAY_NAME_COLUMN,
  'Trials',
  'Experiments'
]);
const SOURCE_COLUMN = 'SourceArn';
const STATISTIC_SUFFIX = new RegExp(` - (${SUMMARY_STATISTICS.join('|')})$`);
const ARTIFACT_SUFFIX = / - (MediaType|Value)$/;

/** A column of the list: one table column, a metric (six table columns), or a record field. */
export interface IListColumn {
  id: string;
  /** The header: the table's column name; a metric's carries its aggregation. */
  label: string;
  category: ColumnCategory;
  /** Metric columns: the metric, whose `<metric> - <statistic>` table column is shown. */
  metric?: string;
  /** Columns read from the table row under this name. */
  tableColumn?: string;
  /** Columns read from the component record (Status, Created, Last modified). */
  recordField?: 'Status' | 'CreationTime' | 'LastModifiedTime';
}

/** The table column a metric shows for a statistic: ExperimentAnalytics' `<metric> - <statistic>`. */
export function metricTableColumn(
  metric: string,
  statistic: SummaryStatistic
): string {
  return `${metric} - ${statistic}`;
}

/**
 * The list's columns in the table's order: a metric's six statistic columns become one column at
 * the place of the first, and the record columns follow the name columns.
 */
export function listColumns(
  table: ITable,
  records: Iterable<ITrialComponent>
): IListColumn[] {
  const parameters = new Set<string>();
  const metrics = new Set<string>();
  const inputs = new Set<string>();
  const outputs = new Set<string>();
  for (const record of records) {
    Object.keys(record.Parameters ?? {}).forEach(name => parameters.add(name));
    (record.Metrics ?? []).forEach(m => metrics.add(m.MetricName));
    Object.keys(record.InputArtifacts ?? {}).forEach(name => inputs.add(name));
    Object.keys(record.OutputArtifacts ?? {}).forEach(name =>
      outputs.add(name)
    );
  }
  const columns: IListColumn[] = [];
  const seenMetrics = new Set<string>();
  for (const name of table.columns) {
    const statistic = STATISTIC_SUFFIX.exec(name);
    const metric = statistic ? name.slice(0, statistic.index) : null;
    const artifact = ARTIFACT_SUFFIX.exec(name);
    const artifactName = artifact ? name.slice(0, artifact.index) : null;
    if (metric !== null && metrics.has(metric) && !parameters.has(name)) {
      if (!seenMetrics.has(metric)) {
        seenMetrics.add(metric);
        columns.push({
          id: `metric:${metric}`,
          label: metric,
          category: 'Metrics',
          metric
        });
      }
      continue;
    }
    let category: ColumnCategory = 'Parameters';
    if (TRIAL_COLUMNS.has(name)) {
      category = 'Trial';
    } else if (name === SOURCE_COLUMN) {
      category = 'Source';
    } else if (parameters.has(name)) {
      category = 'Parameters';
    } else if (artifactName !== null && outputs.has(artifactName)) {
      category = 'Output artifacts';
    } else if (artifactName !== null && inputs.has(artifactName)) {
      category = 'Input artifacts';
    }
    columns.push({
      id: `table:${name}`,
      label: name,
      category,
      tableColumn: name
    });
    if (name === DISPLAY_NAME_COLUMN) {
      columns.push(
        {
          id: 'record:Status',
          label: 'Status',
          category: 'Status',
          recordField: 'Status'
        },
        {
          id: 'record:CreationTime',
          label: 'Created',
          category: 'Created',
          recordField: 'CreationTime'
        },
        {
          id: 'record:LastModifiedTime',
          label: 'Last modified',
          category: 'Last modified',
          recordField: 'LastModifiedTime'
        }
      );
    }
  }
  return columns;
}

/**
 * The chart request's name of a list column (`parameters.<name>`, `metrics.<name>.<statistic>`,
 * `trial`, ...), or null for a column charts cannot draw (artifacts, source, times).
 */
export function chartColumn(
  column: IListColumn,
  statistic: SummaryStatistic = 'Last'
): string | null {
  if (column.metric !== undefined) {
    return `metrics.${column.metric}.${statistic.toLowerCase()}`;
  }
  if (column.recordField === 'Status') {
    return 'status';
  }
  switch (column.tableColumn) {
    case NAME_COLUMN:
      return 'name';
    case DISPLAY_NAME_COLUMN:
      return 'display_name';
    case 'Trials':
      return 'trial';
    case 'Experiments':
      return 'experiment';
  }
  if (column.category === 'Parameters' && column.tableColumn) {
    return `parameters.${column.tableColumn}`;
  }
  return null;
}
