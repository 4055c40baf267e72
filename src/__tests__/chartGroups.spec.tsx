/**
 * Charts grouped by parameters or tags, and the list's baseline (docs/charts.md, *Groups and the
 * baseline*): the Chart properties pane's Group by and Band, the request they make, a new chart of
 * a grouped list, and saved charts from before grouping.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { IChartTypeDescription } from '../api';
import { ChartCard } from '../charts/ChartCard';
import {
  chartGroupColumn,
  chartRequest,
  defaultProperties,
  describe as describeChart,
  IChartProperties,
  pickersOf,
  readGrouping
} from '../charts/chartRequest';
import { IListColumn } from '../compare/columns';
import { TrialComponentListModel } from '../compare/listModel';
import { readChartProperties } from '../compare/state';
import {
  CHART_TYPES,
  RUNS,
  RUNS_SELECTION,
  SPEC,
  tableOf
} from './compareFixtures';
import { fakeServer } from './fakeServer';

beforeAll(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

/** The chart types as a server with groups describes them (`GET info`). */
const GROUP_CHART_TYPES: IChartTypeDescription[] = CHART_TYPES.map(type => {
  const fields = { ...type.fields };
  const add = (dataType: 'summary' | 'time_series', extra: string[]) => {
    if (fields[dataType]) {
      fields[dataType] = [...(fields[dataType] as string[]), ...extra];
    }
  };
  switch (type.chart_type) {
    case 'line':
      add('time_series', ['band', 'group_by', 'baseline']);
      add('summary', ['baseline']);
      break;
    case 'scatter':
      add('summary', ['group_by', 'baseline']);
      add('time_series', ['baseline']);
      break;
    case 'bar':
    case 'box':
      add('summary', ['group_by', 'baseline']);
      break;
    case 'parallel':
      add('summary', ['baseline']);
      break;
  }
  return { ...type, fields } as IChartTypeDescription;
});

const LINE: IChartProperties = {
  chartType: 'line',
  dataType: 'time_series',
  x: '',
  y: '',
  color: '',
  metric: 'loss',
  xAxis: 'step',
  smoothing: 0,
  logY: false,
  ignoreOutliers: false,
  bins: 20
};

const SELECTION = { experiments: ['sweep'] };

function request(
  properties: IChartProperties,
  options?: Parameters<typeof chartRequest>[3]
) {
  return chartRequest(
    properties,
    describeChart(GROUP_CHART_TYPES, properties.chartType),
    SELECTION,
    options
  );
}

/** The runs' list, as a list grouped by `groupBy` with `baseline` pinned shows it to charts. */
function listOf(
  groupBy: string[] = [],
  baseline: string | null = null,
  tagKeys: string[] = ['team']
): TrialComponentListModel {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(RUNS), RUNS_SELECTION);
  model.setAggregation('accuracy', 'Max');
  const list = Object.create(model) as TrialComponentListModel;
  Object.defineProperty(list, 'groupBy', { value: groupBy });
  Object.defineProperty(list, 'baseline', { value: baseline });
  Object.defineProperty(list, 'tagKeys', { value: tagKeys });
  return list;
}

