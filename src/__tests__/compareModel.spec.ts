import { ITrialComponent } from '../api';
import {
  chartColumn,
  differingParameters,
  listColumns
} from '../compare/columns';
import { TrialComponentListModel } from '../compare/listModel';
import { inValues, notebookSnippet } from '../compare/snippet';
import { component, RUNS, tableOf } from './compareFixtures';

function loaded(runs: ITrialComponent[] = RUNS): TrialComponentListModel {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(runs), {
    components: runs.map(run => run.TrialComponentName)
  });
  return model;
}

/** The server's answer to the list's selection narrowed by a query: the runs it matched. */
function filtered(runs: ITrialComponent[], names: string[]) {
  return tableOf(runs.filter(run => names.includes(run.TrialComponentName)));
}

function column(model: TrialComponentListModel, id: string) {
  const found = model.columns.find(c => c.id === id);
  if (!found) {
    throw new Error(`no column ${id}`);
  }
  return found;
}

describe('trial component list columns', () => {
  it('puts every table column in the category its descriptor says', () => {
    const model = loaded();
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

  it('keeps a parameter named like a metric statistic or an artifact field a parameter', () => {
    const odd: ITrialComponent = {
      ...component('odd', 1, 'sgd', [0.5]),
      Parameters: {
        'loss - Max': { NumberValue: 3 },
        'model - Value': { StringValue: 'resnet' }
      }
    };
    const model = loaded([odd]);
    const loss = column(model, 'table:loss - Max');
    expect(loss.category).toBe('Parameters');
    expect(chartColumn(loss)).toBe('parameters.loss - Max');
    expect(model.value(model.rows[0], loss)).toBe(3);
    expect(column(model, 'table:model - Value').category).toBe('Parameters');
    expect(model.columns.some(c => c.id === 'metric:loss')).toBe(false);
  });

  it('reads kinds from the descriptors alone, whatever the column names', () => {
    const columns = listColumns([
      { name: 'id', kind: 'name' },
      { name: 'shown as', kind: 'display_name' },
      { name: 'best loss', kind: 'metric', metric: 'loss', statistic: 'Min' },
      { name: 'final loss', kind: 'metric', metric: 'loss', statistic: 'Last' },
      { name: 'lr - Max', kind: 'parameter', parameter: 'lr - Max' },
      {
        name: 'data',
        kind: 'input_artifact',
        artifact: 'data',
        field: 'Value'
      },
      { name: 'Status', kind: 'status' }
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
  });

  it('opens with what tells the runs apart first: the differing parameters and the metrics, then the rest', () => {
    const model = loaded();
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

  it('counts a parameter as differing only among the components that have it', () => {
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
    const model = loaded([metadata, ...runs]);
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

  it('shows Status, Created and Last modified from the rows', () => {
    const model = loaded();
    const [a] = model.rows;
    expect(model.value(a, column(model, 'record:Status'))).toBe('Completed');
    expect(model.value(a, column(model, 'record:CreationTime'))).toBe(
      '2026-01-02T03:04:05Z'
    );
    expect(chartColumn(column(model, 'record:Status'))).toBe('status');
  });

  it('shows a metric as one column of its Last value until another aggregation is chosen', () => {
    const model = loaded();
    const accuracy = column(model, 'metric:accuracy');
    const [a] = model.rows;
    expect(model.label(accuracy)).toBe('accuracy - Last');
    expect(model.value(a, accuracy)).toBe(0.7);
    model.setAggregation('accuracy', 'Max');
    expect(model.label(accuracy)).toBe('accuracy - Max');
    expect(model.value(a, accuracy)).toBe(0.9);
  });

  it('hides a whole category, and a single column, but never the pinned name', () => {
    const model = loaded();
    model.setCategoryHidden('Trial', true);
    model.setColumnHidden('table:lr', true);
    const shown = model.visibleColumns.map(c => c.label);
    expect(shown[0]).toBe('DisplayName');
    expect(shown).not.toContain('TrialComponentName');
    expect(shown).not.toContain('Trials');
    expect(shown).not.toContain('lr');
    expect(shown).toContain('optimizer');
  });

  it('pins the display name as the first column', () => {
    expect(loaded().visibleColumns[0].label).toBe('DisplayName');
  });
});

describe('sorting the trial component list', () => {
  it('sorts a metric column by its chosen aggregation', () => {
    const model = loaded();
    model.setAggregation('accuracy', 'Max');
    model.toggleSort('metric:accuracy');
    expect(model.rows.map(r => r.name)).toEqual(['b', 'a', 'c']);
    model.toggleSort('metric:accuracy');
    expect(model.rows.map(r => r.name)).toEqual(['c', 'a', 'b']);
  });

  it('sorts by the same metric differently under another aggregation', () => {
    const model = loaded();
    model.setAggregation('accuracy', 'Min');
    model.toggleSort('metric:accuracy');
    expect(model.rows.map(r => r.name)).toEqual(['c', 'a', 'b']);
  });

  it('keeps components without the value last in both orders', () => {
    const runs = [
      ...RUNS,
      { ...component('d', 1, 'adam', [0.1]), Metrics: [] }
    ];
    const model = loaded(runs);
    model.toggleSort('metric:accuracy');
    expect(model.rows.map(r => r.name).pop()).toBe('d');
    model.toggleSort('metric:accuracy');
    expect(model.rows.map(r => r.name).pop()).toBe('d');
  });
});

describe('filtering the trial component list', () => {
  it("shows the server's rows for the narrowed selection, and all again when cleared", () => {
    const model = loaded();
    model.setFilter('parameters.lr < 0.05', filtered(RUNS, ['b', 'c']));
    expect(model.rows.map(r => r.name)).toEqual(['b', 'c']);
    expect(model.query).toBe('parameters.lr < 0.05');
    expect(model.selection).toEqual({
      components: ['a', 'b', 'c'],
      search: { query: 'parameters.lr < 0.05' }
    });
    model.setFilter('', null);
    expect(model.rows).toHaveLength(3);
    expect(model.selection).toEqual({ components: ['a', 'b', 'c'] });
  });

  it('keeps the columns and their choices while filtering', () => {
    const model = loaded();
    model.setColumnHidden('table:optimizer', true);
    const before = model.columns.map(c => c.id);
    model.setFilter('q', filtered(RUNS, ['a']));
    expect(model.columns.map(c => c.id)).toEqual(before);
    expect(model.visibleColumns.map(c => c.label)).not.toContain('optimizer');
  });

  it('shows only parameters whose values differ when asked', () => {
    const model = loaded();
    model.differingOnly = true;
    const shown = model.visibleColumns.map(c => c.label);
    expect(shown).toContain('lr');
    expect(shown).not.toContain('optimizer');
  });

  it('judges differing parameters among the filtered rows only', () => {
    const runs = [RUNS[0], component('e', 0.1, 'adam', [0.4])];
    const model = loaded(runs);
    model.differingOnly = true;
    model.setFilter('q', filtered(runs, ['a']));
    const shown = model.visibleColumns.map(c => c.label);
    expect(shown).not.toContain('lr');
    expect(shown).not.toContain('optimizer');
  });
});

describe('exports of the trial component list', () => {
  it('exports CSV with the table columns as header, rows in the shown order', () => {
    const model = loaded();
    model.toggleSort('table:lr');
    const lines = model.toCsv().trim().split('\r\n');
    expect(lines[0]).toBe(tableOf(RUNS).columns.join(','));
    expect(lines[0]).not.toContain('Status');
    expect(lines.slice(1).map(line => line.split(',')[0])).toEqual([
      'c',
      'b',
      'a'
    ]);
  });

  it('quotes CSV values holding commas or quotes', () => {
    const odd = component('q', 1, 'say "hi", then', [1]);
    const model = loaded([odd]);
    expect(model.toCsv()).toContain('"say ""hi"", then"');
  });

  it('copies Python that rebuilds the shown rows with ExperimentAnalytics', () => {
    const model = loaded();
    model.setFilter('q', filtered(RUNS, ['a', 'c']));
    const code = notebookSnippet(model);
    expect(code).toContain('from smx_lab.analytics import ExperimentAnalytics');
    expect(code).toContain('"Operator": "In"');
    expect(code).toContain('names = [\n    "a",\n    "c",\n]');
    expect(code).toContain('values = [\n    "a,c",\n]');
    expect(code).not.toContain('"b"');
    expect(code).not.toContain('parameter_names');
  });

  it('narrows the snippet to the parameters and metrics shown', () => {
    const model = loaded();
    model.setColumnHidden('table:optimizer', true);
    const code = notebookSnippet(model);
    expect(code).toContain('parameter_names=[\n            "lr",\n        ]');
    expect(code).not.toContain('metric_names');
  });

  it('splits names into In values of at most 20 names and 1,024 characters', () => {
    const many = Array.from({ length: 45 }, (_, i) => `run-${i}`);
    expect(inValues(many).map(v => v.split(',').length)).toEqual([20, 20, 5]);
    const long = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(300)}${i}`);
    for (const value of inValues(long)) {
      expect(value.length).toBeLessThanOrEqual(1024);
    }
    expect(inValues(long).join(',').split(',')).toEqual(long);
  });
});
