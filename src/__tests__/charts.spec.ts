import { ChartType, IChartTypeDescription, VegaLiteSpec } from '../api';
import {
  chartRequest,
  columnOptions,
  dataTypeOf,
  defaultProperties,
  describe as describeChart,
  IChartProperties,
  pickersOf
} from '../charts/chartRequest';
import {
  chartDataCsv,
  reductionNote,
  zoomOf,
  zoomRange
} from '../charts/usermeta';
import { TrialComponentListModel } from '../compare/listModel';
import {
  CHART_TYPES,
  component,
  RUNS,
  RUNS_SELECTION,
  tableOf
} from './compareFixtures';

function loaded(): TrialComponentListModel {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(RUNS), RUNS_SELECTION);
  return model;
}

const BASE: IChartProperties = {
  chartType: 'scatter',
  dataType: 'summary',
  x: 'parameters.lr',
  y: 'metrics.accuracy.max',
  color: 'trial',
  metric: 'accuracy',
  xAxis: 'step',
  smoothing: 0.5,
  logY: true,
  ignoreOutliers: true,
  bins: 12
};

const SELECTION = { experiments: ['mnist'], search: { query: 'lr > 0' } };

/** The request of properties, with the server's description of their chart type. */
function request(
  properties: IChartProperties,
  options?: Parameters<typeof chartRequest>[3]
) {
  return chartRequest(
    properties,
    describeChart(CHART_TYPES, properties.chartType),
    SELECTION,
    options
  );
}

describe('chart pickers', () => {
  it('offer every chartable column, a metric once per statistic, named as the table names them', () => {
    const options = columnOptions(loaded());
    const labels = options.map(o => o.label);
    // In the list's order: what tells the runs apart first.
    expect(labels).toEqual([
      'DisplayName',
      'lr',
      'accuracy - Min',
      'accuracy - Max',
      'accuracy - Avg',
      'accuracy - StdDev',
      'accuracy - Last',
      'accuracy - Count',
      'optimizer',
      'TrialComponentName',
      'Trials',
      'Experiments',
      'Status'
    ]);
    const byLabel = Object.fromEntries(options.map(o => [o.label, o]));
    expect(byLabel['lr']).toEqual({
      value: 'parameters.lr',
      label: 'lr',
      numeric: true
    });
    expect(byLabel['optimizer'].numeric).toBe(false);
    expect(byLabel['accuracy - Max'].value).toBe('metrics.accuracy.max');
    expect(byLabel['Trials'].value).toBe('trial');
    expect(byLabel['Status'].value).toBe('status');
  });

  it('start "Add chart" with a scatter of a numeric parameter against the metric at the list aggregation', () => {
    const model = loaded();
    model.setAggregation('accuracy', 'Max');
    const properties = defaultProperties(model, CHART_TYPES);
    expect(properties.chartType).toBe('scatter');
    expect(properties.dataType).toBe('summary');
    expect(properties.x).toBe('parameters.lr');
    expect(properties.y).toBe('metrics.accuracy.max');
  });

  it("start with the server's first chart type when it draws no scatter", () => {
    const properties = defaultProperties(loaded(), [
      {
        // A chart type the OpenAPI document of this frontend does not know (a newer server's).
        chart_type: 'ridge' as ChartType,
        label: 'Ridge',
        data_types: ['time_series'],
        fields: { time_series: ['metrics'] },
        required: {}
      }
    ]);
    expect(properties.chartType).toBe('ridge');
    expect(properties.dataType).toBe('time_series');
  });
});