describe('a grouped chart request', () => {
  it('sends group_by and the band of a line of time series', () => {
    const body = request({
      ...LINE,
      groupBy: ['parameters.optimizer', 'tags.team'],
      band: 'minmax'
    });
    expect(body).toMatchObject({
      chart_type: 'line',
      data_type: 'time_series',
      group_by: ['parameters.optimizer', 'tags.team'],
      band: 'minmax'
    });
  });

  it('sends the band as std when none is chosen, and no band without a group', () => {
    expect(request({ ...LINE, groupBy: ['trial'] }).band).toBe('std');
    expect(request({ ...LINE, band: 'minmax' })).not.toHaveProperty('band');
    expect(request({ ...LINE, groupBy: [] })).not.toHaveProperty('group_by');
  });

  it('leaves the color out of a grouped scatter: the group colours it', () => {
    const scatter: IChartProperties = {
      ...LINE,
      chartType: 'scatter',
      dataType: 'summary',
      x: 'parameters.lr',
      y: 'metrics.accuracy.max',
      color: 'trial',
      groupBy: ['parameters.optimizer'],
      band: 'minmax'
    };
    const body = request(scatter);
    expect(body.group_by).toEqual(['parameters.optimizer']);
    expect(body).not.toHaveProperty('color');
    expect(body).not.toHaveProperty('band'); // a scatter has no band
  });

  it('sends no grouping to a chart type the server does not group', () => {
    const histogram: IChartProperties = {
      ...LINE,
      chartType: 'histogram',
      dataType: 'summary',
      x: 'parameters.lr',
      groupBy: ['parameters.optimizer']
    };
    expect(request(histogram)).not.toHaveProperty('group_by');
  });

  it("carries the list's baseline to the charts that read it only", () => {
    expect(request(LINE, { baseline: 'b' }).baseline).toBe('b');
    expect(request(LINE, { baseline: null })).not.toHaveProperty('baseline');
    const histogram = { ...LINE, chartType: 'histogram' as const, x: 'trial' };
    expect(request(histogram, { baseline: 'b' })).not.toHaveProperty(
      'baseline'
    );
  });

  it('shows Group by where the chart type reads it, and Band for a grouped line', () => {
    const line = describeChart(GROUP_CHART_TYPES, 'line');
    expect(pickersOf(LINE, line)).toMatchObject({ groupBy: true, band: false });
    expect(pickersOf({ ...LINE, groupBy: ['trial'] }, line).band).toBe(true);
    const histogram = describeChart(GROUP_CHART_TYPES, 'histogram');
    expect(
      pickersOf(
        { ...LINE, chartType: 'histogram', dataType: 'summary' },
        histogram
      ).groupBy
    ).toBe(false);
  });
});

describe('a chart of a grouped list', () => {
  it('maps the list properties to chart columns', () => {
    expect(chartGroupColumn('Parameters.optimizer')).toBe(
      'parameters.optimizer'
    );
    expect(chartGroupColumn('Tags.team')).toBe('tags.team');
    expect(chartGroupColumn('Status.PrimaryStatus')).toBe('status');
    expect(chartGroupColumn('Parents.TrialName')).toBe('trial');
    expect(chartGroupColumn('Parents.ExperimentName')).toBe('experiment');
    expect(chartGroupColumn('Metrics.loss.Max')).toBeNull();
  });

  it('starts with the grouping of the list, its band mean ± std', () => {
    const model = listOf(['Parameters.optimizer', 'Tags.team']);
    const properties = defaultProperties(model, GROUP_CHART_TYPES);
    expect(properties.groupBy).toEqual(['parameters.optimizer', 'tags.team']);
    expect(properties.band).toBe('std');
  });

  it('starts ungrouped from a list that is not grouped (or an older list model)', () => {
    const properties = defaultProperties(listOf(), GROUP_CHART_TYPES);
    expect(properties).not.toHaveProperty('groupBy');
  });

  it('chooses its x among the parameters the server says differ in the whole selection', () => {
    // the page's rows all have lr 0.1 and optimizer sgd, but the selection's do not
    const columns: IListColumn[] = [
      {
        id: 'table:lr',
        label: 'lr',
        category: 'Parameters',
        kind: 'parameter',
        parameter: 'lr',
        tableColumn: 'lr',
        differs: true
      } as IListColumn,
      {
        id: 'table:optimizer',
        label: 'optimizer',
        category: 'Parameters',
        kind: 'parameter',
        parameter: 'optimizer',
        tableColumn: 'optimizer',
        differs: false
      } as IListColumn,
      {
        id: 'metric:accuracy',
        label: 'accuracy',
        category: 'Metrics',
        kind: 'metric',
        metric: 'accuracy',
        statistics: { Last: 'accuracy - Last' }
      } as IListColumn
    ];
    const model = {
      columns,
      table: {
        rows: [
          { lr: 0.1, optimizer: 'sgd', 'accuracy - Last': 0.5 },
          { lr: 0.1, optimizer: 'sgd', 'accuracy - Last': 0.6 }
        ]
      },
      sort: null,
      aggregation: () => 'Last'
    } as unknown as TrialComponentListModel;
    const properties = defaultProperties(model, GROUP_CHART_TYPES);
    expect(properties.chartType).toBe('scatter');
    expect(properties.x).toBe('parameters.lr');
    expect(properties.y).toBe('metrics.accuracy.last');
  });
});

