/**
 * The rows and columns of each sidebar level: experiments (Name, Last modified), trials (Name,
 * Trial components, Last modified), trial components (Name, Status, Created, Last modified).
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IExperiment, ITrial, ITrialComponent, PrimaryStatus } from '../api';
import { formatCompactTime, formatTime } from '../format';
import { Level, ISelectedRow, RowKind, ROW_KIND } from '../model';
import { statusLabel } from '../StatusBadge';

/** One row of the table, whatever its kind. */
export interface IRow extends ISelectedRow {
  displayName: string;
  created?: string;
  lastModified?: string;
  componentCount?: number;
  status?: PrimaryStatus;
  statusMessage?: string;
  /** A trial component a search found: its trials and their experiments, as one text each. */
  trials?: string;
  experiments?: string;
}

export type ListItem = IExperiment | ITrial | ITrialComponent;

/** What a listing's rows are: a level's own, or the trial components a search found. */
export type Shown = Level | 'found';

/** The names of a component's parents, each once, in their order. */
function parentNames(
  component: ITrialComponent,
  key: 'TrialName' | 'ExperimentName'
): string {
  return [
    ...new Set((component.Parents ?? []).map(parent => parent[key]))
  ].join(', ');
}

export function toRow(shown: Shown, item: ListItem): IRow {
  const kind: RowKind = shown === 'found' ? 'TrialComponent' : ROW_KIND[shown];
  const common = {
    kind,
    displayName: item.DisplayName,
    created: item.CreationTime,
    lastModified: item.LastModifiedTime
  };
  if (kind === 'Experiment') {
    const experiment = item as IExperiment;
    return { ...common, name: experiment.ExperimentName };
  }
  if (kind === 'Trial') {
    const trial = item as ITrial;
    return {
      ...common,
      name: trial.TrialName,
      experiment: trial.ExperimentName,
      componentCount: trial.TrialComponentCount
    };
  }
  const component = item as ITrialComponent;
  const row: IRow = {
    ...common,
    name: component.TrialComponentName,
    status: component.Status?.PrimaryStatus,
    statusMessage: component.Status?.Message
  };
  if (shown === 'found') {
    row.trials = parentNames(component, 'TrialName');
    row.experiments = parentNames(component, 'ExperimentName');
  }
  return row;
}

/** Names this short are never cut in two: there is nothing to keep at both ends. */
const WHOLE_NAME_LENGTH = 12;
/** The longest tail a cut keeps. */
const MAX_TAIL = 16;

/**
 * A name cut for a middle ellipsis: the head gives way first and the tail always shows, because
 * names that share a start differ at the end (`…-weight-1`, `…-weight-2`, `…-adam-10`). The tail
 * is about the last 40% of the name, at most 16 characters, starting at a word where one is near
 * (`breast-cancer-min-child-weight-10` → `breast-cancer-min-child-` + `weight-10`).
 */
export function ellipsisParts(text: string): [string, string] {
  if (text.length <= WHOLE_NAME_LENGTH) {
    return [text, ''];
  }
  const wanted = text.length - Math.min(MAX_TAIL, Math.ceil(text.length * 0.4));
  // The start of a word nearest the wanted cut (within 4 characters; on a tie, the shorter tail).
  let start = wanted;
  let distance = 5;
  for (const match of text.matchAll(/[-_. /:]/g)) {
    const at = match.index! + 1;
    const tail = text.length - at;
    const off = Math.abs(at - wanted);
    if (
      tail >= 4 &&
      tail <= MAX_TAIL &&
      (off < distance || (off === distance && at > start))
    ) {
      start = at;
      distance = off;
    }
  }
  return [text.slice(0, start), text.slice(start)];
}

export interface IColumn {
  id: string;
  title: string;
  /** The server's sort key; a column without one is not sortable (the server cannot sort it). */
  sort?: string;
  /** CSS grid track of the column, in px or fr: never content-sized (every row is its own grid, so
   * content-sized tracks would not line up) nor in em (the header has a smaller font). */
  width: string;
  text(row: IRow): string;
  /** Left out when the panel is narrower than this many pixels (the user can widen it). */
  minPanelWidth?: number;
  /** The cell's tooltip, when the text is a shortened form. */
  tooltip?(row: IRow): string;
  /** Names too long for the cell keep their start and end around "…" (see `ellipsisParts`). */
  middleEllipsis?: boolean;
  /** Only where the rows come from several experiments (a search from Home). */
  home?: boolean;
}

/** The columns of every level, and of trial components found by a search, titled in the user's language. */
export function levelColumns(
  translator?: ITranslator
): Record<Shown, IColumn[]> {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const name: IColumn = {
    id: 'name',
    title: trans.__('Name'),
    sort: 'DisplayName',
    width: 'minmax(48px, 1fr)',
    text: row => row.displayName || row.name,
    tooltip: row =>
      row.displayName && row.displayName !== row.name
        ? `${row.displayName} (${row.name})`
        : row.name,
    middleEllipsis: true
  };
  const trial: IColumn = {
    id: 'trial',
    title: trans.__('Trial'),
    width: 'minmax(40px, 1fr)',
    text: row => row.trials ?? '',
    // The experiment too, for a sidebar too narrow for its column.
    tooltip: row =>
      row.experiments
        ? trans.__('%1 (experiment: %2)', row.trials ?? '', row.experiments)
        : (row.trials ?? ''),
    middleEllipsis: true
  };
  const experiment: IColumn = {
    id: 'experiment',
    title: trans.__('Experiment'),
    width: 'minmax(40px, 1fr)',
    minPanelWidth: 360,
    text: row => row.experiments ?? '',
    tooltip: row => row.experiments ?? '',
    middleEllipsis: true,
    home: true
  };
  const lastModified: IColumn = {
    id: 'lastModified',
    title: trans.__('Last modified'),
    sort: 'LastModifiedTime',
    width: '84px',
    text: row => formatCompactTime(row.lastModified),
    tooltip: row => formatTime(row.lastModified)
  };
  // In the sidebar's default width (250 px) a trial's name needs the room more than its count.
  const components: IColumn = {
    id: 'components',
    title: trans.__('Trial components'),
    minPanelWidth: 320,
    width: '64px',
    text: row =>
      row.componentCount === undefined ? '' : String(row.componentCount)
  };
  const status: IColumn = {
    id: 'status',
    title: trans.__('Status'),
    width: '84px',
    text: row => (row.status ? statusLabel(row.status, translator) : '')
  };
  const created: IColumn = {
    id: 'created',
    title: trans.__('Created'),
    sort: 'CreationTime',
    minPanelWidth: 400,
    width: '84px',
    text: row => formatCompactTime(row.created),
    tooltip: row => formatTime(row.created)
  };
  // Trial components need Name and Status most; the times follow as the panel widens.
  const componentLastModified: IColumn = {
    ...lastModified,
    minPanelWidth: 300
  };
  return {
    experiments: [name, lastModified],
    trials: [name, components, lastModified],
    components: [name, status, created, componentLastModified],
    unassigned: [name, status, created, componentLastModified],
    // A search's components: where they are first, then how they did.
    found: [name, trial, experiment, { ...status, minPanelWidth: 300 }]
  };
}

/** The columns that fit a panel `width` pixels wide (all of them while the width is unknown). */
export function columnsFor(
  columns: IColumn[],
  width: number | null
): IColumn[] {
  if (width === null) {
    return columns;
  }
  return columns.filter(
    column =>
      column.minPanelWidth === undefined || width >= column.minPanelWidth
  );
}
