import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import { ITranslator } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import React from 'react';
import { ITable, ITrialComponent } from '../api';
import { TrialComponentListModel } from '../compare/listModel';
import { columnWidth, ListView } from '../compare/ListView';
import { formatCompactTime, formatTime } from '../format';
import { notebookSnippet } from '../compare/snippet';
import { TrialComponentList } from '../compare/widget';
import { ISelectedRow } from '../model';
import {
  bracketing,
  compareServer,
  component,
  RUNS,
  tableOf
} from './compareFixtures';

// jsdom lays nothing out; the grid reports the size of a browser tab so the virtualizer renders.
const GRID_SIZE = { clientWidth: 1000, clientHeight: 600 };
beforeAll(() => {
  for (const [property, size] of Object.entries(GRID_SIZE)) {
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('smx-CompareList-grid') ? size : 0;
      }
    });
  }
});

afterAll(() => {
  for (const property of Object.keys(GRID_SIZE)) {
    delete (HTMLElement.prototype as any)[property];
  }
});

function model(
  runs: ITrialComponent[] = RUNS,
  table: ITable = tableOf(runs)
): TrialComponentListModel {
  const loaded = new TrialComponentListModel();
  loaded.setTable(table, {
    components: runs.map(run => run.TrialComponentName)
  });
  return loaded;
}

function renderList(
  list: TrialComponentListModel,
  filter: (query: string) => Promise<ITable> = async () => tableOf([]),
  translator?: ITranslator
) {
  return render(
    <ListView
      model={list}
      filter={filter}
      onExportCsv={jest.fn()}
      onCopyCode={jest.fn()}
      onAddChart={jest.fn()}
      translator={translator}
    />
  );
}

function pinnedNames(): string[] {
  return screen.getAllByRole('rowheader').map(cell => cell.textContent ?? '');
}

