/** Trial components and their `table` answer, shaped as the server shapes them (smx_lab/table.py). */
import { IMetricSummary, ITable, ITrialComponent } from '../api';

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

/** The `table` rows of components, with ExperimentAnalytics' columns in its order. */
export function tableOf(components: ITrialComponent[]): ITable {
  const columns: string[] = [];
  const rows = components.map(c => {
    const row: Record<string, unknown> = {
      TrialComponentName: c.TrialComponentName,
      DisplayName: c.DisplayName
    };
    for (const name of Object.keys(c.Parameters).sort()) {
      const value = c.Parameters[name];
      row[name] = value.NumberValue ?? value.StringValue;
    }
    for (const metric of c.Metrics) {
      for (const statistic of [
        'Min',
        'Max',
        'Avg',
        'StdDev',
        'Last',
        'Count'
      ] as const) {
        row[`${metric.MetricName} - ${statistic}`] = metric[statistic];
      }
    }
    for (const group of [c.InputArtifacts, c.OutputArtifacts]) {
      for (const name of Object.keys(group).sort()) {
        row[`${name} - MediaType`] = group[name].MediaType;
        row[`${name} - Value`] = group[name].Value;
      }
    }
    row.Trials = c.Parents.map(p => p.TrialName);
    row.Experiments = c.Parents.map(p => p.ExperimentName);
    Object.keys(row).forEach(key => {
      if (!columns.includes(key)) {
        columns.push(key);
      }
    });
    return row;
  });
  return {
    columns,
    rows: rows.map(row =>
      Object.fromEntries(columns.map(column => [column, row[column] ?? null]))
    )
  };
}

/** Three runs: lr and accuracy differ, the optimizer does not. */
export const RUNS = [
  component('a', 0.1, 'sgd', [0.5, 0.9, 0.7]),
  component('b', 0.01, 'sgd', [0.6, 0.65, 0.8]),
  component('c', 0.001, 'sgd', [0.2, 0.95, 0.3])
];
