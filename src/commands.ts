/**
 * Command ids and their registration: the palette, the shortcuts (schema/plugin.json) and the
 * context menu entries of the compare features all call these.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, InputDialog } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { IExperimentsPanel } from './tokens';

export namespace CommandIDs {
  export const openPanel = 'smx-lab:open-panel';
  export const refresh = 'smx-lab:refresh';
  export const openComponent = 'smx-lab:open-component';
  export const reveal = 'smx-lab:reveal';
  export const openSelected = 'smx-lab:open-selected';
  export const up = 'smx-lab:up';
  export const openInList = 'smx-lab:open-in-list';
  export const addChart = 'smx-lab:add-chart';
  export const copyName = 'smx-lab:copy-name';
  export const saveView = 'smx-lab:save-view';
  export const openView = 'smx-lab:open-view';
  export const deleteView = 'smx-lab:delete-view';
  /** Run by the layout restorer with a list's or a chart tab's saved state. */
  export const restoreList = 'smx-lab:restore-list';
  export const restoreCharts = 'smx-lab:restore-charts';
  export const stopJob = 'smx-lab:stop-job';
  export const deployModel = 'smx-lab:deploy-model';
}

export interface ICommandsOptions {
  app: JupyterFrontEnd;
  panel: IExperimentsPanel;
  /** Opens (or activates) the view of a trial component. */
  openComponent: (name: string) => void;
  /** Refreshes the component views as well as the panel. */
  refreshViews: () => void;
  palette: ICommandPalette | null;
  translator?: ITranslator;
}

export function registerCommands(options: ICommandsOptions): void {
  const { app, panel, openComponent, refreshViews, palette } = options;
  const { commands, shell } = app;
  const trans = (options.translator ?? nullTranslator).load('smx_lab');

  commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Open the Experiments panel'),
    caption: trans.__(
      'Show the experiments, trials and trial components of the store'
    ),
    execute: () => {
      shell.activateById(panel.id);
    }
  });

  commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh experiments'),
    caption: trans.__(
      'Load the Experiments panel and the open trial components again'
    ),
    execute: () => {
      panel.refresh();
      refreshViews();
    }
  });

  commands.addCommand(CommandIDs.openComponent, {
    label: args =>
      args.name
        ? trans.__('Open %1', args.name as string)
        : trans.__('Open a trial component by name…'),
    caption: trans.__(
      'Open the view of a trial component: metrics, parameters, artifacts'
    ),
    execute: async args => {
      let name = args.name as string | undefined;
      if (!name) {
        const answer = await InputDialog.getText({
          title: trans.__('Open a trial component'),
          label: trans.__('Trial component name'),
          placeholder: trans.__('e.g. %1', 'training-job-2024-01-01')
        });
        name = answer.button.accept ? answer.value?.trim() : undefined;
      }
      if (name) {
        openComponent(name);
      }
    }
  });

  commands.addCommand(CommandIDs.reveal, {
    label: trans.__('Show in the Experiments panel'),
    execute: args => {
      const experiment = args.experiment as string | undefined;
      const trial = args.trial as string | undefined;
      if (!experiment) {
        return;
      }
      panel.location.current = trial
        ? { level: 'components', experiment, trial }
        : { level: 'trials', experiment };
      shell.activateById(panel.id);
    }
  });

  commands.addCommand(CommandIDs.openSelected, {
    label: trans.__('Open'),
    caption: trans.__(
      'Drill into the selected experiment or trial, or open the component'
    ),
    isEnabled: () => panel.selection.size === 1,
    execute: () => {
      const [row] = panel.selection.rows;
      if (!row) {
        return;
      }
      if (row.kind === 'TrialComponent') {
        openComponent(row.name);
      } else {
        panel.location.drillDown(row.name);
      }
    }
  });

  commands.addCommand(CommandIDs.up, {
    label: trans.__('Up one level'),
    execute: () => {
      panel.location.up();
    }
  });

  if (palette) {
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.refresh,
      CommandIDs.openComponent
    ]) {
      palette.addItem({ command, category: trans.__('Experiments') });
    }
  }
}