describe('the trial component list', () => {
  it('sorts by a column when its header is clicked, and the other way on a second click', () => {
    renderList(model());
    const header = screen.getByRole('button', { name: 'lr' });
    fireEvent.click(header);
    expect(pinnedNames()).toEqual(['Run c', 'Run b', 'Run a']);
    expect(
      screen
        .getByRole('columnheader', { name: /^lr/ })
        .getAttribute('aria-sort')
    ).toBe('ascending');
    fireEvent.click(header);
    expect(pinnedNames()).toEqual(['Run a', 'Run b', 'Run c']);
  });

  it('shows a metric at the aggregation chosen in its header', () => {
    renderList(model());
    const select = screen.getAllByRole('combobox', {
      name: 'Data aggregation of accuracy'
    })[0];
    fireEvent.change(select, { target: { value: 'Max' } });
    expect(screen.getByRole('button', { name: 'accuracy - Max' })).toBeTruthy();
    const cells = document.querySelectorAll(
      '.smx-CompareList-cell[data-column="metric:accuracy"]'
    );
    expect([...cells].map(cell => cell.textContent)).toEqual([
      '0.9',
      '0.8',
      '0.95'
    ]);
  });

  it('hides a category from the Table properties pane', () => {
    renderList(model());
    fireEvent.click(screen.getByRole('button', { name: 'Table properties' }));
    const pane = screen.getByRole('complementary', {
      name: 'Table properties'
    });
    fireEvent.click(within(pane).getByRole('checkbox', { name: 'Parameters' }));
    expect(screen.queryByRole('button', { name: 'lr' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'optimizer' })).toBeNull();
  });

  it("shows the server's rows for a typed query", async () => {
    const filter = jest.fn(async () => tableOf([RUNS[1]]));
    renderList(model(), filter);
    fireEvent.change(screen.getByRole('searchbox'), {
      target: { value: 'parameters.lr = 0.01' }
    });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(pinnedNames()).toEqual(['Run b']));
    expect(filter).toHaveBeenCalledWith('parameters.lr = 0.01');
    expect(screen.getByText('1 of 3 trial components')).toBeTruthy();
  });

  it('says when the server listed only the first of many components', () => {
    renderList(model(RUNS, tableOf(RUNS, { cap: 2 })));
    expect(pinnedNames()).toEqual(['Run a', 'Run b']);
    expect(
      screen.getByText('more than 2 trial components (the first 2 listed)')
    ).toBeTruthy();
  });

  it('explains a bad query under the box and keeps the rows', async () => {
    renderList(model(), async () => {
      throw new Error("unknown property 'paramters.lr'");
    });
    fireEvent.change(screen.getByRole('searchbox'), {
      target: { value: 'paramters.lr > 1' }
    });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      "unknown property 'paramters.lr'"
    );
    expect(pinnedNames()).toHaveLength(3);
  });

  it('shows names and values holding HTML as text', () => {
    const html = '<img src=x onerror=alert(1)>';
    const odd = { ...component('h', 1, html, [1]), DisplayName: html };
    renderList(model([odd]));
    expect(pinnedNames()).toEqual([html]);
    expect(document.querySelector('.smx-CompareList img')).toBeNull();
  });

  it('renders again on every change of its model, made from anywhere', () => {
    const list = model();
    const view = renderList(list);
    expect(pinnedNames()).toEqual(['Run a', 'Run b', 'Run c']);
    act(() => list.toggleSort('table:lr'));
    expect(pinnedNames()).toEqual(['Run c', 'Run b', 'Run a']);
    act(() => list.setFilter('parameters.lr = 0.01', tableOf([RUNS[1]])));
    expect(pinnedNames()).toEqual(['Run b']);
    expect(screen.getByText('1 of 3 trial components')).toBeTruthy();
    act(() => {
      list.differingOnly = true;
    });
    expect(
      (
        screen.getByRole('checkbox', {
          name: 'Show only differing parameters'
        }) as HTMLInputElement
      ).checked
    ).toBe(true);
    // Gone from the page, the view no longer listens: changes render nothing and throw nothing.
    view.unmount();
    expect(() => act(() => list.setFilter('', null))).not.toThrow();
    expect(document.querySelector('.smx-CompareList')).toBeNull();
  });

  it('counts one trial component in the singular', () => {
    renderList(model([RUNS[0]]));
    expect(screen.getByText('1 trial component')).toBeTruthy();
  });

  it('puts its texts through the translator, and not the data', () => {
    const list = model();
    renderList(list, undefined, bracketing);
    const box = screen.getByRole('searchbox', {
      name: '⟨Filter rows with a query⟩'
    });
    expect(box.getAttribute('placeholder')).toBe(
      '⟨Filter with a query, e.g. metrics.test:accuracy.max > 0.9⟩'
    );
    for (const name of [
      '⟨Filter⟩',
      '⟨Table properties⟩',
      '⟨Export CSV⟩',
      '⟨Copy as notebook code⟩',
      '⟨Add chart⟩'
    ]) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
    expect(
      screen.getByRole('checkbox', { name: '⟨Show only differing parameters⟩' })
    ).toBeTruthy();
    expect(screen.getByText('⟨3 trial components⟩')).toBeTruthy();

    // The headers: the panel's record columns translated, the table's names left as they are.
    const created = screen.getByRole('button', { name: '⟨Created⟩' });
    expect(created.getAttribute('title')).toBe('⟨⟨Created⟩: click to sort⟩');
    expect(screen.getByRole('button', { name: 'lr' })).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'accuracy - Last' })
    ).toBeTruthy();
    expect(pinnedNames()).toEqual(['Run a', 'Run b', 'Run c']);
    const aggregation = screen.getAllByRole('combobox', {
      name: '⟨Data aggregation of accuracy⟩'
    })[0] as HTMLSelectElement;
    expect([...aggregation.options].map(o => [o.value, o.text])).toEqual([
      ['Min', '⟨Min⟩'],
      ['Max', '⟨Max⟩'],
      ['Avg', '⟨Avg⟩'],
      ['StdDev', '⟨StdDev⟩'],
      ['Last', '⟨Last⟩'],
      ['Count', '⟨Count⟩']
    ]);

    // The column chooser: its categories and the record columns translated, names as they are.
    fireEvent.click(screen.getByRole('button', { name: '⟨Table properties⟩' }));
    const pane = screen.getByRole('complementary', {
      name: '⟨Table properties⟩'
    });
    expect(
      [...pane.querySelectorAll('legend')].map(legend => legend.textContent)
    ).toEqual(
      [
        'Trial',
        'Metrics',
        'Parameters',
        'Input artifacts',
        'Output artifacts',
        'Status',
        'Created',
        'Last modified'
      ].map(category => `⟨${category}⟩`)
    );
    expect(within(pane).getByRole('heading').textContent).toBe(
      '⟨Table properties⟩'
    );
    expect(within(pane).getByRole('checkbox', { name: 'lr' })).toBeTruthy();
    expect(
      within(pane).getAllByRole('checkbox', { name: '⟨Last modified⟩' })
    ).toHaveLength(2);
    // What leaves the panel as data or code stays as the table names it.
    expect(list.toCsv().split('\r\n')[0]).toBe(tableOf(RUNS).columns.join(','));
    act(() => list.toggleSort('record:CreationTime'));
    expect(notebookSnippet(list)).toContain(
      '# rows sorted by Created (Ascending)'
    );
  });

  it('keeps status and times compact, each time whole on hover', () => {
    renderList(model());
    const created = document.querySelector(
      '[data-name="a"] [data-column="record:CreationTime"]'
    ) as HTMLElement;
    expect(created.textContent).toBe(formatCompactTime('2026-01-02T03:04:05Z'));
    expect(created.getAttribute('title')).toBe(
      formatTime('2026-01-02T03:04:05Z')
    );
    const width = (id: string) =>
      parseFloat(
        (
          document.querySelector(
            `[role="columnheader"][data-column="${id}"]`
          ) as HTMLElement
        ).style.width
      );
    expect(width('record:Status')).toBeLessThan(width('metric:accuracy'));
    expect(width('record:CreationTime')).toBeLessThan(width('metric:accuracy'));
    expect(columnWidth({ kind: 'time' } as any)).toBeLessThan(
      columnWidth({ kind: 'name' } as any)
    );
  });

  it('offers Save view… only where views can be kept', () => {
    const save = jest.fn();
    const { unmount } = render(
      <ListView
        model={model()}
        filter={async () => tableOf([])}
        onExportCsv={jest.fn()}
        onCopyCode={jest.fn()}
        onAddChart={jest.fn()}
        onSaveView={save}
      />
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save view…' }));
    expect(save).toHaveBeenCalled();
    unmount();
    renderList(model());
    expect(screen.queryByRole('button', { name: 'Save view…' })).toBeNull();
  });

  it('keeps the DOM small for 5,000 components × 300 columns', () => {
    const wide: ITrialComponent[] = Array.from({ length: 5000 }, (_, i) => ({
      ...component(`run-${i}`, i, 'sgd', [i]),
      Parameters: Object.fromEntries(
        Array.from({ length: 300 }, (_, p) => [`p${p}`, { NumberValue: i + p }])
      )
    }));
    const list = model(wide);
    expect(list.visibleColumns.length).toBeGreaterThan(300);
    renderList(list);
    const rows = document.querySelectorAll('.smx-CompareList-row');
    const cells = document.querySelectorAll('.smx-CompareList-cell');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(cells.length).toBeLessThan(rows.length * 15);
  });
});