describe('a saved chart', () => {
  const OLD = { ...LINE };

  it('from before grouping reads as an ungrouped chart', () => {
    expect(readChartProperties(OLD)).toEqual(OLD);
  });

  it('keeps its grouping and band', () => {
    const saved = { ...LINE, groupBy: ['parameters.seed'], band: 'minmax' };
    expect(readChartProperties(saved)).toEqual(saved);
  });

  it('drops a grouping or a band that does not hold', () => {
    expect(readGrouping({ ...OLD, groupBy: 'seed', band: 'wide' })).toEqual(
      OLD
    );
    expect(readGrouping({ ...OLD, groupBy: [1, 2] })).toEqual(OLD);
  });
});

describe('the Chart properties pane', () => {
  function renderLine(model = listOf([], 'b')) {
    const server = fakeServer(() => ({ body: SPEC }));
    render(
      <ChartCard
        client={server.client}
        model={model}
        chartTypes={GROUP_CHART_TYPES}
        initial={LINE}
        index={0}
        chartPoints={500}
        themeVersion={0}
        onRemove={jest.fn()}
      />
    );
    const last = () =>
      server.requests.filter(r => r.path === 'chart').slice(-1)[0]?.body;
    return { server, last };
  }

  it('groups a line by a parameter, then a tag, with a band of min – max', async () => {
    const { last } = renderLine();
    await waitFor(() => expect(last()).toBeDefined());
    expect(last().baseline).toBe('b');
    expect(screen.queryByRole('combobox', { name: 'Band' })).toBeNull();

    fireEvent.change(screen.getByRole('combobox', { name: 'Group by' }), {
      target: { value: 'parameters.optimizer' }
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Then group by' }), {
      target: { value: 'tags.team' }
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Band' }), {
      target: { value: 'minmax' }
    });

    await waitFor(() =>
      expect(last()).toMatchObject({
        group_by: ['parameters.optimizer', 'tags.team'],
        band: 'minmax',
        baseline: 'b'
      })
    );
  });

  it('offers the parameters, the tag keys, trial, experiment and status to group by', () => {
    renderLine();
    const picker = screen.getByRole('combobox', { name: 'Group by' });
    const labels = Array.from(picker.querySelectorAll('option')).map(
      option => option.textContent
    );
    expect(labels).toEqual([
      'Not grouped',
      'lr',
      'optimizer',
      'team (tag)',
      'Trial',
      'Experiment',
      'Status'
    ]);
  });

  it('stops grouping by a column with its button, and at three columns offers no more', async () => {
    const { last } = renderLine();
    for (const column of ['parameters.lr', 'parameters.optimizer', 'trial']) {
      const picker =
        screen.queryByRole('combobox', { name: 'Then group by' }) ??
        screen.getByRole('combobox', { name: 'Group by' });
      fireEvent.change(picker, { target: { value: column } });
    }
    expect(
      (
        screen.getByRole('combobox', {
          name: 'Then group by'
        }) as HTMLSelectElement
      ).disabled
    ).toBe(true);
    fireEvent.click(
      screen.getByRole('button', { name: 'Stop grouping by lr' })
    );
    await waitFor(() =>
      expect(last().group_by).toEqual(['parameters.optimizer', 'trial'])
    );
  });
});
