/**
 * "Copy as notebook code": Python that rebuilds the whole list, however many components it holds,
 * with `smx_lab.analytics.ExperimentAnalytics` (the same columns the REST `table` route returns):
 * from the list's selection and filter, in its order, with its columns, its baseline first.
 */
import { ISelection } from '../api';
import { IListColumn } from './columns';
import { TrialComponentListModel } from './listModel';
import { isEmptySelection } from './selection';

/** SageMaker's limits on an `In` filter: members per list and characters per value. */
const IN_MEMBERS = 20;
const IN_VALUE_LENGTH = 1024;

/** The most components one ExperimentAnalytics DataFrame holds unless told otherwise. */
const ANALYTICS_CAP = 10000;

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

/** A Python literal of a JSON value, on one line. */
function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pythonLiteral).join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, item]) => `${pythonString(key)}: ${pythonLiteral(item)}`
  );
  return `{${entries.join(', ')}}`;
}

function pythonList(items: string[], indent = '    '): string {
  if (items.length === 0) {
    return '[]';
  }
  const lines = items.map(item => `${indent}${item},`);
  return `[\n${lines.join('\n')}\n${indent.slice(4)}]`;
}

/** The filters of a selection's parts: one per `In` value, and one for "unassigned". */
function partFilters(selection: ISelection): string[] {
  const named: [string, string[] | undefined][] = [
    ['TrialComponentName', selection.components],
    ['Parents.TrialName', selection.trials],
    ['Parents.ExperimentName', selection.experiments]
  ];
  const filters = named.flatMap(([property, names]) =>
    inValues(names ?? []).map(value =>
      pythonLiteral({ Name: property, Operator: 'In', Value: value })
    )
  );
  if (selection.unassigned) {
    filters.push(
      pythonLiteral({ Name: 'Parents.TrialName', Operator: 'NotExists' })
    );
  }
  return filters;
}

/** The list's filter: typed text (compiled by smx-lab), a SearchExpression, or none. */
function searchOf(
  selection: ISelection
): { query: string } | { expression: unknown } | null {
  const search = selection.search;
  if (!search) {
    return null;
  }
  if ('query' in search && search.query !== undefined) {
    return { query: search.query };
  }
  return { expression: search.search_expression };
}

/** A column's name in ExperimentAnalytics' DataFrame, if the DataFrame has it. */
function frameColumn(
  model: TrialComponentListModel,
  column: IListColumn
): string | undefined {
  if (column.metric !== undefined) {
    return model.label(column);
  }
  const own = column.kind === 'name' || column.kind === 'display_name';
  return column.parameter !== undefined || own ? column.tableColumn : undefined;
}

/**
 * `parameter_names=`/`metric_names=` when some parameters or metrics are hidden, and the columns
 * to drop when all of a kind are (ExperimentAnalytics reads an empty list as every one).
 */
function nameOptions(model: TrialComponentListModel): {
  options: string[];
  dropped: string[];
} {
  const shown = model.visibleColumns;
  const options: string[] = [];
  const dropped: string[] = [];
  const kinds: [string, (column: IListColumn) => string | undefined][] = [
    ['parameter_names', column => column.parameter],
    ['metric_names', column => column.metric]
  ];
  for (const [option, nameOf] of kinds) {
    const columns = model.columns.filter(
      column => nameOf(column) !== undefined
    );
    if (!columns.some(column => !shown.includes(column))) {
      continue;
    }
    const names = shown
      .map(nameOf)
      .filter((name): name is string => name !== undefined);
    if (names.length) {
      options.push(
        `${option}=${pythonList(names.map(pythonString), '            ')},`
      );
    } else {
      dropped.push(
        ...columns.flatMap(column =>
          column.metric !== undefined
            ? Object.values(column.statistics ?? {})
            : [column.tableColumn as string]
        )
      );
    }
  }
  return { options, dropped };
}

