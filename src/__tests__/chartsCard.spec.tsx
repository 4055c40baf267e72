import {
  act,
  fireEvent,
  render,
  screen,
  waitFor
} from '@testing-library/react';
import { Widget } from '@lumino/widgets';
import React from 'react';
import { ChartCard } from '../charts/ChartCard';
import { defaultProperties } from '../charts/chartRequest';
import { ChartsWidget } from '../charts/widget';
import { TrialComponentListModel } from '../compare/listModel';
import { RUNS, tableOf } from './compareFixtures';
import { fakeServer, IAnswer, IRecordedRequest } from './fakeServer';

// jsdom has no canvas: vega measures text without one (it estimates), as it does in Node.
beforeAll(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: {
    values: [
      { x: 0.1, y: 0.9 },
      { x: 0.01, y: 0.8 },
      { x: 0.001, y: 0.95 }
    ]
  },
  mark: 'point',
  encoding: {
    x: { field: 'x', type: 'quantitative' },
    y: { field: 'y', type: 'quantitative' }
  },
  usermeta: {
    smx_lab: {
      series: [{ component: 'a', raw_count: 5000, points: 100, reduced: true }]
    }
  }
};

function loaded(): TrialComponentListModel {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(RUNS), RUNS);
  model.setAggregation('accuracy', 'Max');
  return model;
}

function renderCard(route: (request: IRecordedRequest) => IAnswer) {
  const server = fakeServer(route);
  const model = loaded();
  render(
    <ChartCard
      client={server.client}
      model={model}
      initial={defaultProperties(model)}
      index={0}
      chartPoints={500}
      themeVersion={0}
      onRemove={jest.fn()}
    />
  );
  return server;
}

describe('a chart of the trial component list', () => {
  it('asks the server for a scatter of the list components and draws one mark per component', async () => {
    const { requests } = renderCard(() => ({ body: SPEC }));
    const figure = await screen.findByRole('figure');
    await waitFor(() =>
      expect(figure.querySelectorAll('svg .mark-symbol path')).toHaveLength(3)
    );
    expect(requests[0].path).toBe('chart');
    expect(requests[0].body).toEqual({
      chart_type: 'scatter',
      data_type: 'summary',
      components: ['a', 'b', 'c'],
      x: 'parameters.lr',
      y: 'metrics.accuracy.max'
    });
  });

  it('says how many points the server reduced', async () => {
    renderCard(() => ({ body: SPEC }));
    expect(
      await screen.findByText(
        `${(5000).toLocaleString()} points reduced to 100`
      )
    ).toBeTruthy();
  });

  it('asks again when the chart properties change', async () => {
    const { requests } = renderCard(() => ({ body: SPEC }));
    await screen.findByRole('figure');
    fireEvent.change(screen.getByRole('combobox', { name: 'Chart type' }), {
      target: { value: 'line' }
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Data type' }), {
      target: { value: 'time_series' }
    });
    await waitFor(() =>
      expect(requests[requests.length - 1].body).toEqual({
        chart_type: 'line',
        data_type: 'time_series',
        components: ['a', 'b', 'c'],
        x_axis: 'step',
        metrics: ['accuracy'],
        max_points: 500
      })
    );
    expect(screen.getByRole('combobox', { name: 'X axis' })).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Color' })).toBeNull();
  });

  it('explains a chart the server refused, as text, in place of the chart', async () => {
    renderCard(() => ({
      status: 400,
      body: {
        error: 'invalid',
        message: 'y: <b>parameters.optimizer</b> holds text',
        field: 'y'
      }
    }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'The chart could not be made: y: <b>parameters.optimizer</b> holds text'
    );
    expect(alert.querySelector('b')).toBeNull();
  });
});

describe('the chart tab', () => {
  it('holds several charts, each with its own properties pane', async () => {
    const server = fakeServer(() => ({ body: SPEC }));
    const widget = new ChartsWidget({
      client: server.client,
      model: loaded(),
      chartPoints: 500,
      title: 'Charts: mnist'
    });
    await act(async () => {
      Widget.attach(widget, document.body);
      widget.addChart();
      widget.addChart();
    });
    await waitFor(() =>
      expect(
        screen.getAllByRole('complementary', { name: 'Chart properties' })
      ).toHaveLength(2)
    );
    expect(screen.getByText('3 trial components')).toBeTruthy();
    act(() => widget.dispose());
  });
});
