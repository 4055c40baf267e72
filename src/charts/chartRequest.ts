/**
 * A chart's properties (what the Chart properties pane edits) and the `chart` request they make.
 * The server owns every chart type: `GET info` describes each (its label, the data types it draws
 * and the request fields it reads for each), and a request carries only the fields its type and
 * data type read, because the server refuses the others.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  ChartDataType,
  ChartType as ApiChartType,
  IChartRequest,
  IChartTypeDescription,
  ISelection,
  SummaryStatistic
} from '../api';
import {
  chartColumn,
  columnTitle,
  differingParameters,
  IListColumn,
  statisticsOf
} from '../compare/columns';
import { TrialComponentListModel } from '../compare/listModel';

export type ChartType = ApiChartType;
export type DataType = ChartDataType;
export type XAxisChoice = NonNullable<IChartRequest['x_axis']>;
export type Band = NonNullable<IChartRequest['band']>;

/** The most columns a chart groups by (the server refuses more). */
export const MAX_CHART_GROUP_BY = 3;

export interface IChartProperties {
  chartType: ChartType;
  dataType: DataType;
  /** Summary charts: chart column names (`parameters.lr`, `metrics.loss.max`, `trial`, ...). */
  x: string;
  y: string;
  color: string;
  /** Time series: the metric drawn ('' = every metric) and the x axis. */
  metric: string;
  xAxis: XAxisChoice;
  smoothing: number;
  logY: boolean;
  ignoreOutliers: boolean;
  bins: number;
  /**
   * Chart columns the chart groups by (`parameters.seed`, `tags.team`, `trial`, `experiment`,
   * `status`); absent or empty: ungrouped. Charts saved before grouping existed have neither.
   */
  groupBy?: string[];
  /** A grouped line's band: mean ± std (the default) or min – max. */
  band?: Band;
}

/** The properties every saved chart has; the others came later and may be absent. */
export type SavedChartProperty = Exclude<
  keyof IChartProperties,
  'groupBy' | 'band'
>;

export interface IChartRequestOptions {
  maxPoints?: number;
  xRange?: [number, number] | null;
  /** The component the list pinned as its baseline: drawn emphasised. */
  baseline?: string | null;
}

export interface IColumnOption {
  /** The chart request's column name. */
  value: string;
  /** The table's column name (a record column's header, in the user's language). */
  label: string;
  numeric: boolean;
}

/** The request fields the properties pane can fill; a type's other fields are left to defaults. */
type FilledField = Exclude<
  keyof IChartRequest,
  'chart_type' | 'data_type' | 'selection' | 'title' | 'width' | 'height'
>;

/** Each field's value from the properties, or undefined to leave it to the server's default. */
const FIELD_VALUES: {
  [F in FilledField]?: (
    properties: IChartProperties,
    options: IChartRequestOptions
  ) => IChartRequest[F] | undefined;
} = {
  metrics: p => (p.metric ? [p.metric] : undefined),
  x_axis: p => p.xAxis,
  max_points: (_, o) => o.maxPoints || undefined,
  x_range: (_, o) => o.xRange ?? undefined,
  smoothing: p => (p.smoothing > 0 ? p.smoothing : undefined),
  log_y: p => p.logY || undefined,
  ignore_outliers: p => p.ignoreOutliers || undefined,
  x: p => p.x || undefined,
  y: p => p.y || undefined,
  // the group colours a grouped chart: the server takes one or the other
  color: p => (grouped(p) ? undefined : p.color || undefined),
  bins: p => p.bins,
  group_by: p =>
    grouped(p) ? (p.groupBy as [string, ...string[]]) : undefined,
  band: p => (grouped(p) ? (p.band ?? 'std') : undefined),
  baseline: (_, o) => o.baseline || undefined
};

/** Whether a chart is grouped. */
export function grouped(properties: IChartProperties): boolean {
  return (properties.groupBy?.length ?? 0) > 0;
}

/**
 * A saved chart's grouping fields, kept only when well formed: `value` without a `groupBy` that
 * is not a list of names or a `band` that is not one (charts saved before grouping have neither).
 */
export function readGrouping<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = { ...value };
  const groupBy = value.groupBy;
  if (
    groupBy !== undefined &&
    !(Array.isArray(groupBy) && groupBy.every(item => typeof item === 'string'))
  ) {
    delete out.groupBy;
  }
  if (
    value.band !== undefined &&
    value.band !== 'std' &&
    value.band !== 'minmax'
  ) {
    delete out.band;
  }
  return out as T;
}

/**
 * A list property (`Parameters.optimizer`, `Tags.team`, `Status.PrimaryStatus`,
 * `Parents.TrialName`, `Parents.ExperimentName`, as the list groups by them) as a chart column
 * (`parameters.optimizer`, `tags.team`, `status`, `trial`, `experiment`); null for another.
 */
