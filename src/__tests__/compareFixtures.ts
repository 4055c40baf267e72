/**
 * Trial components, their `table` answer and the chart type descriptions of `GET info`, shaped as
 * the server shapes them (smx_lab/table.py, smx_lab/charts), and a fake server answering the
 * compare routes with them.
 */
import {
  GroupKey,
  IChartTypeDescription,
  IColumnDescriptor,
  IGroupStatistics,
  IInfo,
  IMetricSummary,
  ISelection,
  ITable,
  ITableGroup,
  ITrialComponent,
  SUMMARY_STATISTICS
} from '../api';
import { toCsv } from '../compare/csv';
import {
  errorAnswer,
  fakeServer,
  IAnswer,
  IFakeServer,
  IRecordedRequest,
  selectComponents
} from './fakeServer';
import { ISelectedRow } from '../model';
import { bracketing } from './translator';
export { bracketing };

function summary(name: string, values: number[]): IMetricSummary {
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.reduce((a, b) => a + (b - avg) ** 2, 0) /
    Math.max(1, values.length - 1);
  return {
    MetricName: name,
    Min: Math.min(...values),
    Max: Math.max(...values),
    Avg: avg,
    StdDev: Math.sqrt(variance),
    Last: values[values.length - 1],
    Count: values.length
  };
}

export function component(
  name: string,
  lr: number,
  optimizer: string,
  accuracy: number[],
  trial = `trial-${name}`
): ITrialComponent {
  return {
    TrialComponentName: name,
    DisplayName: `Run ${name}`,
    Status: { PrimaryStatus: 'Completed' },
    CreationTime: '2026-01-02T03:04:05Z',
    LastModifiedTime: '2026-01-02T04:04:05Z',
    Parameters: {
      lr: { NumberValue: lr },
      optimizer: { StringValue: optimizer }
    },
    InputArtifacts: {
      train: { Value: 's3://bucket/train', MediaType: 'text/csv' }
    },
    OutputArtifacts: {
      model: { Value: 's3://bucket/model', MediaType: 'application/x-tar' }
    },
    Metrics: [summary('accuracy', accuracy)],
    Parents: [{ TrialName: trial, ExperimentName: 'mnist' }]
  };
}

/** The record columns every row carries after ExperimentAnalytics' columns. */
const RECORD_DESCRIPTORS: IColumnDescriptor[] = [
  { name: 'Status', kind: 'status' },
  { name: 'CreationTime', kind: 'time' },
  { name: 'LastModifiedTime', kind: 'time' }
];

/**
 * The `table` answer for components: ExperimentAnalytics' columns in its order, described, then
 * the record columns. As the server's: with a `cap` below the components, only the first `cap`
 * rows, `truncated` and a `total` of null.
 */
export function tableOf(
  components: ITrialComponent[],
  options: { cap?: number; paged?: boolean } = {}
): ITable {
  const described = new Map<string, IColumnDescriptor>();
  const add = (
    row: Record<string, unknown>,
    d: IColumnDescriptor,
    v: unknown
  ) => {
    row[d.name] = v;
    if (!described.has(d.name)) {
      described.set(d.name, d);
    }
  };
  const listed = components.slice(0, options.cap ?? components.length);
  const rows = listed.map(c => {
    const row: Record<string, unknown> = {};
    add(
      row,
      { name: 'TrialComponentName', kind: 'name' },
      c.TrialComponentName
    );
    add(row, { name: 'DisplayName', kind: 'display_name' }, c.DisplayName);
    if (c.Source?.SourceArn) {
      add(row, { name: 'SourceArn', kind: 'source' }, c.Source.SourceArn);
    }
    for (const name of Object.keys(c.Parameters).sort()) {
      const value = c.Parameters[name];
      add(
        row,
        { name, kind: 'parameter', parameter: name },
        'NumberValue' in value ? value.NumberValue : value.StringValue
      );
    }
    for (const metric of c.Metrics) {
      for (const statistic of SUMMARY_STATISTICS) {
        add(
          row,
          {
            name: `${metric.MetricName} - ${statistic}`,
            kind: 'metric',
            metric: metric.MetricName,
            statistic
          },
          metric[statistic]
        );
      }
    }
    const groups = [
      ['input_artifact', c.InputArtifacts],
      ['output_artifact', c.OutputArtifacts]
    ] as const;
    for (const [kind, group] of groups) {
      for (const artifact of Object.keys(group).sort()) {
        for (const field of ['MediaType', 'Value'] as const) {
          add(
            row,
            { name: `${artifact} - ${field}`, kind, artifact, field },
            group[artifact][field]
          );
        }
      }
    }
    add(
      row,
      { name: 'Trials', kind: 'trials' },
      c.Parents.map(p => p.TrialName)
    );
    add(
      row,
      { name: 'Experiments', kind: 'experiments' },
      c.Parents.map(p => p.ExperimentName)
    );
    return {
      row,
      record: {
        Status: c.Status?.PrimaryStatus ?? null,
        CreationTime: c.CreationTime ?? null,
        LastModifiedTime: c.LastModifiedTime ?? null
      }
    };
  });
  const columns = [...described.keys()];
  const descriptors = [...described.values(), ...RECORD_DESCRIPTORS];
  return {
    columns,
    descriptors: options.paged
      ? descriptors.map(d => pagedDescriptor(d, components))
      : descriptors,
    rows: rows.map(({ row, record }) => ({
      ...Object.fromEntries(columns.map(name => [name, row[name] ?? null])),
      ...record
    })),
    total: listed.length < components.length ? null : components.length,
    truncated: listed.length < components.length
  };
}

