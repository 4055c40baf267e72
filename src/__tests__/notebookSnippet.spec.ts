/**
 * The exact Python "Copy as notebook code" writes for a few list states.
 * tests/test_notebook_snippet.py holds the same texts and runs them against a real store: keep
 * the two in step.
 */
import { ISelection, ITrialComponent } from '../api';
import { TrialComponentListModel } from '../compare/listModel';
import { notebookSnippet } from '../compare/snippet';
import { DEFAULT_VIEW, IListView } from '../compare/state';
import { component, tableOf } from './compareFixtures';

const RUNS: ITrialComponent[] = [
  component('run-00', 0.001, 'adam', [0.5], 'a-1'),
  component('run-01', 0.002, 'sgd', [0.7], 'b-1')
];

/** A list of `selection` with the columns of RUNS, as a view and a typed query leave it. */
async function list(
  selection: ISelection,
  view: Partial<IListView>,
  query = ''
): Promise<TrialComponentListModel> {
  const model = new TrialComponentListModel();
  model.setTable(tableOf(RUNS, { paged: true }), selection);
  await model.applyView({ ...DEFAULT_VIEW, ...view });
  if (query) {
    await model.setQuery(query);
  }
  return model;
}

// The texts tests/test_notebook_snippet.py runs against a real store.
const SNIPPET_1 = [
  'import pandas as pd',
  'from smx_lab.analytics import ExperimentAnalytics',
  'from smx_lab.query import compile_text',
  '',
  "# The list's filter.",
  'search = compile_text("parameters.optimizer = \\"adam\\"")',
  "# The list's selection, a search per part: an `In` filter names at most 20.",
  'parts = [',
  '    {"Name": "Parents.TrialName", "Operator": "In", "Value": "side"},',
  '    {"Name": "Parents.ExperimentName", "Operator": "In", "Value": "sweep-a,sweep-b"},',
  ']',
  '',
  '',
  'def components(part):',
  '    analytics = ExperimentAnalytics(',
  '        search_expression={"SubExpressions": [{"Filters": [part]}, search], "Operator": "And"},',
  '        sort_by="Metrics.accuracy.Max",',
  '        sort_order="Descending",',
  '        parameter_names=[',
  '            "lr",',
  '        ],',
  '    )',
  '    return analytics.dataframe()',
  '',
  '',
  'table = pd.concat([components(part) for part in parts], ignore_index=True)',
  'if not table.empty:',
  '    # A component of two parts is listed once.',
  '    table = table.drop_duplicates("TrialComponentName", ignore_index=True)',
  '    table = table.sort_values(',
  '        "accuracy - Max",',
  '        ascending=False,',
  '        na_position="last",',
  '        kind="stable",',
  '        ignore_index=True,',
  '    )',
  '    # The baseline first, as the list shows it.',
  '    baseline = table["TrialComponentName"] == "run-02"',
  '    table = pd.concat([table[baseline], table[~baseline]], ignore_index=True)',
  'table',
  ''
].join('\n');

const SNIPPET_2 = [
  'import pandas as pd',
  'from smx_lab.analytics import ExperimentAnalytics',
  '',
  "# The list's selection, a search per part: an `In` filter names at most 20.",
  'parts = [',
  '    {"Name": "Parents.ExperimentName", "Operator": "In", "Value": "sweep-a"},',
  ']',
  '',
  '',
  'def components(part):',
  '    analytics = ExperimentAnalytics(',
  '        search_expression={"Filters": [part]},',
  '        sort_by="CreationTime",',
  '        sort_order="Descending",',
  '    )',
  '    return analytics.dataframe()',
  '',
  '',
  'table = pd.concat([components(part) for part in parts], ignore_index=True)',
  'table',
  ''
].join('\n');

const SNIPPET_3 = [
  'import pandas as pd',
  'from smx_lab.analytics import ExperimentAnalytics',
  '',
  "# The list's filter.",
  'search = {"Filters": [{"Name": "Metrics.accuracy.Max", "Operator": "GreaterThan", "Value": "0.3"}]}',
  "# The list's selection, a search per part: an `In` filter names at most 20.",
  'parts = [',
  '    {"Name": "TrialComponentName", "Operator": "In", "Value": "run-00,run-01,run-02,run-03,run-04,run-05,run-06,run-07,run-08,run-09,run-10,run-11,run-12,run-13,run-14,run-15,run-16,run-17,run-18,run-19"},',
  '    {"Name": "TrialComponentName", "Operator": "In", "Value": "run-20,run-21,run-22,run-23,loose-0"},',
  '    {"Name": "Parents.TrialName", "Operator": "NotExists"},',
  ']',
  '',
  '',
  'def components(part):',
  '    analytics = ExperimentAnalytics(',
  '        search_expression={"SubExpressions": [{"Filters": [part]}, search], "Operator": "And"},',
  '        sort_by="Parameters.lr",',
  '        sort_order="Ascending",',
  '    )',
  '    return analytics.dataframe()',
  '',
  '',
  'table = pd.concat([components(part) for part in parts], ignore_index=True)',
  'if not table.empty:',
  '    # A component of two parts is listed once.',
  '    table = table.drop_duplicates("TrialComponentName", ignore_index=True)',
  '    table = table.sort_values(',
  '        "lr",',
  '        ascending=True,',
  '        na_position="last",',
  '        kind="stable",',
  '        ignore_index=True,',
  '    )',
  'table',
  ''
].join('\n');

describe('Copy as notebook code', () => {
  it('rebuilds experiments and a trial narrowed by the filter, sorted, without hidden columns, baseline first', async () => {
    const model = await list(
      { experiments: ['sweep-a', 'sweep-b'], trials: ['side'] },
      {
        hiddenColumns: ['table:optimizer'],
        aggregation: { accuracy: 'Max' },
        sort: { columnId: 'metric:accuracy', order: 'Descending' },
        baseline: 'run-02'
      },
      'parameters.optimizer = "adam"'
    );
    expect(notebookSnippet(model)).toBe(SNIPPET_1);
  });

  it('rebuilds one experiment in the order of a column the DataFrame lacks', async () => {
    const model = await list(
      { experiments: ['sweep-a'] },
      { sort: { columnId: 'record:CreationTime', order: 'Descending' } }
    );
    expect(notebookSnippet(model)).toBe(SNIPPET_2);
  });

  it('rebuilds named and unassigned components narrowed by a SearchExpression, once each', async () => {
    const components = [
      ...Array.from(
        { length: 24 },
        (_, i) => `run-${String(i).padStart(2, '0')}`
      ),
      'loose-0'
    ];
    const model = await list(
      {
        components,
        unassigned: true,
        search: {
          search_expression: {
            Filters: [
              {
                Name: 'Metrics.accuracy.Max',
                Operator: 'GreaterThan',
                Value: '0.3'
              }
            ]
          }
        }
      },
      { sort: { columnId: 'table:lr', order: 'Ascending' } }
    );
    expect(notebookSnippet(model)).toBe(SNIPPET_3);
  });
});