describe('chart requests', () => {
  it('send a scatter x, y and color with log y and outliers, nothing of time series', () => {
    expect(request(BASE)).toEqual({
      chart_type: 'scatter',
      data_type: 'summary',
      selection: SELECTION,
      x: 'parameters.lr',
      y: 'metrics.accuracy.max',
      color: 'trial',
      log_y: true,
      ignore_outliers: true
    });
  });

  it('send a time-series line with its metric, x axis, points, smoothing and zoom range', () => {
    expect(
      request(
        { ...BASE, chartType: 'line', dataType: 'time_series', xAxis: 'time' },
        { maxPoints: 500, xRange: [10, 20] }
      )
    ).toEqual({
      chart_type: 'line',
      data_type: 'time_series',
      selection: SELECTION,
      x_axis: 'time',
      metrics: ['accuracy'],
      max_points: 500,
      x_range: [10, 20],
      smoothing: 0.5,
      log_y: true,
      ignore_outliers: true
    });
  });

  it('draw the data type a chart type draws whatever the data type says', () => {
    expect(
      request({ ...BASE, chartType: 'histogram', dataType: 'time_series' })
    ).toEqual({
      chart_type: 'histogram',
      data_type: 'summary',
      selection: SELECTION,
      x: 'parameters.lr',
      bins: 12
    });
  });

  it('send only y for parameter importance and only color for parallel coordinates', () => {
    expect(request({ ...BASE, chartType: 'importance' })).toEqual({
      chart_type: 'importance',
      data_type: 'summary',
      selection: SELECTION,
      y: 'metrics.accuracy.max'
    });
    const parallel = request({ ...BASE, chartType: 'parallel' });
    expect(parallel.color).toBe('trial');
    expect(parallel.x).toBeUndefined();
    expect(parallel.y).toBeUndefined();
  });

  it('never send a field the description does not list for the type and data type', () => {
    const narrow: IChartTypeDescription = {
      chart_type: 'scatter',
      label: 'Scatter',
      data_types: ['summary'],
      fields: { summary: ['y', 'bins'] },
      required: { summary: ['y'] }
    };
    expect(chartRequest(BASE, narrow, SELECTION)).toEqual({
      chart_type: 'scatter',
      data_type: 'summary',
      selection: SELECTION,
      y: 'metrics.accuracy.max',
      bins: 12
    });
    // A time-series choice the type does not draw falls back to its data type and its fields.
    expect(
      chartRequest({ ...BASE, dataType: 'time_series' }, narrow, SELECTION)
    ).not.toHaveProperty('metrics');
  });

  it('send only what it knows of a type the server does not describe', () => {
    expect(
      chartRequest(
        { ...BASE, chartType: 'new' as ChartType },
        undefined,
        SELECTION
      )
    ).toEqual({
      chart_type: 'new',
      data_type: 'summary',
      selection: SELECTION
    });
  });

  it('show the pickers of the fields a chart reads: metric and x axis for time series, bins for histograms', () => {
    const pickers = (properties: IChartProperties) =>
      pickersOf(properties, describeChart(CHART_TYPES, properties.chartType));
    expect(
      pickers({ ...BASE, chartType: 'line', dataType: 'time_series' })
    ).toEqual({
      dataTypes: ['time_series', 'summary'],
      x: false,
      y: false,
      color: false,
      metric: true,
      xAxis: true,
      smoothing: true,
      logY: true,
      ignoreOutliers: true,
      bins: false,
      // a server that does not describe group_by and band (an older one): neither is offered
      groupBy: false,
      band: false
    });
    expect(pickers({ ...BASE, chartType: 'histogram' })).toMatchObject({
      dataTypes: ['summary'],
      x: true,
      y: false,
      bins: true,
      logY: false
    });
    expect(pickers({ ...BASE, chartType: 'box' })).toMatchObject({
      x: true,
      y: true,
      color: false
    });
  });

  it('offer no data-type choice for a type whose description lacks time series', () => {
    const summaryLine: IChartTypeDescription = {
      ...CHART_TYPES[0],
      data_types: ['summary'],
      fields: { summary: CHART_TYPES[0].fields.summary }
    };
    const properties = {
      ...BASE,
      chartType: 'line' as const,
      dataType: 'time_series' as const
    };
    expect(pickersOf(properties, summaryLine).dataTypes).toEqual(['summary']);
    expect(dataTypeOf(properties, summaryLine)).toBe('summary');
    expect(pickersOf(properties, summaryLine).metric).toBe(false);
  });
});

const TIME_SERIES_SPEC: VegaLiteSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: {
    values: [
      { key: 0, x: 0, value: 1.5 },
      { key: 0, x: 10, value: 1.0 },
      { key: 1, x: 0, value: 2.0 }
    ]
  },
  transform: [
    {
      lookup: 'key',
      from: {
        data: {
          values: [
            { key: 0, series: 'Run a', component: 'a', trial: 't, 1' },
            { key: 1, series: 'Run b', component: 'b', trial: 't2' }
          ]
        },
        key: 'key',
        fields: ['series', 'component', 'trial']
      }
    }
  ],
  usermeta: {
    smx_lab: {
      series: [
        { component: 'a', raw_count: 3000, points: 200, reduced: true },
        { component: 'b', raw_count: 10, points: 10, reduced: false }
      ],
      fields: { x: 'step', value: 'loss', series: 'component' },
      zoom: { param: 'zoom', x_range_factor: 0.001 }
    }
  }
};