/** The property a search sorts a column by, as the server's descriptors name it. */
export function sortByOf(d: IColumnDescriptor): string | undefined {
  switch (d.kind) {
    case 'name':
      return 'TrialComponentName';
    case 'display_name':
      return 'DisplayName';
    case 'parameter':
      return `Parameters.${d.parameter}`;
    case 'metric':
      return `Metrics.${d.metric}.${d.statistic}`;
    case 'status':
      return 'Status.PrimaryStatus';
    case 'time':
      return d.name;
    case 'trials':
      return 'Parents.TrialName';
    case 'experiments':
      return 'Parents.ExperimentName';
    default:
      return undefined;
  }
}

/** A descriptor of a paged answer: with `sort_by`, and a parameter's `differs`. */
function pagedDescriptor(
  d: IColumnDescriptor,
  components: ITrialComponent[]
): IColumnDescriptor {
  const sortBy = sortByOf(d);
  const out: IColumnDescriptor = {
    ...d,
    ...(sortBy ? { sort_by: sortBy } : {})
  };
  if (d.kind === 'parameter') {
    const values = new Set(
      components
        .map(c => c.Parameters[d.parameter as string])
        .filter(v => v !== undefined)
        .map(v => JSON.stringify(v))
    );
    out.differs = values.size > 1;
  }
  return out;
}

/** The value of a group-by property of a component (null: it has none). */
function propertyOf(
  c: ITrialComponent,
  property: string
): string | number | null {
  if (property.startsWith('Parameters.')) {
    const value = c.Parameters[property.slice('Parameters.'.length)];
    return value === undefined
      ? null
      : 'NumberValue' in value
        ? value.NumberValue
        : value.StringValue;
  }
  if (property.startsWith('Tags.')) {
    const key = property.slice('Tags.'.length);
    return c.Tags?.find(tag => tag.Key === key)?.Value ?? null;
  }
  switch (property) {
    case 'Status.PrimaryStatus':
      return c.Status?.PrimaryStatus ?? null;
    case 'Parents.TrialName':
      return c.Parents[0]?.TrialName ?? null;
    case 'Parents.ExperimentName':
      return c.Parents[0]?.ExperimentName ?? null;
    default:
      return null;
  }
}

/** Numbers before text, missing values last whatever the order; ties keep their order. */
function compareKeys(a: unknown, b: unknown, sign: number): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) {
    return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return sign * (a - b);
  }
  if (typeof a === 'number') {
    return -1;
  }
  if (typeof b === 'number') {
    return 1;
  }
  return sign * String(a).localeCompare(String(b));
}

function statisticsOf(values: number[]): IGroupStatistics {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std =
    values.length < 2
      ? null
      : Math.sqrt(
          values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)
        );
  return {
    mean,
    std,
    min: Math.min(...values),
    max: Math.max(...values),
    count: values.length
  };
}

/**
 * The paged routes of docs/compare.md over a selection's components, as the server answers them:
 * `table` with `limit` (sort, cursor, baseline, group members), `table/groups` and `table/csv`.
 */
