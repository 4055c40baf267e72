/**
 * A chart's properties (what the Chart properties pane edits) and the `chart` request they make.
 * The server owns every chart type's definition; this module only says which request fields each
 * chart reads, because the server refuses fields a chart does not use.
 */
import { IChartRequest, SUMMARY_STATISTICS, SummaryStatistic } from '../api';
import { chartColumn, IListColumn } from '../compare/columns';
import { TrialComponentListModel } from '../compare/listModel';

export const CHART_TYPES = [
  { id: 'line', label: 'Line' },
  { id: 'scatter', label: 'Scatter' },
  { id: 'bar', label: 'Bar' },
  { id: 'histogram', label: 'Histogram' },
  { id: 'box', label: 'Box' },
  { id: 'parallel', label: 'Parallel coordinates' },
  { id: 'importance', label: 'Parameter importance' }
] as const;
export type ChartType = (typeof CHART_TYPES)[number]['id'];
export type DataType = 'time_series' | 'summary';
export type XAxisChoice = 'step' | 'time' | 'relative_time';

/** Chart types that draw time series (the others draw summary statistics only). */
export const TIME_SERIES_CHARTS: ChartType[] = ['line', 'scatter'];

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

export interface IColumnOption {
  /** The chart request's column name. */
  value: string;
  /** The table's column name. */
  label: string;
  numeric: boolean;
}

/** The x / y / color choices: the list's columns, a metric once per statistic. */
export function columnOptions(model: TrialComponentListModel): IColumnOption[] {
  const rows = model.table.rows;
  const isNumeric = (column: IListColumn, tableColumn?: string): boolean => {
    const name = tableColumn ?? column.tableColumn;
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
      for (const statistic of SUMMARY_STATISTICS) {
        options.push({
          value: chartColumn(column, statistic) as string,
          label: `${column.metric} - ${statistic}`,
          numeric: true
        });
      }
      continue;
    }
    const value = chartColumn(column);
    if (value !== null) {
      options.push({ value, label: column.label, numeric: isNumeric(column) });
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

/**
 * What "Add chart" starts with: a scatter of the first numeric parameter against the first
 * metric at the list's aggregation for it.
 */
export function defaultProperties(
  model: TrialComponentListModel
): IChartProperties {
  const options = columnOptions(model);
  const parameter = options.find(
    option => option.numeric && option.value.startsWith('parameters.')
  );
  const metric = model.columns.find(column => column.metric !== undefined);
  const statistic: SummaryStatistic = metric?.metric
    ? model.aggregation(metric.metric)
    : 'Last';
  const y = metric ? (chartColumn(metric, statistic) as string) : '';
  return {
    chartType: 'scatter',
    dataType: 'summary',
    x: parameter?.value ?? options[0]?.value ?? '',
    y,
    color: '',
    metric: metric?.metric ?? '',
    xAxis: 'step',
    smoothing: 0,
    logY: false,
    ignoreOutliers: false,
    bins: 20
  };
}

/** The `chart` request of a chart, with only the fields its type and data type read. */
export function chartRequest(
  properties: IChartProperties,
  components: string[],
  options: { maxPoints?: number; xRange?: [number, number] | null } = {}
): IChartRequest {
  const { chartType } = properties;
  const dataType: DataType = TIME_SERIES_CHARTS.includes(chartType)
    ? properties.dataType
    : 'summary';
  const request: IChartRequest = {
    chart_type: chartType,
    data_type: dataType,
    components
  };
  if (dataType === 'time_series') {
    request.x_axis = properties.xAxis;
    if (properties.metric) {
      request.metrics = [properties.metric];
    }
    if (options.maxPoints) {
      request.max_points = options.maxPoints;
    }
    if (options.xRange) {
      request.x_range = options.xRange;
    }
    if (chartType === 'line' && properties.smoothing > 0) {
      request.smoothing = properties.smoothing;
    }
  } else {
    const uses: Record<ChartType, ('x' | 'y' | 'color')[]> = {
      line: ['x', 'y', 'color'],
      scatter: ['x', 'y', 'color'],
      bar: ['x', 'y', 'color'],
      histogram: ['x'],
      box: ['x', 'y'],
      parallel: ['color'],
      importance: ['y']
    };
    for (const field of uses[chartType]) {
      if (properties[field]) {
        request[field] = properties[field];
      }
    }
  }
  if (chartType === 'line' || chartType === 'scatter') {
    if (properties.logY) {
      request.log_y = true;
    }
    if (properties.ignoreOutliers) {
      request.ignore_outliers = true;
    }
  }
  if (chartType === 'histogram') {
    request.bins = properties.bins;
  }
  return request;
}

/** Which pickers the properties pane shows for a chart. */
export function pickersOf(properties: IChartProperties): {
  x: boolean;
  y: boolean;
  color: boolean;
  metric: boolean;
  xAxis: boolean;
  smoothing: boolean;
  logY: boolean;
  bins: boolean;
} {
  const { chartType } = properties;
  const timeSeries =
    TIME_SERIES_CHARTS.includes(chartType) &&
    properties.dataType === 'time_series';
  const summaryUses = (field: 'x' | 'y' | 'color') =>
    !timeSeries &&
    Object.keys(
      chartRequest({ ...properties, x: 'x', y: 'y', color: 'c' }, ['c'])
    ).includes(field);
  return {
    x: summaryUses('x'),
    y: summaryUses('y'),
    color: summaryUses('color'),
    metric: timeSeries,
    xAxis: timeSeries,
    smoothing: timeSeries && chartType === 'line',
    logY: chartType === 'line' || chartType === 'scatter',
    bins: chartType === 'histogram'
  };
}
