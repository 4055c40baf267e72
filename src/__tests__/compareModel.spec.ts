import { ITrialComponent } from '../api';
import { difference, knownDirection } from '../compare/baseline';
import {
  chartColumn,
  differingParameters,
  listColumns
} from '../compare/columns';
import { ListLoader } from '../compare/loader';
import { TrialComponentListModel } from '../compare/listModel';
import { MAX_PAGE_SIZE, PAGE_SIZE } from '../compare/pagedCache';
import { inValues, notebookSnippet } from '../compare/snippet';
import { ISelectedRow } from '../model';
import { component, compareServer, pagedAnswer, RUNS } from './compareFixtures';
import { errorAnswer, fakeServer, selectComponents } from './fakeServer';

function rowsOf(runs: ITrialComponent[]): ISelectedRow[] {
  return runs.map(run => ({
    kind: 'TrialComponent',
    name: run.TrialComponentName
  }));
}

/** A list of `runs` loaded from a fake server of the paged routes; `queries` as it answers them. */
async function loaded(
  runs: ITrialComponent[] = RUNS,
  queries: Record<string, string[]> = {}
) {
  const server = compareServer(runs, queries);
  const loader = new ListLoader(server.client, rowsOf(runs));
  await loader.ready;
  return { model: loader.model, server, loader };
}

/** `count` runs; the learning rate differs only from the 200th on, the optimizer by halves. */
function many(count: number): ITrialComponent[] {
  return Array.from({ length: count }, (_, i) =>
    component(
      `run-${String(i).padStart(5, '0')}`,
      i < 200 ? 0.1 : 0.01,
      i % 2 ? 'adam' : 'sgd',
      [i / count, (i + 1) / count]
    )
  );
}

function column(model: TrialComponentListModel, id: string) {
  const found = model.columns.find(c => c.id === id);
  if (!found) {
    throw new Error(`no column ${id}`);
  }
  return found;
}

const tableRequests = (server: { requests: { path: string; body: any }[] }) =>
  server.requests.filter(r => r.path === 'table').map(r => r.body);