export function pagedAnswer(
  path: string,
  body: any,
  selected: ITrialComponent[]
): { body?: unknown; text?: string } | null {
  const sign = body.sort?.order === 'Descending' ? -1 : 1;
  const whole = tableOf(selected, { paged: true });
  const nameOf = (row: Record<string, unknown>) =>
    String(row.TrialComponentName);
  const byName = new Map(selected.map(c => [c.TrialComponentName, c]));
  const sortRows = (rows: Record<string, unknown>[]) => {
    const by = body.sort?.by;
    const column = whole.descriptors.find(d => d.sort_by === by)?.name;
    if (!column) {
      return rows;
    }
    return [...rows].sort((a, b) => compareKeys(a[column], b[column], sign));
  };
  if (path === 'table' && body.limit !== undefined) {
    let rows = whole.rows;
    if (body.group_by && body.group) {
      const keys = new Set(
        body.group.map((key: GroupKey) => JSON.stringify(key))
      );
      rows = rows.filter(row => {
        const c = byName.get(nameOf(row)) as ITrialComponent;
        const key = body.group_by.map((p: string) => propertyOf(c, p));
        return keys.has(JSON.stringify(key));
      });
    }
    let baseline: Record<string, unknown> | null | undefined = undefined;
    const notes: string[] = [];
    if (body.baseline) {
      baseline = rows.find(row => nameOf(row) === body.baseline) ?? null;
      if (baseline === null) {
        baseline =
          whole.rows.find(row => nameOf(row) === body.baseline) ?? null;
      }
      rows = rows.filter(row => nameOf(row) !== body.baseline);
      if (baseline === null) {
        notes.push(`the baseline ${body.baseline} is not in the selection`);
      }
    }
    rows = sortRows(rows);
    const offset = body.cursor ? Number(body.cursor) : (body.offset ?? 0);
    const page = rows.slice(offset, offset + body.limit);
    const end = offset + page.length;
    return {
      body: {
        ...whole,
        rows: page,
        total: rows.length,
        truncated: false,
        next_cursor: end < rows.length ? String(end) : null,
        tag_keys: [
          ...new Set(selected.flatMap(c => (c.Tags ?? []).map(t => t.Key)))
        ].sort(),
        notes,
        ...(body.baseline ? { baseline } : {})
      }
    };
  }
  if (path === 'table/groups') {
    const groups = new Map<string, ITrialComponent[]>();
    for (const c of selected) {
      const key = JSON.stringify(
        body.group_by.map((p: string) => propertyOf(c, p))
      );
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const metricColumns = whole.descriptors
      .filter(d => d.kind === 'metric')
      .map(d => d.name);
    let listed: ITableGroup[] = [...groups.entries()].map(([key, members]) => {
      const table = tableOf(members);
      const metrics: Record<string, IGroupStatistics> = {};
      for (const column of metricColumns) {
        const values = table.rows
          .map(row => row[column])
          .filter((v): v is number => typeof v === 'number');
        if (values.length) {
          metrics[column] = statisticsOf(values);
        }
      }
      return { key: JSON.parse(key), count: members.length, metrics };
    });
    const by = body.sort?.by ?? 'Key';
    listed = [...listed].sort((a, b) => {
      if (by === 'Count') {
        return sign * (a.count - b.count);
      }
      if (by === 'Key') {
        return compareKeys(
          (a.key as unknown[]).join('\u0000'),
          (b.key as unknown[]).join('\u0000'),
          sign
        );
      }
      const column = whole.descriptors.find(d => d.sort_by === by)?.name ?? '';
      return compareKeys(
        a.metrics[column]?.mean,
        b.metrics[column]?.mean,
        sign
      );
    });
    const offset = body.cursor ? Number(body.cursor) : (body.offset ?? 0);
    const limit = body.limit ?? 100;
    const page = listed.slice(offset, offset + limit);
    const end = offset + page.length;
    return {
      body: {
        group_by: body.group_by,
        groups: page,
        metric_columns: metricColumns,
        total: listed.length,
        components: selected.length,
        next_cursor: end < listed.length ? String(end) : null
      }
    };
  }
  if (path === 'table/csv') {
    const columns: string[] = body.columns ?? [
      ...whole.columns,
      'Status',
      'CreationTime',
      'LastModifiedTime'
    ];
    let rows = sortRows(whole.rows);
    if (body.baseline) {
      rows = [
        ...rows.filter(row => nameOf(row) === body.baseline),
        ...rows.filter(row => nameOf(row) !== body.baseline)
      ];
    }
    return { text: toCsv(columns, rows) };
  }
  return null;
}

/** Three runs: lr and accuracy differ, the optimizer does not. */
export const RUNS = [
  component('a', 0.1, 'sgd', [0.5, 0.9, 0.7]),
  component('b', 0.01, 'sgd', [0.6, 0.65, 0.8]),
  component('c', 0.001, 'sgd', [0.2, 0.95, 0.3])
];

/** The selection of the runs, as the list of their names sends it. */
export const RUNS_SELECTION: ISelection = { components: ['a', 'b', 'c'] };

/** The runs as the sidebar's selected rows. */
export const RUNS_ROWS: ISelectedRow[] = ['a', 'b', 'c'].map(name => ({
  kind: 'TrialComponent',
  name
}));

/** The server's seven chart types, as `GET info` describes them. */
export const CHART_TYPES: IChartTypeDescription[] = [
  {
    chart_type: 'line',
    label: 'Line',
    data_types: ['time_series', 'summary'],
    fields: {
      time_series: [
        'metrics',
        'x_axis',
        'max_points',
        'x_range',
        'smoothing',
        'log_y',
        'ignore_outliers'
      ],
      summary: ['x', 'y', 'color', 'statistic', 'log_y', 'ignore_outliers']
    },
    required: { time_series: [], summary: ['x', 'y'] }
  },
  {
    chart_type: 'scatter',
    label: 'Scatter',
    data_types: ['summary', 'time_series'],
    fields: {
      time_series: [
        'metrics',
        'x_axis',
        'max_points',
        'x_range',
        'log_y',
        'ignore_outliers'
      ],
      summary: ['x', 'y', 'color', 'statistic', 'log_y', 'ignore_outliers']
    },
    required: { time_series: [], summary: ['x', 'y'] }
  },
  {
    chart_type: 'bar',
    label: 'Bar',
    data_types: ['summary'],
    fields: { summary: ['x', 'y', 'color', 'statistic'] },
    required: { summary: ['y'] }
  },
  {
    chart_type: 'histogram',
    label: 'Histogram',
    data_types: ['summary'],
    fields: { summary: ['x', 'statistic', 'bins'] },
    required: { summary: ['x'] }
  },
  {
    chart_type: 'box',
    label: 'Box',
    data_types: ['summary'],
    fields: { summary: ['x', 'y', 'statistic'] },
    required: { summary: ['x', 'y'] }
  },
  {
    chart_type: 'parallel',
    label: 'Parallel coordinates',
    data_types: ['summary'],
    fields: { summary: ['color', 'columns', 'statistic'] },
    required: { summary: [] }
  },
  {
    chart_type: 'importance',
    label: 'Parameter importance',
    data_types: ['summary'],
    fields: { summary: ['y', 'columns', 'statistic'] },
    required: { summary: ['y'] }
  }
];

export const INFO: IInfo = {
  version: '0.0.0',
  store: { kind: 'local', description: 'test store' },
  capabilities: ['browse', 'search', 'typed_query', 'metrics', 'table'],
  openapi: 'openapi.json',
  page_size_cap: 1000,
  chart_types: CHART_TYPES
};

export const SPEC = {
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

/**
 * A server of the compare routes over `components`: `info`, `table` (the selection resolved, a
 * query answered from `queries` or refused as the server refuses a bad one) and `chart`.
 */
export function compareServer(
  components: ITrialComponent[],
  queries: Record<string, string[]> = {}
): IFakeServer {
  return fakeServer((request: IRecordedRequest): IAnswer => {
    switch (request.path) {
      case 'info':
        return { body: INFO };
      case 'table':
      case 'table/groups':
      case 'table/csv': {
        const search = request.body.selection?.search;
        if (search?.query !== undefined && !(search.query in queries)) {
          return errorAnswer(
            400,
            'invalid_query',
            `unknown property in '${search.query}'`
          );
        }
        // As the server: a named experiment or trial that no component has is a 404 naming it.
        const unknown = (
          [
            ['Experiment', 'experiments', 'ExperimentName'],
            ['Trial', 'trials', 'TrialName']
          ] as const
        ).flatMap(([kind, part, key]) =>
          (request.body.selection?.[part] ?? [])
            .filter(
              (name: string) =>
                !components.some(c => c.Parents.some(p => p[key] === name))
            )
            .map((name: string) => ({ kind, name }))
        );
        if (unknown.length) {
          const [{ kind, name }] = unknown;
          return {
            status: 404,
            body: {
              error: 'not_found',
              message: `${kind} '${name}' does not exist`,
              kind,
              name
            }
          };
        }
        const selected = selectComponents(
          components,
          request.body.selection,
          query => new Set(queries[query])
        );
        return (
          pagedAnswer(request.path, request.body, selected) ?? {
            body: tableOf(selected)
          }
        );
      }
      case 'chart':
        return { body: SPEC };
      default:
        return errorAnswer(404, 'not_found', request.path);
    }
  });
}