/** The snippet for the whole list: its selection and filter, its order, its columns, baseline. */
export function notebookSnippet(model: TrialComponentListModel): string {
  const selection = model.selection;
  if (isEmptySelection(selection)) {
    return 'import pandas as pd\n\n# The list selects nothing.\ntable = pd.DataFrame()\ntable\n';
  }
  const search = searchOf(selection);
  const filters = partFilters(selection);
  // ExperimentAnalytics sorts by LastModifiedTime unless told; the list, by creation.
  const sort = model.sortRequest() ?? { by: 'CreationTime' };
  const order = sort.order ?? 'Ascending';
  const sorted = model.columns.find(c => c.id === model.sort?.columnId);
  const sortColumn = sorted && frameColumn(model, sorted);
  const names = nameOptions(model);
  const options = [
    `sort_by=${pythonString(sort.by)},`,
    `sort_order=${pythonString(order)},`,
    ...names.options
  ];
  const count = model.componentCount;
  const uncapped =
    count > ANALYTICS_CAP
      ? [
          `    # The list holds ${count.toLocaleString('en-US')} components; one DataFrame holds ${ANALYTICS_CAP.toLocaleString('en-US')} unless told.`,
          '    analytics.MAX_TRIAL_COMPONENTS = None'
        ]
      : [];

  const lines = [
    'import pandas as pd',
    'from smx_lab.analytics import ExperimentAnalytics',
    ...(search && 'query' in search
      ? ['from smx_lab.query import compile_text']
      : []),
    ''
  ];
  if (search) {
    lines.push(
      "# The list's filter.",
      'query' in search
        ? `search = compile_text(${pythonString(search.query)})`
        : `search = ${pythonLiteral(search.expression)}`
    );
  }
  let expression = 'search';
  if (filters.length) {
    lines.push(
      "# The list's selection, a search per part: an `In` filter names at most 20.",
      `parts = ${pythonList(filters)}`
    );
    expression = search
      ? '{"SubExpressions": [{"Filters": [part]}, search], "Operator": "And"}'
      : '{"Filters": [part]}';
  }
  lines.push(
    '',
    '',
    `def components(${filters.length ? 'part' : ''}):`,
    '    analytics = ExperimentAnalytics(',
    `        search_expression=${expression},`,
    ...options.map(option => `        ${option}`),
    '    )',
    ...uncapped,
    ...(names.dropped.length
      ? [
          '    # No parameter or metric of a kind shown: an empty list would name every one.',
          `    hidden = ${pythonList(names.dropped.map(pythonString), '        ')}`,
          '    return analytics.dataframe().drop(columns=hidden, errors="ignore")'
        ]
      : ['    return analytics.dataframe()']),
    '',
    '',
    filters.length
      ? 'table = pd.concat([components(part) for part in parts], ignore_index=True)'
      : 'table = components()',
    'if not table.empty:'
  );
  if (filters.length > 1) {
    lines.push(
      '    # A component of two parts is listed once.',
      '    table = table.drop_duplicates("TrialComponentName", ignore_index=True)'
    );
  }
  if (sortColumn !== undefined) {
    const ascending = order === 'Ascending' ? 'True' : 'False';
    lines.push(
      '    table = table.sort_values(',
      `        ${pythonString(sortColumn)},`,
      `        ascending=${ascending},`,
      '        na_position="last",',
      '        kind="stable",',
      '        ignore_index=True,',
      '    )'
    );
  } else if (filters.length > 1) {
    lines.push(
      `    # The DataFrame has no ${sort.by}: each part is in that order, not the whole.`
    );
  }
  const baseline = model.baseline;
  if (baseline) {
    lines.push(
      '    # The baseline first, as the list shows it.',
      `    baseline = table["TrialComponentName"] == ${pythonString(baseline)}`,
      '    table = pd.concat([table[baseline], table[~baseline]], ignore_index=True)'
    );
  }
  if (lines[lines.length - 1] === 'if not table.empty:') {
    lines.pop();
  }
  lines.push('table');
  return lines.join('\n') + '\n';
}
