/**
 * What a trial component list keeps across reloads and in named views: the versioned state, read
 * back leniently; the list's view applied again; a saved selection that names what the store no
 * longer has.
 */
import { ListLoader, missingRow } from '../compare/loader';
import {
  DEFAULT_VIEW,
  readChartsState,
  readListState,
  readSavedViews,
  savedViewsJson,
  STATE_VERSION
} from '../compare/state';
import { ApiError } from '../api';
import { ISelectedRow } from '../model';
import { compareServer, RUNS, RUNS_ROWS, tableOf } from './compareFixtures';
import { errorAnswer, fakeServer } from './fakeServer';

/** A list as version 1 wrote it: no grouping, baseline or directions. */
const LIST_V1 = {
  version: 1,
  id: 'list-1',
  selection: [
    { kind: 'Experiment', name: 'mnist' },
    { kind: 'Trial', name: 'cnn', experiment: 'mnist' }
  ],
  hiddenCategories: ['Created', 'Last modified'],
  hiddenColumns: ['table:optimizer'],
  aggregation: { accuracy: 'Max' },
  sort: { columnId: 'metric:accuracy', order: 'Descending' },
  differingOnly: true,
  query: 'parameters.lr > 0.005'
};

/** The same list as this version writes it: grouped, with a baseline and a direction chosen. */
const LIST = {
  ...LIST_V1,
  version: 2,
  groupBy: ['Parameters.optimizer', 'Tags.team'],
  band: 'minmax',
  baseline: 'cnn-training-3',
  directions: { 'epoch:time': 'lower' }
};

const CHART = {
  chartType: 'scatter',
  dataType: 'summary',
  x: 'parameters.lr',
  y: 'metrics.accuracy.max',
  color: '',
  metric: 'accuracy',
  xAxis: 'step',
  smoothing: 0,
  logY: false,
  ignoreOutliers: false,
  bins: 20
};

describe('the saved state of a list', () => {
  it('reads back what was written', () => {
    expect(readListState(JSON.parse(JSON.stringify(LIST)))).toEqual(LIST);
  });

  it('reads a version 1 list as a list without grouping, baseline or directions', () => {
    const read = readListState(JSON.parse(JSON.stringify(LIST_V1)));
    expect(read).toEqual({
      ...LIST_V1,
      version: STATE_VERSION,
      groupBy: [],
      band: 'std',
      baseline: null,
      directions: {}
    });
    expect(STATE_VERSION).toBe(2);
  });

  it('carries along the fields of a newer panel it does not know', () => {
    const newer = { ...LIST, version: 3, pinnedColumns: ['lr'] };
    const read = readListState(newer);
    expect(read?.pinnedColumns).toEqual(['lr']);
    expect(read?.groupBy).toEqual(['Parameters.optimizer', 'Tags.team']);
    expect(read?.version).toBe(STATE_VERSION);
  });

  it('drops what does not hold and keeps the rest at its default', () => {
    const read = readListState({
      id: 'list-2',
      selection: [
        { kind: 'Experiment', name: 'mnist' },
        { kind: 'Bucket', name: 'nope' },
        'cifar'
      ],
      hiddenCategories: ['Created', 'Nonsense'],
      aggregation: { accuracy: 'Median', loss: 'Min' },
      sort: { columnId: 'metric:loss', order: 'Sideways' },
      differingOnly: 'yes',
      query: 42,
      groupBy: 'Parameters.lr',
      band: 'wide',
      baseline: 7,
      directions: { loss: 'lower', accuracy: 'sideways' }
    });
    expect(read).toMatchObject({
      id: 'list-2',
      selection: [{ kind: 'Experiment', name: 'mnist' }],
      hiddenCategories: ['Created'],
      hiddenColumns: [],
      aggregation: { loss: 'Min' },
      sort: null,
      differingOnly: false,
      query: '',
      groupBy: [],
      band: 'std',
      baseline: null,
      directions: { loss: 'lower' }
    });
  });

  it('is nothing without an id or anything to list', () => {
    expect(readListState({ ...LIST, id: undefined })).toBeNull();
    expect(readListState({ ...LIST, selection: [] })).toBeNull();
    expect(readListState('list')).toBeNull();
  });

  it('of a chart tab keeps its list and the charts whose properties hold', () => {
    const read = readChartsState({
      version: 1,
      id: 'charts-1',
      list: LIST,
      charts: [CHART, { ...CHART, bins: 'many' }, null]
    });
    expect(read?.list.id).toBe('list-1');
    expect(read?.charts).toEqual([CHART]);
    expect(readChartsState({ id: 'charts-1', list: {} })).toBeNull();
  });

  it('of named views round-trips through the state database, by name', () => {
    const views = readSavedViews(
      savedViewsJson(
        new Map([
          [
            'best runs',
            {
              version: 1,
              name: 'best runs',
              list: LIST as any,
              charts: [CHART as any]
            }
          ]
        ])
      )
    );
    expect([...views.keys()]).toEqual(['best runs']);
    expect(views.get('best runs')?.charts).toEqual([CHART]);
    expect(readSavedViews({ views: [{ name: '', list: LIST }] }).size).toBe(0);
    expect(readSavedViews(undefined).size).toBe(0);
  });
});