describe('what a spec tells the chart', () => {
  it('says how many points the server reduced to how many', () => {
    expect(reductionNote(TIME_SERIES_SPEC)).toBe(
      `${(3010).toLocaleString()} points reduced to ${(210).toLocaleString()}`
    );
  });

  it('says nothing about reduction when every point is drawn', () => {
    const spec = {
      ...TIME_SERIES_SPEC,
      usermeta: {
        smx_lab: { series: [{ raw_count: 5, points: 5, reduced: false }] }
      }
    };
    expect(reductionNote(spec)).toBeNull();
  });

  it('turns a zoom of wall time (milliseconds) into an x range in seconds', () => {
    const zoom = zoomOf(TIME_SERIES_SPEC);
    expect(zoom).toEqual({ param: 'zoom', factor: 0.001 });
    expect(zoomRange({ x: [2000, 5000] }, zoom!.factor)).toEqual([2, 5]);
  });

  it('ignores a zoom selection that is cleared or empty', () => {
    expect(zoomRange({}, 1)).toBeNull();
    expect(zoomRange(null, 1)).toBeNull();
    expect(zoomRange({ x: [3, 3] }, 1)).toBeNull();
  });

  it('exports the data as CSV with the series facts joined and the real field names', () => {
    const lines = chartDataCsv(TIME_SERIES_SPEC).trim().split('\r\n');
    expect(lines).toEqual([
      'key,series,component,trial,step,loss',
      '0,Run a,a,"t, 1",0,1.5',
      '0,Run a,a,"t, 1",10,1',
      '1,Run b,b,t2,0,2'
    ]);
  });
});

describe('what "Add chart" starts with', () => {
  /** The demo's optimizer grid: a shared metadata component and runs of model × optimizer × epochs. */
  function grid(): TrialComponentListModel {
    const metadata = {
      ...component('metadata', 0, 'sgd', [0.5]),
      Parameters: {
        learning_rate: { NumberValue: 0.01 },
        random_state: { NumberValue: 0 },
        epochs: { StringValue: '5,10' }
      },
      Metrics: []
    };
    const runs = [5, 10].flatMap(epochs =>
      ['sgd', 'adam'].map((optimizer, index) => ({
        ...component(`${optimizer}-${epochs}`, 0.01, optimizer, [
          0.5,
          0.8 + epochs / 100 + index / 100
        ]),
        Parameters: {
          epochs: { NumberValue: epochs },
          optimizer: { StringValue: optimizer },
          seed: { NumberValue: 0 }
        }
      }))
    );
    const model = new TrialComponentListModel();
    model.setTable(tableOf([metadata, ...runs]), {
      experiments: ['grid']
    });
    return model;
  }

  it('draws the metric against a parameter that differs among the components that have it, never the metadata', () => {
    const properties = defaultProperties(grid(), CHART_TYPES);
    expect(properties).toMatchObject({
      chartType: 'scatter',
      dataType: 'summary',
      // epochs differs among the runs (5, 10); learning_rate is the metadata's alone.
      x: 'parameters.epochs',
      y: 'metrics.accuracy.last',
      color: 'parameters.optimizer',
      metric: 'accuracy'
    });
  });

  it('takes the metric the list is sorted by, at its aggregation', () => {
    const model = grid();
    model.setAggregation('accuracy', 'Max');
    model.toggleSort('metric:accuracy');
    expect(defaultProperties(model, CHART_TYPES).y).toBe(
      'metrics.accuracy.max'
    );
  });

  it('colors by component (a legend names them) when no other parameter names things', () => {
    const properties = defaultProperties(loaded(), CHART_TYPES);
    expect(properties.x).toBe('parameters.lr');
    expect(properties.color).toBe('');
  });

  it('draws a bar per component when no parameter differs', () => {
    const same = RUNS.map(run => ({
      ...run,
      Parameters: { optimizer: { StringValue: 'sgd' } }
    }));
    const model = new TrialComponentListModel();
    model.setTable(tableOf(same), RUNS_SELECTION);
    expect(defaultProperties(model, CHART_TYPES)).toMatchObject({
      chartType: 'bar',
      x: '',
      y: 'metrics.accuracy.last'
    });
  });

  it('draws the distribution of a differing parameter when there is no metric', () => {
    const model = new TrialComponentListModel();
    model.setTable(
      tableOf(RUNS.map(run => ({ ...run, Metrics: [] }))),
      RUNS_SELECTION
    );
    expect(defaultProperties(model, CHART_TYPES)).toMatchObject({
      chartType: 'histogram',
      x: 'parameters.lr',
      y: ''
    });
  });
});
