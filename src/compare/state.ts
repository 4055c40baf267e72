/**
 * What a trial component list and its chart tab keep across page reloads and in named views: a
 * versioned JSON object (`version` 2; version 1 had no grouping, baseline or directions, and
 * reads as a list without them). A reader takes what it knows, drops what does not hold,
 * and carries the fields it does not know along unchanged, so that state written by a newer panel
 * survives a round trip through an older one; a newer version's reader migrates the older ones here.
 */
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { SortOrder, SUMMARY_STATISTICS, SummaryStatistic } from '../api';
import { Direction, DIRECTIONS } from './baseline';
import {
  readGrouping,
  type IChartProperties,
  type SavedChartProperty
} from '../charts/chartRequest';
import type { ISelectedRow, RowKind } from '../model';
import { CATEGORIES, ColumnCategory } from './columns';

/** The version this panel writes. */
export const STATE_VERSION = 2;

/** A list's choices, apart from what it lists: what the Table properties and toolbar set. */
export interface IListView {
  hiddenCategories: ColumnCategory[];
  /** Column ids (`table:<column>`, `metric:<metric>`, `record:<column>`). */
  hiddenColumns: string[];
  /** Each metric's aggregation, where it is not the default. */
  aggregation: Record<string, SummaryStatistic>;
  sort: { columnId: string; order: SortOrder } | null;
  differingOnly: boolean;
  /** The typed query that filters the rows ('' for none). */
  query: string;
  /** The properties the rows are grouped by (`Parameters.<name>`, `Tags.<key>`, ...); [] for none. */
  groupBy: string[];
  /** What a group row shows per metric: mean ± std, or min – max. */
  band: 'std' | 'minmax';
  /** The component pinned as the baseline, or null. */
  baseline: string | null;
  /** Which way a metric is better, where chosen (else known from its name). */
  directions: Record<string, Direction>;
}

/** A trial component list: what was selected in the sidebar, and the list's view of it. */
export interface IListState extends IListView {
  version: number;
  /** Stable across reloads: a chart tab names the list it charts by it. */
  id: string;
  selection: ISelectedRow[];
  /** The tab's title when it is not made of the selection (a named view's name). */
  title?: string;
  /** Fields of a newer panel, carried along unread. */
  [unknown: string]: unknown;
}

/** A chart tab: the list it charts (as it was) and each chart's properties. */
export interface IChartsState {
  version: number;
  id: string;
  list: IListState;
  charts: IChartProperties[];
  [unknown: string]: unknown;
}

/** A named view: a list and, when it had a chart tab, its charts. */
export interface ISavedView {
  version: number;
  name: string;
  list: IListState;
  charts: IChartProperties[];
  [unknown: string]: unknown;
}

export const DEFAULT_VIEW: IListView = {
  hiddenCategories: [],
  hiddenColumns: [],
  aggregation: {},
  sort: null,
  differingOnly: false,
  query: '',
  groupBy: [],
  band: 'std',
  baseline: null,
  directions: {}
};

const ROW_KINDS: readonly RowKind[] = ['Experiment', 'Trial', 'TrialComponent'];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

function readRow(value: unknown): ISelectedRow | null {
  if (!isObject(value) || typeof value.name !== 'string') {
    return null;
  }
  const kind = value.kind as RowKind;
  if (!ROW_KINDS.includes(kind)) {
    return null;
  }
  return typeof value.experiment === 'string'
    ? { kind, name: value.name, experiment: value.experiment }
    : { kind, name: value.name };
}

function readSort(value: unknown): IListView['sort'] {
  if (
    isObject(value) &&
    typeof value.columnId === 'string' &&
    (value.order === 'Ascending' || value.order === 'Descending')
  ) {
    return { columnId: value.columnId, order: value.order };
  }
  return null;
}

function readAggregation(value: unknown): Record<string, SummaryStatistic> {
  const out: Record<string, SummaryStatistic> = {};
  if (isObject(value)) {
    for (const [metric, statistic] of Object.entries(value)) {
      if (SUMMARY_STATISTICS.includes(statistic as SummaryStatistic)) {
        out[metric] = statistic as SummaryStatistic;
      }
    }
  }
  return out;
}

function readDirections(value: unknown): Record<string, Direction> {
  const out: Record<string, Direction> = {};
  if (isObject(value)) {
    for (const [metric, direction] of Object.entries(value)) {
      if (DIRECTIONS.includes(direction as Direction)) {
        out[metric] = direction as Direction;
      }
    }
  }
  return out;
}

