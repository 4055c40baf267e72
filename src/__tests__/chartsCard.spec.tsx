import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import { ITranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import React from 'react';
import { IChartTypeDescription } from '../api';
import { ChartCard } from '../charts/ChartCard';
import { defaultProperties } from '../charts/chartRequest';
import { ChartsWidget } from '../charts/widget';
import { TrialComponentListModel } from '../compare/listModel';
import { ListLoader } from '../compare/loader';
import {
  bracketing,
  CHART_TYPES,
  compareServer,
  RUNS,
  RUNS_ROWS,
  RUNS_SELECTION,
  SPEC,
  tableOf
} from './compareFixtures';
import {
  fakeServer,
  IAnswer,
  IFakeServer,
  IRecordedRequest
} from './fakeServer';

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

/** A chart tab over the runs' list, loaded from `server` (the compare routes by default). */
async function chartTab(
  options: {
    server?: IFakeServer;
    chartTypes?: IChartTypeDescription[];
    translator?: ITranslator;
  } = {}
): Promise<{ widget: ChartsWidget; server: IFakeServer }> {
  const server = options.server ?? compareServer(RUNS);
  const loader = new ListLoader(server.client, RUNS_ROWS);
  await loader.ready;
  const widget = new ChartsWidget({
    client: server.client,
    loader,
    listState: () => ({
      version: 1,
      id: 'list-1',
      selection: RUNS_ROWS,
      hiddenCategories: [],
      hiddenColumns: [],
      aggregation: {},
      sort: null,
      differingOnly: false,
      query: '',
      groupBy: [],
      band: 'std',
      baseline: null,
      directions: {}
    }),
    chartTypes: options.chartTypes ?? CHART_TYPES,
    chartPoints: 500,
    title: 'Charts: mnist',
    translator: options.translator
  });
  return { widget, server };
}

/** The chart requests a server was sent. */
function chartRequests(server: IFakeServer): IRecordedRequest[] {
  return server.requests.filter(request => request.path === 'chart');
}

function renderCard(
  route: (request: IRecordedRequest) => IAnswer,
  chartTypes: IChartTypeDescription[] = CHART_TYPES,
  model = loaded(),
  translator?: ITranslator
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
      translator={translator}
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

describe("a chart in the user's language", () => {
  it("puts its texts through the translator, and leaves the server's chart type labels as they are", async () => {
    renderCard(() => ({ body: SPEC }), CHART_TYPES, loaded(), bracketing);
    expect(
      await screen.findByRole('figure', { name: '⟨Scatter chart⟩' })
    ).toBeTruthy();
    const card = screen.getByRole('region', { name: '⟨Chart 1⟩' });
    expect(within(card).getByText('⟨Chart 1: Scatter⟩')).toBeTruthy();
    expect(
      await within(card).findByText(
        `⟨${(5000).toLocaleString()} points reduced to 100⟩`
      )
    ).toBeTruthy();
    for (const name of [
      '⟨Export PNG⟩',
      '⟨Export SVG⟩',
      '⟨Export data CSV⟩',
      '⟨Remove chart 1⟩'
    ]) {
      expect(within(card).getByRole('button', { name })).toBeTruthy();
    }
    expect(within(card).getByText('⟨Remove⟩')).toBeTruthy();

    const pane = within(card).getByRole('complementary', {
      name: '⟨Chart properties⟩'
    });
    const optionsOf = (label: string) =>
      [
        ...(
          within(pane).getByRole('combobox', {
            name: label
          }) as HTMLSelectElement
        ).options
      ].map(option => option.text);
    expect(optionsOf('⟨Chart type⟩')).toEqual(
      CHART_TYPES.map(type => type.label)
    );
    expect(optionsOf('⟨Data type⟩')).toEqual([
      '⟨Summary statistics⟩',
      '⟨Time series⟩'
    ]);
    // The columns are the table's names; the panel's own Status column is translated.
    expect(optionsOf('⟨X⟩')).toEqual(
      expect.arrayContaining(['lr', 'accuracy - Max', '⟨Status⟩'])
    );
    expect(optionsOf('⟨Y⟩')).toContain('accuracy - Max');
    expect(optionsOf('⟨Color⟩')[0]).toBe('⟨By component⟩');
    expect(
      within(pane).getByRole('checkbox', { name: '⟨Log y⟩' })
    ).toBeTruthy();
    expect(
      within(pane).getByRole('checkbox', { name: '⟨Ignore outliers⟩' })
    ).toBeTruthy();

    fireEvent.change(
      within(pane).getByRole('combobox', { name: '⟨Data type⟩' }),
      { target: { value: 'time_series' } }
    );
    expect(optionsOf('⟨X axis⟩')).toEqual([
      '⟨Step⟩',
      '⟨Wall time⟩',
      '⟨Relative time⟩'
    ]);
    expect(optionsOf('⟨Metric⟩')).toEqual(['⟨Every metric⟩', 'accuracy']);
  });

  it('explains a refused chart through the translator', async () => {
    renderCard(
      () => ({
        status: 400,
        body: { error: 'invalid', message: 'y holds text', field: 'y' }
      }),
      CHART_TYPES,
      loaded(),
      bracketing
    );
    expect((await screen.findByRole('alert')).textContent).toBe(
      '⟨The chart could not be made: y holds text⟩'
    );
  });

  it('gives its translator to the chart tab and its cards', async () => {
    const { widget } = await chartTab({ translator: bracketing });
    await act(async () => {
      Widget.attach(widget, document.body);
      widget.addChart();
    });
    expect(
      within(widget.node).getByRole('button', { name: '⟨Add chart⟩' })
    ).toBeTruthy();
    expect(within(widget.node).getByText('⟨3 trial components⟩')).toBeTruthy();
    expect(
      await within(widget.node).findByRole('region', { name: '⟨Chart 1⟩' })
    ).toBeTruthy();
    act(() => widget.dispose());

    const { widget: empty } = await chartTab({
      chartTypes: [],
      translator: bracketing
    });
    await act(async () => {
      Widget.attach(empty, document.body);
    });
    expect(within(empty.node).getByRole('alert').textContent).toBe(
      '⟨The server describes no chart types: it may be older than this panel.⟩'
    );
    act(() => empty.dispose());
  });
});

describe('the chart tab', () => {
  it('holds several charts, each with its own properties pane', async () => {
    const { widget } = await chartTab();
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
    const { widget, server } = await chartTab({
      server: compareServer(RUNS, { 'parameters.lr > 0.005': ['a', 'b'] })
    });
    await act(async () => {
      Widget.attach(widget, document.body);
      widget.addChart();
    });
    await screen.findByRole('figure');
    expect(chartRequests(server)[0].body.selection).toEqual({
      components: ['a', 'b', 'c']
    });
    await act(() => widget.model.setQuery('parameters.lr > 0.005'));
    await waitFor(() =>
      expect(chartRequests(server).pop()?.body.selection).toEqual({
        components: ['a', 'b', 'c'],
        search: { query: 'parameters.lr > 0.005' }
      })
    );
    expect(chartRequests(server).every(r => !('components' in r.body))).toBe(
      true
    );
    expect(screen.getByText('2 trial components')).toBeTruthy();
    act(() => widget.dispose());
  });

  it('says so when the server describes no chart types', async () => {
    const { widget } = await chartTab({ chartTypes: [] });
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

  it('keeps the properties of each chart in its state, as the user changes them', async () => {
    const { widget } = await chartTab();
    const saves = jest.fn();
    widget.stateChanged.connect(saves);
    await act(async () => {
      Widget.attach(widget, document.body);
      widget.addChart();
    });
    await waitFor(() => expect(widget.charts).toHaveLength(1));
    const card = await screen.findByRole('region', { name: 'Chart 1' });
    fireEvent.change(
      within(card).getByRole('combobox', { name: 'Chart type' }),
      { target: { value: 'bar' } }
    );
    expect(widget.state().charts[0].chartType).toBe('bar');
    expect(widget.state().list.id).toBe('list-1');
    expect(saves).toHaveBeenCalled();
    act(() => widget.dispose());
  });
});
