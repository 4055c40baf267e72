/**
 * The rows and columns of each sidebar level: experiments (Name, Last modified), trials (Name,
 * Trial components, Last modified), trial components (Name, Status, Created, Last modified).
 */
import { IExperiment, ITrial, ITrialComponent, PrimaryStatus } from '../api';
import { formatCompactTime, formatTime } from '../format';
import { Level, ISelectedRow, RowKind, ROW_KIND } from '../model';

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

const NAME: IColumn = {
  id: 'name',
  title: 'Name',
  sort: 'DisplayName',
  width: 'minmax(48px, 1fr)',
  text: row => row.displayName || row.name,
  tooltip: row =>
    row.displayName && row.displayName !== row.name
      ? `${row.displayName} (${row.name})`
      : row.name
};

const LAST_MODIFIED: IColumn = {
  id: 'lastModified',
  title: 'Last modified',
  sort: 'LastModifiedTime',
  width: '84px',
  text: row => formatCompactTime(row.lastModified),
  tooltip: row => formatTime(row.lastModified)
};

const COMPONENTS: IColumn = {
  id: 'components',
  title: 'Trial components',
  width: '64px',
  text: row =>
    row.componentCount === undefined ? '' : String(row.componentCount)
};

const STATUS: IColumn = {
  id: 'status',
  title: 'Status',
  width: '84px',
  text: row => row.status ?? ''
};

const CREATED: IColumn = {
  id: 'created',
  title: 'Created',
  sort: 'CreationTime',
  minPanelWidth: 400,
  width: '84px',
  text: row => formatCompactTime(row.created),
  tooltip: row => formatTime(row.created)
};

/** Trial components need Name and Status most; the times follow as the panel widens. */
const COMPONENT_LAST_MODIFIED: IColumn = {
  ...LAST_MODIFIED,
  minPanelWidth: 300
};

export const COLUMNS: Record<Level, IColumn[]> = {
  experiments: [NAME, LAST_MODIFIED],
  trials: [NAME, COMPONENTS, LAST_MODIFIED],
  components: [NAME, STATUS, CREATED, COMPONENT_LAST_MODIFIED],
  unassigned: [NAME, STATUS, CREATED, COMPONENT_LAST_MODIFIED]
};

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
