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
import { ApiError, ITrialComponent } from '../api';
import { ListLoader } from '../compare/loader';
import { PAGE_SIZE } from '../compare/pagedCache';
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
import { fakeServer } from './fakeServer';

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

/** A list of `runs` loaded from a fake server of the paged routes. */
async function model(
  runs: ITrialComponent[] = RUNS,
  queries: Record<string, string[]> = {}
): Promise<TrialComponentListModel> {
  const server = compareServer(runs, queries);
  const loader = new ListLoader(
    server.client,
    runs.map(run => ({ kind: 'TrialComponent', name: run.TrialComponentName }))
  );
  await loader.ready;
  return loader.model;
}

function renderList(
  list: TrialComponentListModel,
  translator?: ITranslator,
  onExportCsv = jest.fn()
) {
  return render(
    <ListView
      model={list}
      onExportCsv={onExportCsv}
      onCopyCode={jest.fn()}
      onAddChart={jest.fn()}
      translator={translator}
    />
  );
}

/** The pinned column's texts, top to bottom (the baseline's first, when pinned). */
function pinnedNames(): string[] {
  return screen
    .getAllByRole('rowheader')
    .map(
      cell =>
        cell.querySelector('.smx-CompareList-cellText')?.textContent ??
        cell.textContent ??
        ''
    );
}

