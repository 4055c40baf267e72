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
}

export type ListItem = IExperiment | ITrial | ITrialComponent;

export function toRow(level: Level, item: ListItem): IRow {
  const kind: RowKind = ROW_KIND[level];
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
  return {
    ...common,
    name: component.TrialComponentName,
    status: component.Status?.PrimaryStatus,
    statusMessage: component.Status?.Message
  };
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
}

/** The columns of every level, titled in the user's language. */
export function levelColumns(
  translator?: ITranslator
): Record<Level, IColumn[]> {
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
        : row.name
  };
  const lastModified: IColumn = {
    id: 'lastModified',
    title: trans.__('Last modified'),
    sort: 'LastModifiedTime',
    width: '84px',
    text: row => formatCompactTime(row.lastModified),
    tooltip: row => formatTime(row.lastModified)
  };
  const components: IColumn = {
    id: 'components',
    title: trans.__('Trial components'),
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
    unassigned: [name, status, created, componentLastModified]
  };
}

/** The columns of every level, in English. */

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