/**
 * A list's view from saved JSON, each part that does not hold left at its default; a version 1
 * view (no grouping, baseline or directions) reads with those at their defaults.
 */
export function readListView(value: JsonObject): IListView {
  return {
    hiddenCategories: strings(value.hiddenCategories).filter(
      (category): category is ColumnCategory =>
        (CATEGORIES as readonly string[]).includes(category)
    ),
    hiddenColumns: strings(value.hiddenColumns),
    aggregation: readAggregation(value.aggregation),
    sort: readSort(value.sort),
    differingOnly: value.differingOnly === true,
    query: typeof value.query === 'string' ? value.query : '',
    groupBy: strings(value.groupBy).slice(0, 3),
    band: value.band === 'minmax' ? 'minmax' : 'std',
    baseline:
      typeof value.baseline === 'string' && value.baseline
        ? value.baseline
        : null,
    directions: readDirections(value.directions)
  };
}

/** A list's state from saved JSON; null when it names nothing to list. */
export function readListState(value: unknown): IListState | null {
  if (!isObject(value) || typeof value.id !== 'string') {
    return null;
  }
  const selection = Array.isArray(value.selection)
    ? value.selection
        .map(readRow)
        .filter((row): row is ISelectedRow => row !== null)
    : [];
  if (selection.length === 0) {
    return null;
  }
  const state: IListState = {
    ...value,
    ...readListView(value),
    version: STATE_VERSION,
    id: value.id,
    selection
  };
  if (typeof value.title !== 'string') {
    delete state.title;
  }
  return state;
}

const PROPERTY_KINDS: Record<SavedChartProperty, 'string' | 'number'> = {
  chartType: 'string',
  dataType: 'string',
  x: 'string',
  y: 'string',
  color: 'string',
  metric: 'string',
  xAxis: 'string',
  smoothing: 'number',
  logY: 'number',
  ignoreOutliers: 'number',
  bins: 'number'
};

/**
 * A chart's properties from saved JSON, or null when a field is missing or of the wrong type
 * (whether the server still draws its chart type is the chart's own business).
 */
export function readChartProperties(value: unknown): IChartProperties | null {
  if (!isObject(value)) {
    return null;
  }
  for (const [field, kind] of Object.entries(PROPERTY_KINDS)) {
    const found = value[field];
    const ok =
      field === 'logY' || field === 'ignoreOutliers'
        ? typeof found === 'boolean'
        : typeof found === kind;
    if (!ok) {
      return null;
    }
  }
  // grouping came later (issue 17): kept when well formed, absent in older saved charts
  return readGrouping(value) as unknown as IChartProperties;
}

function readCharts(value: unknown): IChartProperties[] {
  return Array.isArray(value)
    ? value
        .map(readChartProperties)
        .filter((chart): chart is IChartProperties => chart !== null)
    : [];
}

/** A chart tab's state from saved JSON; null without a list to chart. */
export function readChartsState(value: unknown): IChartsState | null {
  if (!isObject(value) || typeof value.id !== 'string') {
    return null;
  }
  const list = readListState(value.list);
  if (!list) {
    return null;
  }
  return {
    ...value,
    version: STATE_VERSION,
    id: value.id,
    list,
    charts: readCharts(value.charts)
  };
}

/** A named view from saved JSON; null without a name or a list. */
export function readSavedView(value: unknown): ISavedView | null {
  if (!isObject(value) || typeof value.name !== 'string' || !value.name) {
    return null;
  }
  const list = readListState(value.list);
  if (!list) {
    return null;
  }
  return {
    ...value,
    version: STATE_VERSION,
    name: value.name,
    list,
    charts: readCharts(value.charts)
  };
}

/** The saved views of a state database entry, by name. */
export function readSavedViews(value: unknown): Map<string, ISavedView> {
  const views = new Map<string, ISavedView>();
  const listed =
    isObject(value) && Array.isArray(value.views) ? value.views : [];
  for (const item of listed) {
    const view = readSavedView(item);
    if (view) {
      views.set(view.name, view);
    }
  }
  return views;
}

/** The saved views as the state database keeps them. */
export function savedViewsJson(
  views: ReadonlyMap<string, ISavedView>
): ReadonlyPartialJSONObject {
  return toJson({ version: STATE_VERSION, views: [...views.values()] });
}

/** A state as JSON for the state database (a deep copy: later changes do not leak in). */
export function toJson(value: unknown): ReadonlyPartialJSONObject {
  return JSON.parse(JSON.stringify(value));
}

/** A new id for a list or a chart tab, unique across reloads. */
export function newStateId(prefix: string): string {
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${random}`;
}