/** What the sidebar selected: an experiment, a trial and two components. */
const SELECTED: ISelectedRow[] = [
  { kind: 'Experiment', name: 'cifar' },
  { kind: 'Trial', name: 'trial-b', experiment: 'mnist' },
  { kind: 'TrialComponent', name: 'c' },
  { kind: 'TrialComponent', name: 'loose' }
];

const COMPONENTS: ITrialComponent[] = [
  ...RUNS,
  { ...component('x', 1, 'adam', [0.5]), Parents: [] },
  {
    ...component('cifar-1', 1, 'adam', [0.5]),
    Parents: [{ TrialName: 'cifar-t', ExperimentName: 'cifar' }]
  },
  { ...component('loose', 2, 'adam', [0.5]), Parents: [] }
];

async function openList(
  server: ReturnType<typeof compareServer>,
  copy = jest.fn()
): Promise<TrialComponentList> {
  const widget = new TrialComponentList({
    client: server.client,
    selection: SELECTED,
    copy,
    addChart: jest.fn()
  });
  await act(async () => {
    Widget.attach(widget, document.body);
    await widget.ready;
    MessageLoop.flush();
  });
  return widget;
}

async function applyFilter(widget: TrialComponentList, query: string) {
  const box = await within(widget.node).findByRole('searchbox');
  fireEvent.change(box, { target: { value: query } });
  fireEvent.click(within(widget.node).getByRole('button', { name: 'Filter' }));
}

