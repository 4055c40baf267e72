/**
 * What the sidebar selected, as the server's selection: named, never expanded. The server gathers
 * the components of experiments and trials itself, once, in the one `table` request.
 */
import { ISelection } from '../api';
import { ISelectedRow } from '../model';

/**
 * The selection of the sidebar's selected rows: experiments, trials and components by name, each
 * named once, in the order selected.
 */
export function selectionOf(rows: readonly ISelectedRow[]): ISelection {
  const named: Record<ISelectedRow['kind'], Set<string>> = {
    Experiment: new Set(),
    Trial: new Set(),
    TrialComponent: new Set()
  };
  for (const row of rows) {
    named[row.kind]?.add(row.name);
  }
  const selection: ISelection = {};
  if (named.Experiment.size) {
    selection.experiments = [...named.Experiment];
  }
  if (named.Trial.size) {
    selection.trials = [...named.Trial];
  }
  if (named.TrialComponent.size) {
    selection.components = [...named.TrialComponent];
  }
  return selection;
}

/** Whether a selection names anything (the server refuses one that does not). */
export function isEmptySelection(selection: ISelection): boolean {
  return !(
    selection.experiments?.length ||
    selection.trials?.length ||
    selection.components?.length ||
    selection.unassigned ||
    selection.search
  );
}

/** The selection narrowed by a typed query (the list's filter box). */
export function narrowed(selection: ISelection, query: string): ISelection {
  return { ...selection, search: { query } };
}
