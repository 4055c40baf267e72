import { TrialComponentListModel } from '../compare/listModel';
import { notebookSnippet } from '../compare/snippet';
import { component, RUNS, tableOf } from './compareFixtures';

function loaded(runs = RUNS): TrialComponentListModel {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(runs), runs);
  return model;
}

function column(model: TrialComponentListModel, id: string) {
  const found = model.columns.find(c => c.id === id);
  if (!found) {
    throw new Error(`no column ${id}`);
  }
  return found;
}

describe('trial component list columns', () => {
  it('puts every table column in its category', () => {
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
  it('shows only the rows a query matched', () => {
    const model = loaded();
    model.setFilter('parameters.lr < 0.05', new Set(['b', 'c']));
    expect(model.rows.map(r => r.name)).toEqual(['b', 'c']);
    model.setFilter('', null);
    expect(model.rows).toHaveLength(3);
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
    model.setFilter('q', new Set(['a']));
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
    model.setFilter('q', new Set(['a', 'c']));
    const code = notebookSnippet(model);
    expect(code).toContain('from smx_lab.analytics import ExperimentAnalytics');
    expect(code).toContain('"Operator": "In"');
    expect(code).toContain('names = [\n    "a",\n    "c",\n]');
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
});