export function chartGroupColumn(property: string): string | null {
  if (property.startsWith('Parameters.')) {
    return `parameters.${property.slice('Parameters.'.length)}`;
  }
  if (property.startsWith('Tags.')) {
    return `tags.${property.slice('Tags.'.length)}`;
  }
  return RECORD_GROUP_COLUMNS[property] ?? null;
}

const RECORD_GROUP_COLUMNS: Record<string, string> = {
  'Status.PrimaryStatus': 'status',
  'Parents.TrialName': 'trial',
  'Parents.ExperimentName': 'experiment'
};

/** What a list model tells about its grouping and baseline (members the list may not have). */
export function listGrouping(model: TrialComponentListModel): {
  groupBy: string[];
  baseline: string | null;
  tagKeys: string[];
} {
  const list = model as unknown as {
    groupBy?: unknown;
    baseline?: unknown;
    tagKeys?: unknown;
  };
  const names = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string')
      : [];
  return {
    groupBy: names(list.groupBy),
    baseline: typeof list.baseline === 'string' ? list.baseline : null,
    tagKeys: names(list.tagKeys)
  };
}

/** The columns a chart can group by: the list's parameters and tag keys, trial, experiment, status. */
export function groupByOptions(
  model: TrialComponentListModel,
  translator?: ITranslator
): IColumnOption[] {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const parameters = model.columns.flatMap(column =>
    column.parameter !== undefined
      ? [
          {
            value: `parameters.${column.parameter}`,
            label: column.parameter,
            numeric: false
          }
        ]
      : []
  );
  const tags = listGrouping(model).tagKeys.map(key => ({
    value: `tags.${key}`,
    label: trans.__('%1 (tag)', key),
    numeric: false
  }));
  return [
    ...parameters,
    ...tags,
    { value: 'trial', label: trans.__('Trial'), numeric: false },
    { value: 'experiment', label: trans.__('Experiment'), numeric: false },
    { value: 'status', label: trans.__('Status'), numeric: false }
  ];
}

/** The description of a chart type, if the server describes it. */
export function describe(
  chartTypes: readonly IChartTypeDescription[],
  chartType: ChartType
): IChartTypeDescription | undefined {
  return chartTypes.find(description => description.chart_type === chartType);
}

/** The data types a chart type draws (the first is its default). */
export function dataTypesOf(
  description: IChartTypeDescription | undefined
): DataType[] {
  return description?.data_types.length ? description.data_types : ['summary'];
}

/** The data type a chart draws: the one chosen, if its type draws it, else the type's first. */
export function dataTypeOf(
  properties: IChartProperties,
  description: IChartTypeDescription | undefined
): DataType {
  const dataTypes = dataTypesOf(description);
  return dataTypes.includes(properties.dataType)
    ? properties.dataType
    : dataTypes[0];
}

/** The request fields a chart type reads for a data type, as the server describes them. */
export function fieldsOf(
  description: IChartTypeDescription | undefined,
  dataType: DataType
): string[] {
  return description?.fields[dataType] ?? [];
}

/** The request fields a chart type needs for a data type, as the server describes them. */
export function requiredOf(
  description: IChartTypeDescription | undefined,
  dataType: DataType
): string[] {
  return description?.required[dataType] ?? [];
}

/** The x / y / color choices: the list's columns, a metric once per statistic. */
export function columnOptions(
  model: TrialComponentListModel,
  translator?: ITranslator
): IColumnOption[] {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const rows = model.table.rows;
  const isNumeric = (column: IListColumn): boolean => {
    const name = column.tableColumn;
    if (!name) {
      return false;
    }
    const values = rows
      .map(row => row[name])
      .filter(v => v !== null && v !== undefined);
    return values.length > 0 && values.every(v => typeof v === 'number');
  };
  const options: IColumnOption[] = [];
  for (const column of model.columns) {
    if (column.metric !== undefined) {
      for (const statistic of statisticsOf(column)) {
        options.push({
          value: chartColumn(column, statistic) as string,
          label: column.statistics?.[statistic] as string,
          numeric: true
        });
      }
      continue;
    }
    const value = chartColumn(column);
    if (value !== null) {
      options.push({
        value,
        label: columnTitle(column, column.label, trans),
        numeric: isNumeric(column)
      });
    }
  }
  return options;
}

/** The metrics of the list, for time-series charts. */
export function metricNames(model: TrialComponentListModel): string[] {
  return model.columns.flatMap(column =>
    column.metric !== undefined ? [column.metric] : []
  );
}

/** Whether a table cell holds a value (the server writes null where a component has none). */
function present(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '';
}

/** The metric column the list is sorted by, if it is sorted by a metric. */
function sortedMetric(model: TrialComponentListModel): IListColumn | undefined {
  const sort = model.sort;
  const column = sort && model.columns.find(c => c.id === sort.columnId);
  return column?.metric !== undefined ? column : undefined;
}

/** A chart type the server draws: the one wanted, else the server's first. */
function drawable(
  chartTypes: readonly IChartTypeDescription[],
  wanted: ChartType
): IChartTypeDescription | undefined {
  return describe(chartTypes, wanted) ?? chartTypes[0];
}

