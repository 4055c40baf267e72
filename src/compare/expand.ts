/**
 * From the sidebar's selection to trial components: experiments expand to their trials'
 * components, trials to theirs, components stand for themselves. Everything is paged from the
 * server, so there is no cap on how many components a selection brings.
 */
import { IPage, ITrialComponent, SmxLabClient } from '../api';
import { ISelectedRow } from '../model';

/** SageMaker's limits on an `In` filter: members per list and characters per value. */
const IN_MEMBERS = 20;
const IN_VALUE_LENGTH = 1024;
/** Sub-expressions per search (SageMaker allows 20). */
const SUB_EXPRESSIONS = 20;
const PAGE = 100;

async function allPages<T>(
  fetch: (cursor: string | null) => Promise<IPage<T>>
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: IPage<T> = await fetch(cursor);
    items.push(...page.items);
    cursor = page.items.length ? page.next_cursor : null;
  } while (cursor);
  return items;
}

/** Names joined into `In` values within SageMaker's limits. */
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

/** The named components, fetched by searches of up to 400 names rather than one request each. */
export async function componentsByName(
  client: SmxLabClient,
  names: string[]
): Promise<ITrialComponent[]> {
  const values = inValues(names);
  const found = new Map<string, ITrialComponent>();
  for (let start = 0; start < values.length; start += SUB_EXPRESSIONS) {
    const search_expression = {
      Operator: 'Or',
      SubExpressions: values
        .slice(start, start + SUB_EXPRESSIONS)
        .map(Value => ({
          Filters: [{ Name: 'TrialComponentName', Operator: 'In', Value }]
        }))
    };
    const items = await allPages(cursor =>
      client.search<ITrialComponent>({
        resource: 'ExperimentTrialComponent',
        search_expression,
        limit: PAGE,
        cursor
      })
    );
    items.forEach(item => found.set(item.TrialComponentName, item));
  }
  return names.flatMap(name => {
    const component = found.get(name);
    return component ? [component] : [];
  });
}

/** The components of the selected rows, each once, in the order the rows name them. */
export async function expandSelection(
  client: SmxLabClient,
  rows: ISelectedRow[]
): Promise<ITrialComponent[]> {
  const components = new Map<string, ITrialComponent>();
  const add = (items: ITrialComponent[]) =>
    items.forEach(item => {
      if (!components.has(item.TrialComponentName)) {
        components.set(item.TrialComponentName, item);
      }
    });
  const trialComponents = (trial: string) =>
    allPages(cursor =>
      client.listTrialComponents(trial, { limit: PAGE, cursor })
    );
  const named = rows.filter(row => row.kind === 'TrialComponent');
  for (const row of rows) {
    if (row.kind === 'Experiment') {
      const trials = await allPages(cursor =>
        client.listTrials(row.name, { limit: PAGE, cursor })
      );
      for (const trial of trials) {
        add(await trialComponents(trial.TrialName));
      }
    } else if (row.kind === 'Trial') {
      add(await trialComponents(row.name));
    }
  }
  if (named.length) {
    add(
      await componentsByName(
        client,
        named.map(row => row.name).filter(name => !components.has(name))
      )
    );
  }
  return [...components.values()];
}