describe("the list's view", () => {
  it('is applied again: hidden columns, aggregation, sort (asked of the server) and differing parameters', async () => {
    const server = compareServer(RUNS);
    const loader = new ListLoader(server.client, RUNS_ROWS);
    await loader.ready;
    const model = loader.model;
    await model.applyView({
      ...DEFAULT_VIEW,
      hiddenCategories: ['Created'],
      hiddenColumns: ['table:optimizer'],
      aggregation: { accuracy: 'Max' },
      sort: { columnId: 'metric:accuracy', order: 'Descending' }
    });
    const shown = model.visibleColumns.map(column => column.id);
    expect(shown).not.toContain('table:optimizer');
    expect(shown).not.toContain('record:CreationTime');
    expect(model.aggregation('accuracy')).toBe('Max');
    expect(server.requests.pop()?.body.sort).toEqual({
      by: 'Metrics.accuracy.Max',
      order: 'Descending'
    });
    // Max accuracy: a 0.9, b 0.8, c 0.95.
    expect(model.rows.map(row => row.name)).toEqual(['c', 'a', 'b']);
    expect(model.view).toMatchObject({
      hiddenCategories: ['Created'],
      aggregation: { accuracy: 'Max' },
      sort: { columnId: 'metric:accuracy', order: 'Descending' }
    });
  });

  it('is applied again: grouping, the band, the baseline and the directions', async () => {
    const server = compareServer(RUNS);
    const loader = new ListLoader(server.client, RUNS_ROWS, {
      ...readListState({
        ...LIST_V1,
        selection: RUNS_ROWS,
        query: '',
        groupBy: ['Parameters.optimizer'],
        band: 'minmax',
        baseline: 'b',
        directions: { accuracy: 'lower' }
      })!
    });
    await loader.ready;
    const model = loader.model;
    // The first page already leaves the baseline apart.
    expect(server.requests[0].body.baseline).toBe('b');
    expect(model.baselineRow?.name).toBe('b');
    expect(model.groupBy).toEqual(['Parameters.optimizer']);
    expect(model.band).toBe('minmax');
    expect(model.direction('accuracy')).toBe('lower');
    expect(model.itemAt(0)).toMatchObject({
      kind: 'group',
      group: { key: ['sgd'], count: 3 }
    });
    expect(model.view).toMatchObject({
      groupBy: ['Parameters.optimizer'],
      band: 'minmax',
      baseline: 'b',
      directions: { accuracy: 'lower' }
    });
  });
});

describe('loading a saved list', () => {
  it('applies its view and asks the server for its query filter again', async () => {
    const server = compareServer(RUNS, { 'parameters.lr > 0.005': ['a', 'b'] });
    const loader = new ListLoader(server.client, RUNS_ROWS, {
      ...readListState({ ...LIST_V1, selection: RUNS_ROWS })!
    });
    await loader.ready;
    expect(loader.status).toBe('ready');
    expect(loader.model.query).toBe('parameters.lr > 0.005');
    expect(loader.model.rows.map(row => row.name).sort()).toEqual(['a', 'b']);
    expect(loader.model.differingOnly).toBe(true);
  });

  it('drops a filter the server refuses now, keeping the rest of the view', async () => {
    const server = compareServer(RUNS);
    const loader = new ListLoader(server.client, RUNS_ROWS, {
      ...readListState({ ...LIST_V1, selection: RUNS_ROWS })!,
      query: 'metrics.gone.max > 1'
    });
    await loader.ready;
    expect(loader.status).toBe('ready');
    expect(loader.model.query).toBe('');
    expect(loader.model.rows).toHaveLength(3);
    expect(loader.model.aggregation('accuracy')).toBe('Max');
  });

  it('leaves out what the store no longer has, and lists the rest', async () => {
    const rows: ISelectedRow[] = [
      { kind: 'Experiment', name: 'deleted' },
      ...RUNS_ROWS
    ];
    const server = fakeServer(request => {
      const experiments = request.body?.selection?.experiments ?? [];
      return experiments.includes('deleted')
        ? {
            status: 404,
            body: {
              error: 'not_found',
              message: "Experiment 'deleted' does not exist",
              kind: 'Experiment',
              name: 'deleted'
            }
          }
        : { body: tableOf(RUNS) };
    });
    const loader = new ListLoader(server.client, rows);
    await loader.ready;
    expect(loader.status).toBe('ready');
    expect(loader.missing).toEqual([{ kind: 'Experiment', name: 'deleted' }]);
    expect(server.requests.map(request => request.body.selection)).toEqual([
      { experiments: ['deleted'], components: ['a', 'b', 'c'] },
      { components: ['a', 'b', 'c'] }
    ]);
  });

  it('is gone when the store has nothing of its selection', async () => {
    const server = fakeServer(() => ({
      status: 404,
      body: {
        error: 'not_found',
        message: 'gone',
        kind: 'Experiment',
        name: 'deleted'
      }
    }));
    const loader = new ListLoader(server.client, [
      { kind: 'Experiment', name: 'deleted' }
    ]);
    await loader.ready;
    expect(loader.status).toBe('gone');
  });

  it('stops at another failure, for a Retry', async () => {
    const server = fakeServer(() =>
      errorAnswer(503, 'store_unavailable', 'down')
    );
    const loader = new ListLoader(server.client, RUNS_ROWS);
    await loader.ready;
    expect(loader.status).toBeInstanceOf(ApiError);
    expect(loader.missing).toEqual([]);
  });

  it('names the missing row only from a 404 that names it', () => {
    const rows: ISelectedRow[] = [{ kind: 'Trial', name: 'cnn' }];
    const notFound = (kind: string, name: string) =>
      new ApiError(404, { error: 'not_found', message: '', kind, name } as any);
    expect(missingRow(notFound('Trial', 'cnn'), rows)).toBe(rows[0]);
    expect(missingRow(notFound('Experiment', 'cnn'), rows)).toBeUndefined();
    expect(
      missingRow(new ApiError(400, { error: 'invalid', message: '' }), rows)
    ).toBeUndefined();
  });
});