describe('trial component list columns', () => {
  it('puts every table column in the category its descriptor says', async () => {
    const { model } = await loaded();
    const categories = Object.fromEntries(
      model.columns.map(c => [c.label, c.category])
    );
    expect(categories).toEqual({
      TrialComponentName: 'Trial',
      DisplayName: 'Trial',
      Status: 'Status',
      Created: 'Created',
      'Last modified': 'Last modified',
      lr: 'Parameters',
      optimizer: 'Parameters',
      accuracy: 'Metrics',
      'train - MediaType': 'Input artifacts',
      'train - Value': 'Input artifacts',
      'model - MediaType': 'Output artifacts',
      'model - Value': 'Output artifacts',
      Trials: 'Trial',
      Experiments: 'Trial'
    });
  });

  it('keeps a parameter named like a metric statistic or an artifact field a parameter', async () => {
    const odd: ITrialComponent = {
      ...component('odd', 1, 'sgd', [0.5]),
      Parameters: {
        'loss - Max': { NumberValue: 3 },
        'model - Value': { StringValue: 'resnet' }
      }
    };
    const { model } = await loaded([odd]);
    const loss = column(model, 'table:loss - Max');
    expect(loss.category).toBe('Parameters');
    expect(chartColumn(loss)).toBe('parameters.loss - Max');
    expect(model.value(model.rows[0], loss)).toBe(3);
    expect(column(model, 'table:model - Value').category).toBe('Parameters');
    expect(model.columns.some(c => c.id === 'metric:loss')).toBe(false);
  });

  it('reads kinds and sort properties from the descriptors alone, whatever the column names', () => {
    const columns = listColumns([
      { name: 'id', kind: 'name', sort_by: 'TrialComponentName' },
      { name: 'shown as', kind: 'display_name' },
      {
        name: 'best loss',
        kind: 'metric',
        metric: 'loss',
        statistic: 'Min',
        sort_by: 'Metrics.loss.Min'
      },
      { name: 'final loss', kind: 'metric', metric: 'loss', statistic: 'Last' },
      {
        name: 'lr - Max',
        kind: 'parameter',
        parameter: 'lr - Max',
        sort_by: 'Parameters.lr - Max',
        differs: true
      },
      {
        name: 'data',
        kind: 'input_artifact',
        artifact: 'data',
        field: 'Value'
      },
      { name: 'Status', kind: 'status', sort_by: 'Status.PrimaryStatus' }
    ]);
    expect(columns.map(c => [c.id, c.category])).toEqual([
      ['table:id', 'Trial'],
      ['table:shown as', 'Trial'],
      ['record:Status', 'Status'],
      ['metric:loss', 'Metrics'],
      ['table:lr - Max', 'Parameters'],
      ['table:data', 'Input artifacts']
    ]);
    expect(columns[3].statistics).toEqual({
      Min: 'best loss',
      Last: 'final loss'
    });
    expect(columns[3].statisticSortBy).toEqual({ Min: 'Metrics.loss.Min' });
    expect(columns[4]).toMatchObject({
      sortBy: 'Parameters.lr - Max',
      differs: true
    });
    expect(columns[2].sortBy).toBe('Status.PrimaryStatus');
  });

  it('opens with what tells the runs apart first: the differing parameters and the metrics, then the rest', async () => {
    const { model } = await loaded();
    expect(model.columns.map(c => c.label)).toEqual([
      'DisplayName',
      'lr',
      'accuracy',
      'optimizer',
      'TrialComponentName',
      'Trials',
      'Experiments',
      'Status',
      'Created',
      'Last modified',
      'train - MediaType',
      'train - Value',
      'model - MediaType',
      'model - Value'
    ]);
  });

  it('orders by what differs in the whole selection, not in the first page', async () => {
    // The first page's runs all share lr 0.1; the server says lr differs further down.
    const { model } = await loaded(many(400));
    expect(model.rows).toHaveLength(PAGE_SIZE);
    expect(new Set(model.rows.map(r => r.values.lr))).toEqual(new Set([0.1]));
    const order = model.columns.map(c => c.label);
    expect(order.slice(0, 4)).toEqual([
      'DisplayName',
      'lr',
      'optimizer',
      'accuracy'
    ]);
  });

  it('counts a parameter as differing only among the components that have it', async () => {
    // A shared metadata component has a parameter the runs lack, and a text value for theirs.
    const metadata: ITrialComponent = {
      ...component('meta', 0, 'sgd', [0.1]),
      Parameters: {
        learning_rate: { NumberValue: 0.01 },
        epochs: { StringValue: '5,10' }
      },
      Metrics: []
    };
    const runs = RUNS.map((run, index) => ({
      ...run,
      Parameters: { ...run.Parameters, epochs: { NumberValue: 5 * index } }
    }));
    const { model } = await loaded([metadata, ...runs]);
    const order = model.columns.map(c => c.label);
    expect(order.slice(0, 4)).toEqual([
      'DisplayName',
      'epochs',
      'lr',
      'accuracy'
    ]);
    expect(order.indexOf('learning_rate')).toBeGreaterThan(
      order.indexOf('accuracy')
    );
    expect(
      differingParameters(model.columns, model.table.rows).map(c => c.label)
    ).toEqual(['epochs', 'lr']);
  });

  it('shows Status, Created and Last modified from the rows', async () => {
    const { model } = await loaded();
    const [a] = model.rows;
    expect(model.value(a, column(model, 'record:Status'))).toBe('Completed');
    expect(model.value(a, column(model, 'record:CreationTime'))).toBe(
      '2026-01-02T03:04:05Z'
    );
    expect(chartColumn(column(model, 'record:Status'))).toBe('status');
  });

  it('shows a metric as one column of its Last value until another aggregation is chosen', async () => {
    const { model } = await loaded();
    const accuracy = column(model, 'metric:accuracy');
    const [a] = model.rows;
    expect(model.label(accuracy)).toBe('accuracy - Last');
    expect(model.value(a, accuracy)).toBe(0.7);
    model.setAggregation('accuracy', 'Max');
    expect(model.label(accuracy)).toBe('accuracy - Max');
    expect(model.value(a, accuracy)).toBe(0.9);
  });

  it('hides a whole category, and a single column, but never the pinned name', async () => {
    const { model } = await loaded();
    model.setCategoryHidden('Trial', true);
    model.setColumnHidden('table:lr', true);
    const shown = model.visibleColumns.map(c => c.label);
    expect(shown[0]).toBe('DisplayName');
    expect(shown).not.toContain('TrialComponentName');
    expect(shown).not.toContain('Trials');
    expect(shown).not.toContain('lr');
    expect(shown).toContain('optimizer');
  });
});