describe('the trial component list', () => {
  it('sorts by a column on the server when its header is clicked, and the other way on a second click', async () => {
    renderList(await model());
    const header = screen.getByRole('button', { name: 'lr' });
    fireEvent.click(header);
    await waitFor(() =>
      expect(pinnedNames()).toEqual(['Run c', 'Run b', 'Run a'])
    );
    expect(
      screen
        .getByRole('columnheader', { name: /^lr/ })
        .getAttribute('aria-sort')
    ).toBe('ascending');
    fireEvent.click(header);
    await waitFor(() =>
      expect(pinnedNames()).toEqual(['Run a', 'Run b', 'Run c'])
    );
  });

  it('shows a metric at the aggregation chosen in its header', async () => {
    renderList(await model());
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

  it('hides a category from the Table properties pane', async () => {
    renderList(await model());
    fireEvent.click(screen.getByRole('button', { name: 'Table properties' }));
    const pane = screen.getByRole('complementary', {
      name: 'Table properties'
    });
    fireEvent.click(within(pane).getByRole('checkbox', { name: 'Parameters' }));
    expect(screen.queryByRole('button', { name: 'lr' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'optimizer' })).toBeNull();
  });

  it("shows the server's rows for a typed query, counted of the whole selection", async () => {
    renderList(await model(RUNS, { 'parameters.lr = 0.01': ['b'] }));
    fireEvent.change(screen.getByRole('searchbox'), {
      target: { value: 'parameters.lr = 0.01' }
    });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(pinnedNames()).toEqual(['Run b']));
    expect(screen.getByText('1 of 3 trial components')).toBeTruthy();
  });

  it('counts the whole selection exactly, and keeps the DOM small for 100,000 rows', async () => {
    const total = 100000;
    const first = tableOf(
      Array.from({ length: 150 }, (_, i) =>
        component(`run-${i}`, i, 'sgd', [i])
      ),
      { paged: true }
    );
    const asked: any[] = [];
    const server = fakeServer(request => {
      asked.push(request.body);
      const offset = Number(request.body.cursor ?? request.body.offset ?? 0);
      const rows = Array.from(
        { length: Math.min(request.body.limit, total - offset) },
        (_, i) => ({
          ...first.rows[0],
          TrialComponentName: `run-${offset + i}`,
          DisplayName: `Run ${offset + i}`
        })
      );
      return {
        body: {
          ...first,
          rows,
          total,
          next_cursor: String(offset + rows.length)
        }
      };
    });
    const loader = new ListLoader(server.client, [
      { kind: 'Experiment', name: 'big' }
    ]);
    await loader.ready;
    renderList(loader.model);
    expect(screen.getByText('100,000 trial components')).toBeTruthy();
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe(
      String(total + 1)
    );
    expect(
      document.querySelectorAll('.smx-CompareList-row').length
    ).toBeLessThan(60);
    // Scrolled far down: placeholders at once, then the rows of that page.
    const grid = document.querySelector('.smx-CompareList-grid') as HTMLElement;
    grid.scrollTop = 28 * 2000;
    fireEvent.scroll(grid);
    await waitFor(() =>
      expect(
        document.querySelector('.smx-CompareList-row[data-name="run-2005"]')
      ).not.toBeNull()
    );
    expect(
      document.querySelectorAll('.smx-CompareList-row').length
    ).toBeLessThan(60);
    // The far page by its offset, in one request, not a walk through the pages before it.
    const far = asked.filter(body => body.offset !== undefined);
    expect(far).toHaveLength(1);
    expect(far[0].offset).toBeGreaterThan(1900);
    expect(asked.length).toBeLessThanOrEqual(3);
  });

  it('explains a bad query under the box and keeps the rows', async () => {
    renderList(await model());
    fireEvent.change(screen.getByRole('searchbox'), {
      target: { value: 'paramters.lr > 1' }
    });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      "unknown property in 'paramters.lr > 1'"
    );
    expect(pinnedNames()).toHaveLength(3);
  });

  it('shows names and values holding HTML as text', async () => {
    const html = '<img src=x onerror=alert(1)>';
    const odd = { ...component('h', 1, html, [1]), DisplayName: html };
    renderList(await model([odd]));
    expect(pinnedNames()).toEqual([html]);
    expect(document.querySelector('.smx-CompareList img')).toBeNull();
  });

  it('renders again on every change of its model, made from anywhere', async () => {
    const list = await model(RUNS, { 'parameters.lr = 0.01': ['b'] });
    const view = renderList(list);
    expect(pinnedNames()).toEqual(['Run a', 'Run b', 'Run c']);
    await act(async () => {
      list.toggleSort('table:lr');
      await list.settled;
    });
    expect(pinnedNames()).toEqual(['Run c', 'Run b', 'Run a']);
    await act(() => list.setQuery('parameters.lr = 0.01'));
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
    await expect(act(() => list.setQuery(''))).resolves.not.toThrow();
    expect(document.querySelector('.smx-CompareList')).toBeNull();
  });

  it('counts one trial component in the singular', async () => {
    renderList(await model([RUNS[0]]));
    expect(screen.getByText('1 trial component')).toBeTruthy();
  });

  it('puts its texts through the translator, and not the data', async () => {
    const list = await model();
    renderList(list, bracketing);
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
      '⟨Add chart⟩',
      '⟨Group by…⟩'
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
    expect(
      screen.getByRole('button', { name: '⟨Which way accuracy is better⟩' })
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
    expect(list.csvRequest().columns?.slice(0, 3)).toEqual([
      'DisplayName',
      'lr',
      'accuracy - Last'
    ]);
    await act(async () => {
      list.toggleSort('record:CreationTime');
      await list.settled;
    });
    expect(notebookSnippet(list)).toContain(
      '        sort_by="CreationTime",\n        sort_order="Ascending",\n'
    );
  });

  it('keeps status and times compact, each time whole on hover', async () => {
    renderList(await model());
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

  it('offers Save view… only where views can be kept', async () => {
    const save = jest.fn();
    const { unmount } = render(
      <ListView
        model={await model()}
        onExportCsv={jest.fn()}
        onCopyCode={jest.fn()}
        onAddChart={jest.fn()}
        onSaveView={save}
      />
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save view…' }));
    expect(save).toHaveBeenCalled();
    unmount();
    renderList(await model());
    expect(screen.queryByRole('button', { name: 'Save view…' })).toBeNull();
  });

  it('keeps the DOM small for 5,000 components × 300 columns', async () => {
    const wide: ITrialComponent[] = Array.from({ length: 5000 }, (_, i) => ({
      ...component(`run-${i}`, i, 'sgd', [i]),
      Parameters: Object.fromEntries(
        Array.from({ length: 300 }, (_, p) => [`p${p}`, { NumberValue: i + p }])
      )
    }));
    const list = await model(wide);
    expect(list.visibleColumns.length).toBeGreaterThan(300);
    renderList(list);
    const rows = document.querySelectorAll('.smx-CompareList-row');
    const cells = document.querySelectorAll('.smx-CompareList-cell');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(cells.length).toBeLessThan(rows.length * 15);
  });

  it('groups by a parameter: a row per group with its count and mean ± std, expanded to its members by keyboard', async () => {
    const runs = [
      component('a1', 0.1, 'sgd', [0.5, 0.9]),
      component('a2', 0.1, 'sgd', [0.5, 0.7]),
      component('b1', 0.01, 'adam', [0.6, 0.8])
    ];
    const list = await model(runs);
    renderList(list);
    fireEvent.click(screen.getByRole('button', { name: 'Group by…' }));
    const chooser = screen.getByRole('group', { name: 'Group by' });
    fireEvent.click(
      within(chooser).getByRole('checkbox', { name: 'optimizer' })
    );
    fireEvent.click(within(chooser).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(pinnedNames()).toHaveLength(2));
    expect(pinnedNames()).toEqual(['optimizer = adam', 'optimizer = sgd']);
    expect(
      screen.getByRole('button', { name: 'Group by: optimizer' })
    ).toBeTruthy();
    expect(screen.getByText('2 groups · 3 trial components')).toBeTruthy();
    const sgd = document.querySelector(
      '.smx-mod-group[data-group=\'["sgd"]\']'
    ) as HTMLElement;
    expect(sgd.querySelector('[data-column="group:count"]')?.textContent).toBe(
      '2'
    );
    expect(
      sgd.querySelector('[data-column="metric:accuracy"]')?.textContent
    ).toBe('0.8 ± 0.141421');
    fireEvent.change(
      screen.getByRole('combobox', { name: 'Group statistics' }),
      {
        target: { value: 'minmax' }
      }
    );
    expect(
      sgd.querySelector('[data-column="metric:accuracy"]')?.textContent
    ).toBe('0.7 – 0.9');

    // Down to the second group, Enter: its members under it.
    const grid = screen.getByRole('grid');
    grid.focus();
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    await waitFor(() => expect(pinnedNames()).toHaveLength(4));
    expect(pinnedNames().slice(2)).toEqual(['Run a1', 'Run a2']);
    expect(sgd.getAttribute('aria-expanded')).toBe('true');
  });

  it('pins a baseline from a row: on top, every other row with its difference, coloured by direction', async () => {
    const list = await model();
    renderList(list);
    fireEvent.contextMenu(
      document.querySelector('.smx-CompareList-row[data-name="b"]') as Element
    );
    fireEvent.click(screen.getByRole('menuitem', { name: 'Pin as baseline' }));
    await waitFor(() =>
      expect(
        document.querySelector('.smx-CompareList-row.smx-mod-baseline')
      ).not.toBeNull()
    );
    const baseline = document.querySelector(
      '.smx-CompareList-row.smx-mod-baseline'
    ) as HTMLElement;
    expect(baseline.getAttribute('data-name')).toBe('b');
    expect(baseline.textContent).toContain('Baseline');
    // Last accuracy: a 0.7 against b 0.8 is worse; c 0.3 too.
    const difference = (name: string, columnId: string) =>
      document.querySelector(
        `.smx-CompareList-row[data-name="${name}"]:not(.smx-mod-baseline) [data-column="${columnId}"] .smx-CompareList-difference`
      ) as HTMLElement;
    await waitFor(() =>
      expect(difference('a', 'metric:accuracy')).not.toBeNull()
    );
    expect(difference('a', 'metric:accuracy').textContent).toBe(
      '−0.1 (−12.5%)'
    );
    expect(difference('a', 'metric:accuracy').className).toContain(
      'smx-mod-worse'
    );
    expect(difference('a', 'table:lr').className).toContain('smx-mod-neutral');
    // Lower is better, from the column's menu: a is better now.
    fireEvent.click(
      screen.getByRole('button', { name: 'Which way accuracy is better' })
    );
    fireEvent.click(
      screen.getByRole('menuitemradio', { name: 'Lower is better' })
    );
    expect(difference('a', 'metric:accuracy').className).toContain(
      'smx-mod-better'
    );
    // Unpinned from its own pin button, by keyboard as by mouse.
    fireEvent.click(
      screen.getByRole('button', { name: 'Unpin b as baseline' })
    );
    await waitFor(() =>
      expect(
        document.querySelector('.smx-CompareList-row.smx-mod-baseline')
      ).toBeNull()
    );
    await waitFor(() =>
      expect(pinnedNames()).toEqual(['Run a', 'Run b', 'Run c'])
    );
  });

  it('says when a page could not be loaded, and loads it on Retry', async () => {
    const list = await model();
    let fail = true;
    renderList(list);
    const source = (list as any)._source;
    const real = source.table.bind(source);
    source.table = async (request: any) => {
      if (fail) {
        throw new ApiError(503, {
          error: 'store_unavailable',
          message: 'down'
        });
      }
      return real(request);
    };
    await act(async () => {
      list.toggleSort('table:lr');
      await list.settled;
    });
    expect(screen.getByRole('alert').textContent).toContain(
      'Rows could not be loaded: down'
    );
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() =>
      expect(pinnedNames()).toEqual(['Run c', 'Run b', 'Run a'])
    );
    expect(screen.queryByRole('alert')).toBeNull();
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
    expect(Object.keys(server.requests[0].body)).toEqual([
      'selection',
      'limit'
    ]);
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
      },
      limit: PAGE_SIZE
    });
    expect(
      within(widget.node).getByText('1 of 4 trial components')
    ).toBeTruthy();
    fireEvent.click(
      within(widget.node).getByRole('button', { name: 'Copy as notebook code' })
    );
    // The copied code rebuilds the selection narrowed by the same query, not the rows loaded.
    const code = copy.mock.calls[0][0];
    expect(code).toContain(
      'search = compile_text("metrics.accuracy.max > 0.9")'
    );
    expect(code).toContain('"Operator": "In", "Value": "c,loose"}');
    expect(code).toContain(
      '"Parents.ExperimentName", "Operator": "In", "Value": "cifar"}'
    );

    // Clearing the box asks for the first page of the whole selection again.
    fireEvent.change(within(widget.node).getByRole('searchbox'), {
      target: { value: '' }
    });
    await waitFor(() => expect(widget.model.rows).toHaveLength(4));
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2].body.selection.search).toBeUndefined();
    act(() => widget.dispose());
  });

  it('exports CSV through the server: the columns shown, sorted as shown, saved as a file', async () => {
    const server = compareServer(COMPONENTS);
    const widget = await openList(server);
    const saved: Blob[] = [];
    (URL as any).createObjectURL = (blob: Blob) => {
      saved.push(blob);
      return 'blob:csv';
    };
    (URL as any).revokeObjectURL = () => undefined;
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    await act(async () => {
      widget.model.setCategoryHidden('Input artifacts', true);
      widget.model.setCategoryHidden('Output artifacts', true);
      widget.model.toggleSort('table:lr');
      await widget.model.settled;
    });
    await act(() => widget.exportCsv());
    const asked = server.requests.find(r => r.path === 'table/csv');
    expect(asked?.body).toEqual(widget.model.csvRequest());
    expect(asked?.body.sort).toEqual({
      by: 'Parameters.lr',
      order: 'Ascending'
    });
    expect(click).toHaveBeenCalled();
    const text = await new Promise<string>(resolve => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(saved[0]);
    });
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe(widget.model.csvRequest().columns?.join(','));
    expect(lines[0].split(',').slice(0, 2)).toEqual(['DisplayName', 'lr']);
    expect(lines.slice(1).map(line => line.split(',')[1])).toEqual([
      '0.001',
      '0.01',
      '1',
      '2'
    ]);
    expect(widget.csvProgress).toBeNull();
    click.mockRestore();
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
