import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import React from 'react';
import { ITrialComponent } from '../api';
import { TrialComponentListModel } from '../compare/listModel';
import { ListView } from '../compare/ListView';
import { TrialComponentList } from '../compare/widget';
import { component, RUNS, tableOf } from './compareFixtures';
import { fakeServer, page } from './fakeServer';

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

function model(runs: ITrialComponent[] = RUNS): TrialComponentListModel {
  const loaded = new TrialComponentListModel();
  loaded.setTable(tableOf(runs), runs);
  return loaded;
}

function renderList(
  list: TrialComponentListModel,
  runQuery: (query: string) => Promise<Set<string>> = async () => new Set()
) {
  return render(
    <ListView
      model={list}
      runQuery={runQuery}
      onExportCsv={jest.fn()}
      onCopyCode={jest.fn()}
      onAddChart={jest.fn()}
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

  it('filters rows with the names a typed query matched', async () => {
    const runQuery = jest.fn(async () => new Set(['b']));
    renderList(model(), runQuery);
    fireEvent.change(screen.getByRole('searchbox'), {
      target: { value: 'parameters.lr = 0.01' }
    });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(pinnedNames()).toEqual(['Run b']));
    expect(runQuery).toHaveBeenCalledWith('parameters.lr = 0.01');
    expect(screen.getByText('1 of 3 trial components')).toBeTruthy();
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

describe('the trial component list tab', () => {
  it('asks the table of the selected components and lists them', async () => {
    const server = fakeServer(request => {
      if (request.path === 'search') {
        return page(RUNS);
      }
      if (request.path === 'table') {
        return { body: tableOf(RUNS) };
      }
      return {
        status: 404,
        body: { error: 'not_found', message: request.path }
      };
    });
    const widget = new TrialComponentList({
      client: server.client,
      selection: RUNS.map(run => ({
        kind: 'TrialComponent' as const,
        name: run.TrialComponentName
      })),
      copy: jest.fn(),
      addChart: jest.fn()
    });
    await widget.ready;
    const table = server.requests.find(r => r.path === 'table');
    expect(table?.body).toEqual({ components: ['a', 'b', 'c'] });
    expect(widget.model.rows.map(row => row.name)).toEqual(['a', 'b', 'c']);
    expect(widget.title.label).toBe('Compare: a, b +1');
    act(() => widget.dispose());
  });

  it('filters with a POST search of the typed query and keeps only its own components', async () => {
    const server = fakeServer(request => {
      if (request.path === 'search' && request.body.query) {
        return page([RUNS[2], component('elsewhere', 1, 'sgd', [1])]);
      }
      if (request.path === 'search') {
        return page(RUNS);
      }
      return { body: tableOf(RUNS) };
    });
    const copy = jest.fn();
    const widget = new TrialComponentList({
      client: server.client,
      selection: RUNS.map(run => ({
        kind: 'TrialComponent' as const,
        name: run.TrialComponentName
      })),
      copy,
      addChart: jest.fn()
    });
    await widget.ready;
    await act(async () => {
      Widget.attach(widget, document.body);
      MessageLoop.sendMessage(widget, Widget.Msg.UpdateRequest);
    });
    const box = await within(widget.node).findByRole('searchbox');
    fireEvent.change(box, { target: { value: 'metrics.accuracy.max > 0.9' } });
    fireEvent.click(
      within(widget.node).getByRole('button', { name: 'Filter' })
    );
    await waitFor(() =>
      expect(widget.model.rows.map(row => row.name)).toEqual(['c'])
    );
    const search = server.requests.filter(r => r.body?.query);
    expect(search[0].body).toMatchObject({
      resource: 'ExperimentTrialComponent',
      query: 'metrics.accuracy.max > 0.9'
    });
    fireEvent.click(
      within(widget.node).getByRole('button', { name: 'Copy as notebook code' })
    );
    expect(copy.mock.calls[0][0]).toContain('"c",');
    act(() => widget.dispose());
  });
});