describe('paging the trial component list', () => {
  it('loads one page, knows the exact total, and holds no row it was not asked for', async () => {
    const { model, server } = await loaded(many(1000));
    expect(tableRequests(server)).toEqual([
      { selection: expect.any(Object), limit: PAGE_SIZE }
    ]);
    expect(model.total).toBe(1000);
    expect(model.itemCount).toBe(1000);
    expect(model.rows).toHaveLength(PAGE_SIZE);
    expect(model.rowAt(0)?.name).toBe('run-00000');
    expect(model.rowAt(PAGE_SIZE)).toBeUndefined();
  });

  it('fetches the page of what shows and a page ahead, with the cursor of the page before', async () => {
    const { model, server } = await loaded(many(1000));
    model.show(140, 170);
    await model.settled;
    const [, next] = tableRequests(server);
    expect(next.cursor).toBe(String(PAGE_SIZE));
    for (const index of [140, 170, 170 + PAGE_SIZE]) {
      expect(model.rowAt(index)?.name).toBe(
        `run-${String(index).padStart(5, '0')}`
      );
    }
    // Nothing more while the same rows show.
    const asked = server.requests.length;
    model.show(140, 170);
    await model.settled;
    expect(server.requests).toHaveLength(asked);
  });

  it('jumps to a far page by its offset, in one request, and loads what shows there', async () => {
    const { model, server } = await loaded(many(5000));
    model.show(4000, 4030);
    await model.settled;
    const [, far] = tableRequests(server);
    expect(tableRequests(server)).toHaveLength(2);
    expect(far.offset).toBe(4000);
    expect(far.cursor).toBeUndefined();
    expect(far.limit).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    expect(model.rowAt(4030)?.name).toBe('run-04030');
    expect(model.rowAt(4030 + PAGE_SIZE)?.name).toBeDefined();
    expect(model.rowAt(3999)).toBeUndefined();
    // Scrolled on from there: the next page by the cursor of the one before.
    model.show(4170, 4200);
    await model.settled;
    expect(tableRequests(server).pop().cursor).toBe(String(4000 + far.limit));
  });

  it('shows a page that failed as an error, and loads it on Retry', async () => {
    const runs = many(400);
    let fail = true;
    const server = fakeServer(request => {
      if ((request.body.cursor || request.body.offset) && fail) {
        return errorAnswer(503, 'store_unavailable', 'the store is down');
      }
      const selected = selectComponents(runs, request.body.selection);
      return pagedAnswer(request.path, request.body, selected) ?? {};
    });
    const loader = new ListLoader(server.client, rowsOf(runs));
    await loader.ready;
    const model = loader.model;
    model.show(200, 220);
    await model.settled;
    expect(model.error?.message).toBe('the store is down');
    expect(model.rowAt(200)).toBeUndefined();
    fail = false;
    model.retry();
    await model.settled;
    expect(model.error).toBeNull();
    expect(model.rowAt(200)?.name).toBe('run-00200');
  });
});

