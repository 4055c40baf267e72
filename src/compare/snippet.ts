/**
 * "Copy as notebook code": Python that rebuilds the list's table with
 * `smx_lab.analytics.ExperimentAnalytics`, the same columns the REST `table` route returns.
 */
import { TrialComponentListModel } from './listModel';

/** SageMaker's limits on an `In` filter: members per list and characters per value. */
const IN_MEMBERS = 20;
const IN_VALUE_LENGTH = 1024;

/** Names joined into `In` filter values within SageMaker's limits. */
export function inValues(names: string[]): string[] {
  const values: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const name of names) {
    const added = (current.length ? 1 : 0) + name.length;
    if (
      current.length &&
      (current.length >= IN_MEMBERS || length + added > IN_VALUE_LENGTH)
    ) {
      values.push(current.join(','));
      current = [];
      length = 0;
    }
    length += current.length ? name.length + 1 : name.length;
    current.push(name);
  }
  if (current.length) {
    values.push(current.join(','));
  }
  return values;
}

/** A Python string literal for any text (JSON's escapes are valid Python). */
function pythonString(text: string): string {
  return JSON.stringify(text);
}

function pythonList(items: string[], indent = '    '): string {
  if (items.length === 0) {
    return '[]';
  }
  const lines = items.map(item => `${indent}${pythonString(item)},`);
  return `[\n${lines.join('\n')}\n${indent.slice(4)}]`;
}

/** The snippet for the rows shown, in the order shown, with the columns shown. */
export function notebookSnippet(model: TrialComponentListModel): string {
  const names = model.rows.map(row => row.name);
  const shown = model.visibleColumns;
  const hiddenParameters = model.columns.some(
    column => column.parameter !== undefined && !shown.includes(column)
  );
  const hiddenMetrics = model.columns.some(
    column => column.metric !== undefined && !shown.includes(column)
  );
  const options: string[] = [];
  if (hiddenParameters) {
    options.push(
      `parameter_names=${pythonList(
        shown
          .filter(column => column.parameter !== undefined)
          .map(column => column.parameter as string),
        '            '
      )},`
    );
  }
  if (hiddenMetrics) {
    options.push(
      `metric_names=${pythonList(
        shown
          .filter(column => column.metric !== undefined)
          .map(column => column.metric as string),
        '            '
      )},`
    );
  }
  const lines = [
    'import pandas as pd',
    'from smx_lab.analytics import ExperimentAnalytics',
    '',
    `names = ${pythonList(names)}`,
    '',
    '',
    'def components_named(value):',
    '    # One `In` filter holds at most 20 names, so the table is built from a few searches.',
    '    return ExperimentAnalytics(',
    '        search_expression={"Filters": [{"Name": "TrialComponentName", "Operator": "In", "Value": value}]},',
    ...options.map(option => `        ${option}`),
    '    ).dataframe()',
    '',
    '',
    `values = ${pythonList(inValues(names))}`,
    'table = pd.concat([components_named(value) for value in values], ignore_index=True)',
    'table = table.set_index("TrialComponentName").loc[names].reset_index()'
  ];
  const sort = model.sort;
  const column = sort && model.columns.find(c => c.id === sort.columnId);
  if (sort && column) {
    // The list's order is already that of `names`; the comment says what it was sorted by.
    const label = model.label(column).replace(/\s+/g, ' ');
    lines.push(`# rows sorted by ${label} (${sort.order})`);
  }
  lines.push('table');
  return lines.join('\n') + '\n';
}
