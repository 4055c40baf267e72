import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import { Widget } from '@lumino/widgets';
import React from 'react';
import { IChartTypeDescription } from '../api';
import { ChartCard } from '../charts/ChartCard';
import { defaultProperties } from '../charts/chartRequest';
import { ChartsWidget } from '../charts/widget';
import { TrialComponentListModel } from '../compare/listModel';
import {
  CHART_TYPES,
  RUNS,
  RUNS_SELECTION,
  SPEC,
  tableOf
} from './compareFixtures';
import { fakeServer, IAnswer, IRecordedRequest } from './fakeServer';

// jsdom has no canvas: vega measures text without one (it estimates), as it does in Node.
beforeAll(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

function loaded(): TrialComponentListModel {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(RUNS), RUNS_SELECTION);
  model.setAggregation('accuracy', 'Max');
  return model;
}

function renderCard(
  route: (request: IRecordedRequest) => IAnswer,
  chartTypes: IChartTypeDescription[] = CHART_TYPES,
  model = loaded()
) {
  const server = fakeServer(route);
  render(
    <ChartCard
      client={server.client}
      model={model}
      chartTypes={chartTypes}
      initial={defaultProperties(model, chartTypes)}
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
      selection: { components: ['a', 'b', 'c'] },
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
        selection: { components: ['a', 'b', 'c'] },
        x_axis: 'step',
        metrics: ['accuracy'],
        max_points: 500
      })
    );
    expect(screen.getByRole('combobox', { name: 'X axis' })).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Color' })).toBeNull();
  });

  it('offers the chart types the server describes, and a data type choice only where it has one', async () => {
    renderCard(() => ({ body: SPEC }));
    await screen.findByRole('figure');
    const types = screen.getByRole('combobox', { name: 'Chart type' });
    expect(
      within(types)
        .getAllByRole('option')
        .map(option => option.textContent)
    ).toEqual([
      'Line',
      'Scatter',
      'Bar',
      'Histogram',
      'Box',
      'Parallel coordinates',
      'Parameter importance'
    ]);
    const dataType = () =>
      screen.getByRole('combobox', { name: 'Data type' }) as HTMLSelectElement;
    expect(dataType().disabled).toBe(false);
    const xChoices = () =>
      within(screen.getByRole('combobox', { name: 'X' }))
        .getAllByRole('option')
        .map(option => option.textContent);
    // A scatter needs its x; a bar may do without (a bar per component).
    expect(xChoices()).not.toContain('Each component');
    fireEvent.change(types, { target: { value: 'bar' } });
    expect(xChoices()).toContain('Each component');
    expect(dataType().disabled).toBe(true);
    expect(
      within(dataType())
        .getAllByRole('option')
        .map(option => option.textContent)
    ).toEqual(['Summary statistics']);
  });

  it('shows only the pickers of the fields the description lists', async () => {
    const histogramOnly: IChartTypeDescription[] = [
      {
        chart_type: 'histogram',
        label: 'Histogram',
        data_types: ['summary'],
        fields: { summary: ['x'] },
        required: { summary: ['x'] }
      }
    ];
    const { requests } = renderCard(() => ({ body: SPEC }), histogramOnly);
    await screen.findByRole('figure');
    expect(screen.getByRole('combobox', { name: 'X' })).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Y' })).toBeNull();
    expect(screen.queryByRole('spinbutton')).toBeNull();
    expect(requests[0].body).toEqual({
      chart_type: 'histogram',
      data_type: 'summary',
      selection: { components: ['a', 'b', 'c'] },
      x: 'parameters.lr'
    });
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
      chartTypes: CHART_TYPES,
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

  it("asks for the list's selection, narrowed by its query filter, and again when it changes", async () => {
    const server = fakeServer(() => ({ body: SPEC }));
    const model = loaded();
    const widget = new ChartsWidget({
      client: server.client,
      model,
      chartTypes: CHART_TYPES,
      chartPoints: 500,
      title: 'Charts: mnist'
    });
    await act(async () => {
      Widget.attach(widget, document.body);
      widget.addChart();
    });
    await screen.findByRole('figure');
    expect(server.requests[0].body.selection).toEqual({
      components: ['a', 'b', 'c']
    });
    act(() =>
      model.setFilter('parameters.lr > 0.005', tableOf(RUNS.slice(0, 2)))
    );
    await waitFor(() =>
      expect(
        server.requests[server.requests.length - 1].body.selection
      ).toEqual({
        components: ['a', 'b', 'c'],
        search: { query: 'parameters.lr > 0.005' }
      })
    );
    expect(server.requests.every(r => !('components' in r.body))).toBe(true);
    expect(screen.getByText('2 trial components')).toBeTruthy();
    act(() => widget.dispose());
  });

  it('says so when the server describes no chart types', async () => {
    const widget = new ChartsWidget({
      client: fakeServer(() => ({ body: SPEC })).client,
      model: loaded(),
      chartTypes: [],
      chartPoints: 500,
      title: 'Charts: mnist'
    });
    await act(async () => {
      Widget.attach(widget, document.body);
      widget.addChart();
    });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'no chart types'
    );
    expect(screen.queryByRole('complementary')).toBeNull();
    act(() => widget.dispose());
  });
});