/**
 * What "Add chart" starts with, so that a new chart is never empty when the rows shown have
 * something to draw. Its y is the metric the list is sorted by (else the list's first metric), at
 * the list's aggregation; its x the first parameter that differs among the components that have
 * that metric (a number first), and its color another such parameter naming things, else each
 * component in its own color. Without such a parameter, a bar per component of the metric;
 * without a metric, the distribution of the first differing parameter.
 */
export function defaultProperties(
  model: TrialComponentListModel,
  chartTypes: readonly IChartTypeDescription[]
): IChartProperties {
  const rows = model.table.rows;
  const metric =
    sortedMetric(model) ??
    model.columns.find(column => column.metric !== undefined);
  const statistic: SummaryStatistic = metric?.metric
    ? model.aggregation(metric.metric)
    : 'Last';
  const metricColumn = metric?.statistics?.[statistic];
  // The components a chart of the metric draws: those that have it.
  const drawn = metricColumn
    ? rows.filter(row => present(row[metricColumn]))
    : rows;
  // The server says which parameters differ in the whole selection (the rows are one page of
  // it); an answer without the word is judged among the rows there are.
  const described = model.columns.some(
    column => (column as { differs?: boolean }).differs !== undefined
  );
  const differing = described
    ? model.columns.filter(
        column =>
          column.parameter !== undefined &&
          (column as { differs?: boolean }).differs === true
      )
    : differingParameters(model.columns, drawn);
  const numeric = differing.filter(column =>
    drawn.every(
      row =>
        !present(row[column.tableColumn as string]) ||
        typeof row[column.tableColumn as string] === 'number'
    )
  );
  const naming = differing.filter(column => !numeric.includes(column));
  const x = numeric[0] ?? naming[0];
  const color = naming.find(column => column !== x);
  const chart = drawable(
    chartTypes,
    metric ? (x ? 'scatter' : 'bar') : x ? 'histogram' : 'scatter'
  );
  const dataTypes = dataTypesOf(chart);
  const options = metric || x ? [] : columnOptions(model);
  return {
    ...groupingOfList(model),
    chartType: chart?.chart_type ?? 'scatter',
    dataType: dataTypes.includes('summary') ? 'summary' : dataTypes[0],
    x: x ? (chartColumn(x) as string) : (options[0]?.value ?? ''),
    y: metric ? (chartColumn(metric, statistic) as string) : '',
    color: color ? (chartColumn(color) as string) : '',
    metric: metric?.metric ?? '',
    xAxis: 'step',
    smoothing: 0,
    logY: false,
    ignoreOutliers: false,
    bins: 20
  };
}

/** A new chart of a grouped list starts grouped the same way (its band: mean ± std). */
function groupingOfList(
  model: TrialComponentListModel
): Pick<IChartProperties, 'groupBy' | 'band'> {
  const groupBy = listGrouping(model)
    .groupBy.map(chartGroupColumn)
    .filter((column): column is string => column !== null)
    .slice(0, MAX_CHART_GROUP_BY);
  return groupBy.length ? { groupBy, band: 'std' } : {};
}

/**
 * The `chart` request of a chart: its type, data type and selection, and of its properties only
 * the fields the server says its type reads for that data type.
 */
export function chartRequest(
  properties: IChartProperties,
  description: IChartTypeDescription | undefined,
  selection: ISelection,
  options: IChartRequestOptions = {}
): IChartRequest {
  const dataType = dataTypeOf(properties, description);
  const request: IChartRequest = {
    chart_type: properties.chartType,
    data_type: dataType,
    selection
  };
  for (const field of fieldsOf(description, dataType)) {
    const value = FIELD_VALUES[field as FilledField]?.(properties, options);
    if (value !== undefined) {
      Object.assign(request, { [field]: value });
    }
  }
  return request;
}

/** Which pickers the properties pane shows for a chart: those of the fields its type reads. */
export function pickersOf(
  properties: IChartProperties,
  description: IChartTypeDescription | undefined
): {
  dataTypes: DataType[];
  x: boolean;
  y: boolean;
  color: boolean;
  metric: boolean;
  xAxis: boolean;
  smoothing: boolean;
  logY: boolean;
  ignoreOutliers: boolean;
  bins: boolean;
  groupBy: boolean;
  band: boolean;
} {
  const fields = new Set(
    fieldsOf(description, dataTypeOf(properties, description))
  );
  return {
    dataTypes: dataTypesOf(description),
    x: fields.has('x'),
    y: fields.has('y'),
    color: fields.has('color'),
    metric: fields.has('metrics'),
    xAxis: fields.has('x_axis'),
    smoothing: fields.has('smoothing'),
    logY: fields.has('log_y'),
    ignoreOutliers: fields.has('ignore_outliers'),
    bins: fields.has('bins'),
    groupBy: fields.has('group_by'),
    band: fields.has('band') && grouped(properties)
  };
}
