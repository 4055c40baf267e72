import { columnsFor, levelColumns, toRow } from '../sidebar/columns';

const COLUMNS = levelColumns();

describe('sidebar columns', () => {
  it('keep Name and Status of trial components in a narrow panel, times as it widens', () => {
    const ids = (width: number | null) =>
      columnsFor(COLUMNS.components, width).map(column => column.title);
    expect(ids(250)).toEqual(['Name', 'Status']);
    expect(ids(320)).toEqual(['Name', 'Status', 'Last modified']);
    expect(ids(400)).toEqual(['Name', 'Status', 'Created', 'Last modified']);
    expect(ids(null)).toEqual(['Name', 'Status', 'Created', 'Last modified']);
  });

  it('show a trial with its experiment and its number of components', () => {
    const row = toRow('trials', {
      TrialName: 'cnn-1',
      DisplayName: 'CNN 1',
      ExperimentName: 'mnist',
      TrialComponentCount: 3
    });
    expect(row).toMatchObject({
      kind: 'Trial',
      name: 'cnn-1',
      displayName: 'CNN 1',
      experiment: 'mnist',
      componentCount: 3
    });
    expect(COLUMNS.trials[1].text(row)).toBe('3');
  });

  it('give a trial component its status and message', () => {
    const row = toRow('unassigned', {
      TrialComponentName: 'profile',
      DisplayName: 'profile',
      Status: { PrimaryStatus: 'Failed', Message: 'out of memory' },
      Parameters: {},
      InputArtifacts: {},
      OutputArtifacts: {},
      Metrics: [],
      Parents: []
    });
    expect(row).toMatchObject({
      kind: 'TrialComponent',
      status: 'Failed',
      statusMessage: 'out of memory'
    });
  });
});
