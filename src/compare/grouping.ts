/**
 * What a trial component list can group by (its parameters and tag keys, the status, the trial,
 * the experiment), in the server's words (`Parameters.<name>`, `Tags.<key>`, ...), and how a
 * group's key reads.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { GroupKey } from '../api';
import { IListColumn } from './columns';

/** The most properties a list groups by at once. */
export const MAX_GROUP_BY = 3;

/** A property to group by: its name in a request, and what the list calls it. */
export interface IGroupByOption {
  property: string;
  label: string;
  /** Where it comes from, for the chooser's sections. */
  source: 'parameter' | 'tag' | 'record';
}

const RECORD_PROPERTIES = [
  'Status.PrimaryStatus',
  'Parents.TrialName',
  'Parents.ExperimentName'
] as const;

/** The record properties' labels in the user's language. */
function recordLabel(property: string, trans: TranslationBundle): string {
  switch (property) {
    case 'Status.PrimaryStatus':
      return trans.__('Status');
    case 'Parents.TrialName':
      return trans.__('Trial');
    case 'Parents.ExperimentName':
      return trans.__('Experiment');
    default:
      return property;
  }
}

/** The properties a list of these columns and tag keys can group by. */
export function groupByOptions(
  columns: readonly IListColumn[],
  tagKeys: readonly string[],
  trans: TranslationBundle
): IGroupByOption[] {
  const parameters = columns
    .filter(column => column.parameter !== undefined)
    .map(column => ({
      property: `Parameters.${column.parameter}`,
      label: column.parameter as string,
      source: 'parameter' as const
    }));
  const tags = tagKeys.map(key => ({
    property: `Tags.${key}`,
    label: key,
    source: 'tag' as const
  }));
  const records = RECORD_PROPERTIES.map(property => ({
    property,
    label: recordLabel(property, trans),
    source: 'record' as const
  }));
  return [...parameters, ...tags, ...records];
}

/** What a property is called in the list: a parameter's or tag's name, or the record's label. */
export function groupByLabel(
  property: string,
  trans: TranslationBundle
): string {
  if (property.startsWith('Parameters.')) {
    return property.slice('Parameters.'.length);
  }
  if (property.startsWith('Tags.')) {
    return trans.__('%1 (tag)', property.slice('Tags.'.length));
  }
  return recordLabel(property, trans);
}

/** A key's stable id, for the groups a list keeps expanded. */
export function keyId(key: GroupKey): string {
  return JSON.stringify(key);
}

/** A key as the group's row shows it: `lr = 0.1 · team = vision`; a missing value as a dash. */
export function keyText(
  groupBy: readonly string[],
  key: GroupKey,
  trans: TranslationBundle
): string {
  return groupBy
    .map((property, index) => {
      const value = (key as unknown[])[index];
      return `${groupByLabel(property, trans)} = ${
        value === null || value === undefined ? '—' : String(value)
      }`;
    })
    .join(' · ');
}
