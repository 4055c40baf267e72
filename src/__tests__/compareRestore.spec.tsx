/**
 * Nothing lost on reload: the lists and chart tabs save their state for the layout restorer and
 * come back from it; a list can be saved as a named view and opened again from the palette.
 */
import { act, waitFor } from '@testing-library/react';
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { StateDB } from '@jupyterlab/statedb';
import { CommandRegistry } from '@lumino/commands';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import { ChartsWidget } from '../charts/widget';
import { CommandIDs } from '../commands';
import { registerCompare, VIEWS_KEY } from '../compare/register';
import { TrialComponentList } from '../compare/widget';
import { ISelectedRow } from '../model';
import { ExperimentsPanel } from '../sidebar/panel';
import { compareServer, RUNS, RUNS_ROWS } from './compareFixtures';

// jsdom has no canvas: vega measures text without one (it estimates), as it does in Node.
beforeEach(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

afterEach(() => {
  jest.restoreAllMocks();
});

interface IRestoring {
  command: string;
  args: (widget: Widget) => ReadonlyPartialJSONObject;
  name: (widget: Widget) => string;
}

/** The compare commands with a restorer, a state database and a palette, as JupyterLab gives. */
function setUp(rows: ISelectedRow[] = RUNS_ROWS) {
  const server = compareServer(RUNS);
  const added: Widget[] = [];
  let current: Widget | null = null;
  const app = {
    commands: new CommandRegistry(),
    restored: Promise.resolve(),
    shell: {
      add: (widget: Widget) => {
        added.push(widget);
        current = widget;
        Widget.attach(widget, document.body);
      },
      activateById: jest.fn(),
      get currentWidget() {
        return current;
      }
    }
  } as unknown as JupyterFrontEnd;
  const restoring = new Map<string, IRestoring>();
  const restorer = {
    restore: (tracker: WidgetTracker, options: IRestoring) => {
      restoring.set(tracker.namespace, options);
      return Promise.resolve();
    }
  } as unknown as ILayoutRestorer;
  const palette = {
    addItem: jest.fn(() => ({ dispose: jest.fn(), isDisposed: false }))
  };
  const state = new StateDB();
  registerCompare({
    app,
    client: server.client,
    panel: {
      selection: { rows, size: rows.length }
    } as unknown as ExperimentsPanel,
    copy: jest.fn(),
    chartPoints: () => 500,
    restorer,
    state,
    palette: palette as unknown as ICommandPalette
  });
  const contents = <T,>(type: new (...args: any[]) => T): T[] =>
    added
      .filter(widget => !widget.isDisposed)
      .map(widget => (widget as MainAreaWidget).content)
      .filter((content): content is T & Widget => content instanceof type);
  return { server, app, added, restoring, palette, state, contents };
}

/** What the restorer would keep of a widget after a change, as JSON. */
function saved(restoring: IRestoring, widget: Widget) {
  return JSON.parse(
    JSON.stringify(restoring.args(widget.parent as MainAreaWidget))
  );
}

describe('after a reload', () => {
  it('a list comes back with its selection and its view', async () => {
    const { app, restoring, contents, added } = setUp();
    await act(() => app.commands.execute(CommandIDs.openInList));
    const [list] = contents(TrialComponentList);
    await act(() => list.ready);
    await act(async () => {
      list.model.setAggregation('accuracy', 'Max');
      list.model.toggleSort('metric:accuracy');
      list.model.setCategoryHidden('Created', true);
      list.model.setGroupBy(['Parameters.optimizer']);
      list.model.band = 'minmax';
      list.model.pin('b');
      list.model.setDirection('accuracy', 'lower');
      await list.model.settled;
    });
    const lists = restoring.get('smx-lab-compare')!;
    const data = saved(lists, list);
    expect(lists.command).toBe(CommandIDs.restoreList);
    expect(lists.name(list.parent!)).toBe(list.stateId);
    expect(data).toMatchObject({
      version: 2,
      groupBy: ['Parameters.optimizer'],
      band: 'minmax',
      baseline: 'b',
      directions: { accuracy: 'lower' },
      id: list.stateId,
      selection: RUNS_ROWS,
      aggregation: { accuracy: 'Max' },
      sort: { columnId: 'metric:accuracy', order: 'Ascending' },
      hiddenCategories: ['Created']
    });

    act(() => added.forEach(widget => widget.dispose()));
    await act(() => app.commands.execute(CommandIDs.restoreList, data));
    const [restored] = contents(TrialComponentList);
    await act(() => restored.ready);
    expect(restored.stateId).toBe(list.stateId);
    expect(restored.model.aggregation('accuracy')).toBe('Max');
    expect(restored.model.sort).toEqual({
      columnId: 'metric:accuracy',
      order: 'Ascending'
    });
    expect(restored.model.isCategoryHidden('Created')).toBe(true);
    expect(restored.model.groupBy).toEqual(['Parameters.optimizer']);
    expect(restored.model.band).toBe('minmax');
    expect(restored.model.baselineRow?.name).toBe('b');
    expect(restored.model.direction('accuracy')).toBe('lower');
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('a chart tab comes back with its charts, linked to its list when the list came back', async () => {
    const { app, restoring, contents, added } = setUp();
    await act(() => app.commands.execute(CommandIDs.addChart));
    const [list] = contents(TrialComponentList);
    const [charts] = contents(ChartsWidget);
    await waitFor(() => expect(charts.charts).toHaveLength(1));
    const listData = saved(restoring.get('smx-lab-compare')!, list);
    const chartsData = saved(restoring.get('smx-lab-charts')!, charts);
    expect(chartsData.list.id).toBe(list.stateId);
    expect(chartsData.charts[0]).toMatchObject({ chartType: 'scatter' });

    act(() => added.forEach(widget => widget.dispose()));
    await act(() => app.commands.execute(CommandIDs.restoreList, listData));
    await act(() => app.commands.execute(CommandIDs.restoreCharts, chartsData));
    const [restoredList] = contents(TrialComponentList);
    const [restoredCharts] = contents(ChartsWidget);
    expect(restoredCharts.loader).toBe(restoredList.loader);
    await waitFor(() =>
      expect(restoredCharts.charts).toEqual(chartsData.charts)
    );
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('a chart tab whose list was closed loads the list as it was saved', async () => {
    const { app, restoring, contents, added, server } = setUp();
    await act(() => app.commands.execute(CommandIDs.addChart));
    const [charts] = contents(ChartsWidget);
    await waitFor(() => expect(charts.charts).toHaveLength(1));
    const data = saved(restoring.get('smx-lab-charts')!, charts);
    act(() => added.forEach(widget => widget.dispose()));
    const tables = server.requests.filter(r => r.path === 'table').length;

    await act(() => app.commands.execute(CommandIDs.restoreCharts, data));
    const [restored] = contents(ChartsWidget);
    await act(() => restored.loader.ready);
    expect(server.requests.filter(r => r.path === 'table')).toHaveLength(
      tables + 1
    );
    await waitFor(() => expect(restored.charts).toEqual(data.charts));
    expect(restored.state().list.id).toBe(data.list.id);
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('a list whose experiment is gone says so instead of failing', async () => {
    const { app, contents, added } = setUp();
    await act(() =>
      app.commands.execute(CommandIDs.restoreList, {
        version: 1,
        id: 'list-gone',
        selection: [
          { kind: 'Experiment', name: 'deleted' },
          ...(RUNS_ROWS as any[])
        ]
      })
    );
    const [list] = contents(TrialComponentList);
    await act(() => list.ready);
    expect(list.node.querySelector('.smx-MissingNote')?.textContent).toBe(
      'Not in the store any more, left out: experiment ‘deleted’. The list shows the rest.'
    );
    expect(list.model.rows.map(row => row.name)).toEqual(['a', 'b', 'c']);
    // Saved as selected: with another store, the experiment may be back.
    expect(list.state().selection[0]).toEqual({
      kind: 'Experiment',
      name: 'deleted'
    });
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('a list saved while it loads keeps the view it was restored with', async () => {
    const { app, restoring, contents, added } = setUp();
    const data = {
      version: 1,
      id: 'list-loading',
      selection: RUNS_ROWS as any[],
      aggregation: { accuracy: 'Min' },
      hiddenColumns: ['table:lr']
    };
    let saving: any = null;
    await act(async () => {
      const running = app.commands.execute(CommandIDs.restoreList, data);
      // The restorer saves a tab as it is added, before its table is there.
      const [list] = contents(TrialComponentList);
      saving = saved(restoring.get('smx-lab-compare')!, list);
      await running;
    });
    expect(saving).toMatchObject({
      aggregation: { accuracy: 'Min' },
      hiddenColumns: ['table:lr']
    });
    const [list] = contents(TrialComponentList);
    await act(() => list.ready);
    expect(saved(restoring.get('smx-lab-compare')!, list)).toMatchObject({
      aggregation: { accuracy: 'Min' },
      hiddenColumns: ['table:lr']
    });
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('a chart tab that cannot load its list keeps its charts for the next time', async () => {
    const { app, restoring, contents, added, server } = setUp();
    await act(() => app.commands.execute(CommandIDs.addChart));
    const [charts] = contents(ChartsWidget);
    await waitFor(() => expect(charts.charts).toHaveLength(1));
    const data = saved(restoring.get('smx-lab-charts')!, charts);
    act(() => added.forEach(widget => widget.dispose()));

    // The store is down now: the tab says so (Retry), and what it saves still has its chart.
    const down = jest
      .spyOn(server.client, 'table')
      .mockRejectedValue(new Error('the store is down'));
    await act(() => app.commands.execute(CommandIDs.restoreCharts, data));
    const [restored] = contents(ChartsWidget);
    await act(() => restored.loader.ready);
    expect(restored.node.querySelector('[role="alert"]')).not.toBeNull();
    expect(saved(restoring.get('smx-lab-charts')!, restored).charts).toEqual(
      data.charts
    );
    down.mockRestore();
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('restore data that holds no list is refused, so the restorer forgets it', async () => {
    const { app } = setUp();
    await expect(
      app.commands.execute(CommandIDs.restoreList, { id: 'x', selection: [] })
    ).rejects.toThrow();
    await expect(
      app.commands.execute(CommandIDs.restoreCharts, { id: 'y' })
    ).rejects.toThrow();
  });
});

describe('named views', () => {
  it('keep the list in view and its charts, and open again from the palette', async () => {
    const { app, contents, added, palette, state } = setUp();
    await act(() => app.commands.execute(CommandIDs.addChart));
    const [list] = contents(TrialComponentList);
    const [charts] = contents(ChartsWidget);
    await waitFor(() => expect(charts.charts).toHaveLength(1));
    act(() => list.model.setAggregation('accuracy', 'Max'));
    // The chart tab is the one in view: its list is saved with it.
    jest.spyOn(InputDialog, 'getText').mockResolvedValue({
      button: { accept: true } as any,
      value: 'best runs',
      isChecked: null
    });
    expect(app.commands.isEnabled(CommandIDs.saveView)).toBe(true);
    await act(() => app.commands.execute(CommandIDs.saveView));

    const stored = (await state.fetch(VIEWS_KEY)) as any;
    expect(stored.version).toBe(2);
    expect(stored.views[0]).toMatchObject({
      name: 'best runs',
      list: { selection: RUNS_ROWS, aggregation: { accuracy: 'Max' } },
      charts: [{ chartType: 'scatter' }]
    });
    expect(palette.addItem).toHaveBeenCalledWith(
      expect.objectContaining({
        command: CommandIDs.openView,
        args: { name: 'best runs' }
      })
    );
    expect(app.commands.label(CommandIDs.openView, { name: 'best runs' })).toBe(
      'Open view: best runs'
    );

    act(() => added.forEach(widget => widget.dispose()));
    await act(() =>
      app.commands.execute(CommandIDs.openView, { name: 'best runs' })
    );
    const [opened] = contents(TrialComponentList);
    const [openedCharts] = contents(ChartsWidget);
    await act(() => opened.ready);
    expect(opened.title.label).toBe('best runs');
    expect(opened.stateId).not.toBe(list.stateId);
    expect(opened.model.aggregation('accuracy')).toBe('Max');
    expect(openedCharts.title.label).toBe('Charts: best runs');
    await waitFor(() => expect(openedCharts.charts).toHaveLength(1));
    act(() => added.forEach(widget => widget.dispose()));
  });

  it('are read back from the state database when the application starts', async () => {
    const state = new StateDB();
    await state.save(VIEWS_KEY, {
      version: 1,
      views: [
        {
          version: 1,
          name: 'kept',
          list: {
            version: 1,
            id: 'list-9',
            selection: RUNS_ROWS as any,
            hiddenCategories: [],
            hiddenColumns: [],
            aggregation: {},
            sort: null,
            differingOnly: false,
            query: ''
          },
          charts: []
        }
      ]
    });
    const { app } = setUp();
    const palette = {
      addItem: jest.fn(() => ({ dispose: jest.fn(), isDisposed: false }))
    };
    registerCompare({
      app: { ...app, commands: new CommandRegistry() } as JupyterFrontEnd,
      client: compareServer(RUNS).client,
      panel: {
        selection: { rows: [], size: 0 }
      } as unknown as ExperimentsPanel,
      copy: jest.fn(),
      chartPoints: () => 500,
      state,
      palette: palette as unknown as ICommandPalette
    });
    await waitFor(() =>
      expect(palette.addItem).toHaveBeenCalledWith(
        expect.objectContaining({ args: { name: 'kept' } })
      )
    );
  });
});