describe('the trial component list tab', () => {
  it('asks one table request naming the selected experiments, trials and components', async () => {
    const server = compareServer(COMPONENTS);
    const widget = await openList(server);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: 'table',
      body: {
        selection: {
          experiments: ['cifar'],
          trials: ['trial-b'],
          components: ['c', 'loose']
        }
      }
    });
    expect(Object.keys(server.requests[0].body)).toEqual(['selection']);
    // The rows are the server's, in its order.
    expect(widget.model.rows.map(row => row.name)).toEqual([
      'b',
      'c',
      'cifar-1',
      'loose'
    ]);
    expect(widget.title.label).toBe('Compare: cifar, trial-b +2');
    expect(within(widget.node).getByText('4 trial components')).toBeTruthy();
    act(() => widget.dispose());
  });

  it('filters with one table request of the selection narrowed by the query', async () => {
    const server = compareServer(COMPONENTS, {
      'metrics.accuracy.max > 0.9': ['c', 'a']
    });
    const copy = jest.fn();
    const widget = await openList(server, copy);
    await applyFilter(widget, 'metrics.accuracy.max > 0.9');
    await waitFor(() =>
      expect(widget.model.rows.map(row => row.name)).toEqual(['c'])
    );
    expect(server.requests.map(r => r.path)).toEqual(['table', 'table']);
    expect(server.requests[1].body).toEqual({
      selection: {
        experiments: ['cifar'],
        trials: ['trial-b'],
        components: ['c', 'loose'],
        search: { query: 'metrics.accuracy.max > 0.9' }
      }
    });
    expect(
      within(widget.node).getByText('1 of 4 trial components')
    ).toBeTruthy();
    fireEvent.click(
      within(widget.node).getByRole('button', { name: 'Copy as notebook code' })
    );
    expect(copy.mock.calls[0][0]).toContain('"c",');
    expect(copy.mock.calls[0][0]).not.toContain('"b",');

    // Clearing the box shows every row again without asking anything.
    fireEvent.change(within(widget.node).getByRole('searchbox'), {
      target: { value: '' }
    });
    await waitFor(() => expect(widget.model.rows).toHaveLength(4));
    expect(server.requests).toHaveLength(2);
    act(() => widget.dispose());
  });

  it("explains a query the server refuses and keeps the list's rows", async () => {
    const server = compareServer(COMPONENTS);
    const widget = await openList(server);
    await applyFilter(widget, 'paramters.lr > 1');
    expect((await within(widget.node).findByRole('alert')).textContent).toBe(
      "unknown property in 'paramters.lr > 1'"
    );
    expect(widget.model.rows).toHaveLength(4);
    expect(widget.model.query).toBe('');
    act(() => widget.dispose());
  });
});
