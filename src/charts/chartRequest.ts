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
}

export interface IChartRequestOptions {
  maxPoints?: number;
  xRange?: [number, number] | null;
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
  color: p => p.color || undefined,
  bins: p => p.bins
};

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
  const differing = differingParameters(model.columns, drawn);
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
    bins: fields.has('bins')
  };
}