describe('sorting the trial component list', () => {
  it("asks the server to sort a metric column by its chosen aggregation's statistic", async () => {
    const { model, server } = await loaded();
    model.setAggregation('accuracy', 'Max');
    model.toggleSort('metric:accuracy');
    await model.settled;
    expect(tableRequests(server).pop()).toMatchObject({
      sort: { by: 'Metrics.accuracy.Max', order: 'Ascending' },
      limit: PAGE_SIZE
    });
    expect(model.rows.map(r => r.name)).toEqual(['b', 'a', 'c']);
    model.toggleSort('metric:accuracy');
    await model.settled;
    expect(tableRequests(server).pop().sort.order).toBe('Descending');
    expect(model.rows.map(r => r.name)).toEqual(['c', 'a', 'b']);
  });

  it('keeps the rows in view, busy, until the rows of the new order are there', async () => {
    const { model } = await loaded();
    model.toggleSort('table:lr');
    expect(model.loading).toBe(true);
    expect(model.rows.map(r => r.name)).toEqual(['a', 'b', 'c']);
    await model.settled;
    expect(model.loading).toBe(false);
    expect(model.rows.map(r => r.name)).toEqual(['c', 'b', 'a']);
  });

  it('shows only the newest order when sorted twice quickly', async () => {
    const { model } = await loaded();
    model.toggleSort('table:lr');
    model.toggleSort('table:lr');
    await model.settled;
    expect(model.sort?.order).toBe('Descending');
    expect(model.rows.map(r => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('sorts again when the aggregation of the sorted metric changes', async () => {
    const { model, server } = await loaded();
    model.toggleSort('metric:accuracy');
    await model.settled;
    model.setAggregation('accuracy', 'Min');
    await model.settled;
    expect(tableRequests(server).pop().sort).toEqual({
      by: 'Metrics.accuracy.Min',
      order: 'Ascending'
    });
    expect(model.rows.map(r => r.name)).toEqual(['c', 'a', 'b']);
  });

  it('sorts a parameter by the property its descriptor names, over the whole selection', async () => {
    const { model, server } = await loaded(many(400));
    model.sort = { columnId: 'table:lr', order: 'Ascending' };
    await model.settled;
    expect(tableRequests(server).pop().sort).toEqual({
      by: 'Parameters.lr',
      order: 'Ascending'
    });
    // The rows of lr 0.01 are past the first page of the unsorted list; sorted, they come first.
    expect(model.rowAt(0)?.values.lr).toBe(0.01);
    expect(model.total).toBe(400);
  });

  it('does not sort by a column the server cannot sort by (an artifact)', async () => {
    const { model } = await loaded();
    expect(model.sortable(column(model, 'table:train - Value'))).toBe(false);
    expect(model.sortable(column(model, 'metric:accuracy'))).toBe(true);
  });
});

describe('filtering the trial component list', () => {
  it('narrows the selection on the server, and shows every row again when cleared', async () => {
    const { model, server } = await loaded(RUNS, {
      'parameters.lr < 0.05': ['b', 'c']
    });
    await model.setQuery('parameters.lr < 0.05');
    expect(model.rows.map(r => r.name)).toEqual(['b', 'c']);
    expect(model.total).toBe(2);
    expect(model.selectionTotal).toBe(3);
    expect(model.query).toBe('parameters.lr < 0.05');
    expect(model.selection).toEqual({
      components: ['a', 'b', 'c'],
      search: { query: 'parameters.lr < 0.05' }
    });
    expect(tableRequests(server).pop()).toMatchObject({
      selection: { search: { query: 'parameters.lr < 0.05' } },
      limit: PAGE_SIZE
    });
    await model.setQuery('');
    expect(model.rows).toHaveLength(3);
    expect(model.selection).toEqual({ components: ['a', 'b', 'c'] });
  });

  it('keeps the list as it was when the server refuses a query', async () => {
    const { model } = await loaded();
    await expect(model.setQuery('paramters.lr > 1')).rejects.toThrow(
      "unknown property in 'paramters.lr > 1'"
    );
    expect(model.query).toBe('');
    expect(model.rows).toHaveLength(3);
  });

  it('keeps the columns and their choices while filtering', async () => {
    const { model } = await loaded(RUNS, { q: ['a'] });
    model.setColumnHidden('table:optimizer', true);
    const before = model.columns.map(c => c.id);
    await model.setQuery('q');
    expect(model.columns.map(c => c.id)).toEqual(before);
    expect(model.visibleColumns.map(c => c.label)).not.toContain('optimizer');
  });

  it('shows only the parameters the server says differ when asked', async () => {
    const { model } = await loaded(many(400));
    model.differingOnly = true;
    const shown = model.visibleColumns.map(c => c.label);
    // lr differs only past the first page: the descriptors say so, not the rows loaded.
    expect(shown).toContain('lr');
    expect(shown).toContain('optimizer');
    const { model: three } = await loaded();
    three.differingOnly = true;
    expect(three.visibleColumns.map(c => c.label)).not.toContain('optimizer');
  });

  it('judges differing parameters among the filtered components only', async () => {
    const runs = [RUNS[0], component('e', 0.1, 'adam', [0.4])];
    const { model } = await loaded(runs, { q: ['a'] });
    model.differingOnly = true;
    expect(model.visibleColumns.map(c => c.label)).toContain('optimizer');
    await model.setQuery('q');
    const shown = model.visibleColumns.map(c => c.label);
    expect(shown).not.toContain('lr');
    expect(shown).not.toContain('optimizer');
  });
});

describe('grouping the trial component list', () => {
  const runs = [
    component('a1', 0.1, 'sgd', [0.5, 0.9]),
    component('a2', 0.1, 'sgd', [0.5, 0.7]),
    component('b1', 0.01, 'adam', [0.6, 0.8])
  ];

  it('shows one row per group from the server, with its count and metric statistics', async () => {
    const { model, server } = await loaded(runs);
    model.setGroupBy(['Parameters.optimizer']);
    await model.settled;
    expect(model.groupBy).toEqual(['Parameters.optimizer']);
    const asked = server.requests.find(r => r.path === 'table/groups');
    expect(asked?.body).toMatchObject({
      group_by: ['Parameters.optimizer'],
      selection: { components: ['a1', 'a2', 'b1'] }
    });
    expect(model.itemCount).toBe(2);
    const first = model.itemAt(0);
    expect(first.kind).toBe('group');
    if (first.kind !== 'group') {
      return;
    }
    expect(first.group?.key).toEqual(['adam']);
    expect(first.group?.count).toBe(1);
    const sgd = model.itemAt(1);
    if (sgd.kind !== 'group' || !sgd.group) {
      throw new Error('no second group');
    }
    const accuracy = column(model, 'metric:accuracy');
    expect(model.groupStatistics(sgd.group, accuracy)).toMatchObject({
      mean: 0.8,
      min: 0.7,
      max: 0.9,
      count: 2
    });
    expect(model.groupValue(sgd.group, column(model, 'table:optimizer'))).toBe(
      'sgd'
    );
    expect(model.visibleColumns[1].id).toBe('group:count');
  });

  it('expands a group to its members, asked for by its key', async () => {
    const { model, server } = await loaded(runs);
    model.setGroupBy(['Parameters.optimizer']);
    await model.settled;
    model.toggleGroup(1);
    await model.settled;
    expect(tableRequests(server).pop()).toMatchObject({
      group_by: ['Parameters.optimizer'],
      group: [['sgd']],
      limit: PAGE_SIZE
    });
    expect(model.itemCount).toBe(4);
    expect([1, 2, 3].map(i => model.itemAt(i).kind)).toEqual([
      'group',
      'row',
      'row'
    ]);
    const member = model.itemAt(3);
    expect(member.kind === 'row' && member.row?.name).toBe('a2');
    model.toggleGroup(1);
    expect(model.itemCount).toBe(2);
  });

  it('sorts the groups by count, or by the mean of a metric statistic', async () => {
    const { model, server } = await loaded(runs);
    model.setGroupBy(['Parameters.optimizer']);
    model.sort = { columnId: 'group:count', order: 'Descending' };
    await model.settled;
    const groups = () =>
      server.requests.filter(r => r.path === 'table/groups').pop()?.body;
    expect(groups().sort).toEqual({ by: 'Count', order: 'Descending' });
    const first = model.itemAt(0);
    expect(first.kind === 'group' && first.group?.key).toEqual(['sgd']);
    model.sort = { columnId: 'metric:accuracy', order: 'Descending' };
    await model.settled;
    expect(groups().sort).toEqual({
      by: 'Metrics.accuracy.Last',
      order: 'Descending'
    });
  });

  it('goes back to rows when grouped by nothing', async () => {
    const { model } = await loaded(runs);
    model.setGroupBy(['Parameters.optimizer', 'Status.PrimaryStatus']);
    await model.settled;
    model.setGroupBy([]);
    expect(model.grouped).toBe(false);
    expect(model.itemAt(0).kind).toBe('row');
    expect(model.visibleColumns.map(c => c.id)).not.toContain('group:count');
  });
});

describe('the baseline of the trial component list', () => {
  it('is asked for on every page, stays apart from the rows, and each row shows its difference', async () => {
    const { model, server } = await loaded();
    model.pin('b');
    await model.settled;
    expect(tableRequests(server).pop()).toMatchObject({ baseline: 'b' });
    expect(model.baseline).toBe('b');
    expect(model.baselineRow?.name).toBe('b');
    expect(model.rows.map(r => r.name)).toEqual(['a', 'c']);
    expect(model.total).toBe(2);
    const accuracy = column(model, 'metric:accuracy');
    // Last accuracy: a 0.7, b 0.8: a is worse, by 0.1, 12.5 %.
    const diff = model.difference(model.rows[0], accuracy);
    expect(diff?.absolute).toBeCloseTo(-0.1);
    expect(diff?.percent).toBeCloseTo(-12.5);
    expect(diff?.better).toBe(false);
    // A number parameter: a difference without colour.
    const lr = model.difference(model.rows[0], column(model, 'table:lr'));
    expect(lr?.absolute).toBeCloseTo(0.09);
    expect(lr?.better).toBeNull();
    expect(
      model.difference(model.rows[0], column(model, 'table:optimizer'))
    ).toBeNull();
  });

  it('colours by the direction chosen for a metric', async () => {
    const { model } = await loaded();
    model.pin('b');
    await model.settled;
    const accuracy = column(model, 'metric:accuracy');
    model.setDirection('accuracy', 'lower');
    expect(model.difference(model.rows[0], accuracy)?.better).toBe(true);
    model.setDirection('accuracy', 'none');
    expect(model.difference(model.rows[0], accuracy)?.better).toBeNull();
    expect(model.view.directions).toEqual({ accuracy: 'none' });
    model.setDirection('accuracy', 'higher');
    expect(model.view.directions).toEqual({});
  });

  it('is unpinned with a note when the selection no longer holds it', async () => {
    const { model } = await loaded();
    model.pin('gone');
    await model.settled;
    expect(model.baseline).toBeNull();
    expect(model.baselineRow).toBeNull();
    expect(model.notes.join(' ')).toContain('‘gone’');
    expect(model.rows).toHaveLength(3);
  });

  it('unpins, and every row is back', async () => {
    const { model } = await loaded();
    model.pin('a');
    await model.settled;
    model.unpin();
    await model.settled;
    expect(model.baselineRow).toBeNull();
    expect(model.rows.map(r => r.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('which way a metric is better', () => {
  it('is known from common metric names', () => {
    const higher = [
      'accuracy',
      'validation:accuracy',
      'test:f1',
      'val_auc',
      'precision',
      'recall',
      'BLEU',
      'rouge-l',
      'r2',
      'map',
      'acc',
      'score'
    ];
    const lower = [
      'loss',
      'train:loss',
      'validation:error',
      'rmse',
      'mae',
      'perplexity',
      'wer',
      'cer',
      'mse',
      'err'
    ];
    expect(higher.map(knownDirection)).toEqual(higher.map(() => 'higher'));
    expect(lower.map(knownDirection)).toEqual(lower.map(() => 'lower'));
    expect(knownDirection('epoch_time')).toBe('none');
  });

  it('says nothing better or worse for an equal value, and no percent of a zero', () => {
    expect(difference(1, 1, 'higher')).toEqual({
      absolute: 0,
      percent: 0,
      better: null
    });
    expect(difference(2, 0, 'lower')).toEqual({
      absolute: 2,
      percent: null,
      better: false
    });
    expect(difference('x', 1, 'higher')).toBeNull();
  });
});

describe('exports of the trial component list', () => {
  it('asks the server for the CSV of the columns shown, in their order, sorted and filtered as shown', async () => {
    const { model } = await loaded(RUNS, { q: ['a', 'b'] });
    model.setCategoryHidden('Input artifacts', true);
    model.setCategoryHidden('Output artifacts', true);
    model.setAggregation('accuracy', 'Max');
    model.toggleSort('table:lr');
    await model.setQuery('q');
    expect(model.csvRequest()).toEqual({
      selection: { components: ['a', 'b', 'c'], search: { query: 'q' } },
      columns: [
        'DisplayName',
        'lr',
        'accuracy - Max',
        'optimizer',
        'TrialComponentName',
        'Trials',
        'Experiments',
        'Status',
        'CreationTime',
        'LastModifiedTime'
      ],
      sort: { by: 'Parameters.lr', order: 'Ascending' }
    });
  });

  it('copies Python that rebuilds every component of the list, not only the rows loaded', async () => {
    const { model } = await loaded(many(400));
    expect(model.rows.length).toBeLessThan(400);
    const code = notebookSnippet(model);
    expect(code).toContain('from smx_lab.analytics import ExperimentAnalytics');
    // 400 named components: 20 `In` filters of 20, the last ones among them.
    expect(
      code.match(/"Name": "TrialComponentName", "Operator": "In"/g)
    ).toHaveLength(20);
    expect(code).toContain('run-00380,run-00381');
    expect(code).toContain('run-00399"}');
    expect(code).toContain(
      'sort_by="CreationTime",\n        sort_order="Ascending",'
    );
    expect(code).toContain('drop_duplicates("TrialComponentName"');
    expect(code).not.toContain('names = ');
    expect(code).not.toContain('parameter_names');
    expect(code).not.toContain('MAX_TRIAL_COMPONENTS');
  });

  it("narrows the copied code by the list's filter, compiled as smx-lab reads it", async () => {
    const { model } = await loaded(RUNS, { q: ['a', 'c'] });
    await model.setQuery('q');
    const code = notebookSnippet(model);
    expect(code).toContain('from smx_lab.query import compile_text');
    expect(code).toContain('search = compile_text("q")');
    expect(code).toContain(
      '{"SubExpressions": [{"Filters": [part]}, search], "Operator": "And"}'
    );
    // The whole selection, narrowed in Python: not the two names the filter showed.
    expect(code).toContain('"Value": "a,b,c"');
  });

  it('sorts the copied table by the column the list is sorted by, at its aggregation', async () => {
    const { model } = await loaded();
    model.setAggregation('accuracy', 'Max');
    model.toggleSort('metric:accuracy');
    model.toggleSort('metric:accuracy');
    await model.settled;
    const code = notebookSnippet(model);
    expect(code).toContain('sort_by="Metrics.accuracy.Max",');
    expect(code).toContain('sort_order="Descending",');
    expect(code).toContain(
      '    table = table.sort_values(\n        "accuracy - Max",\n        ascending=False,'
    );
  });

  it('puts the pinned baseline first in the copied table', async () => {
    const { model } = await loaded();
    model.pin('b');
    await model.settled;
    expect(notebookSnippet(model)).toContain(
      '    baseline = table["TrialComponentName"] == "b"\n' +
        '    table = pd.concat([table[baseline], table[~baseline]], ignore_index=True)\n'
    );
  });

  it("lifts ExperimentAnalytics' 10,000-row cap for a longer list", async () => {
    const { model } = await loaded(many(10001));
    expect(notebookSnippet(model)).toContain(
      '    analytics.MAX_TRIAL_COMPONENTS = None\n'
    );
  });

  it('narrows the snippet to the parameters and metrics shown', async () => {
    const { model } = await loaded();
    model.setColumnHidden('table:optimizer', true);
    let code = notebookSnippet(model);
    expect(code).toContain('parameter_names=[\n            "lr",\n        ]');
    expect(code).not.toContain('metric_names');
    model.setColumnHidden('metric:accuracy', true);
    code = notebookSnippet(model);
    expect(code).not.toContain('metric_names');
    expect(code).toContain('"accuracy - Max",');
    expect(code).toContain(
      'return analytics.dataframe().drop(columns=hidden, errors="ignore")'
    );
  });

  it('splits names into In values of at most 20 names and 1,024 characters', () => {
    const names = Array.from({ length: 45 }, (_, i) => `run-${i}`);
    expect(inValues(names).map(v => v.split(',').length)).toEqual([20, 20, 5]);
    const long = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(300)}${i}`);
    for (const value of inValues(long)) {
      expect(value.length).toBeLessThanOrEqual(1024);
    }
    expect(inValues(long).join(',').split(',')).toEqual(long);
  });
});
