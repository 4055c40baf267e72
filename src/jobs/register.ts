/**
 * The job commands: Stop training (processing, transform) job… and Deploy model…, in the context
 * menu of a trial component's row in the Experiments panel and of its view (schema/plugin.json).
 * They act on the component right-clicked (or named by `args.name`), show only where the store
 * offers jobs and the component has one, and are enabled only when its job allows the action.
 * The job of a component selected in the panel is loaded ahead, so the menu knows it.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandIDs } from '../commands';
import type { IExperimentsPanel } from '../tokens';
import type { JobsController } from './controller';
import { stopLabel } from './labels';

export interface IJobCommandsOptions {
  app: JupyterFrontEnd;
  panel: IExperimentsPanel;
  jobs: JobsController;
  translator?: ITranslator;
}

/** The component a context menu was opened on: a view's, or a component row's. */
function componentUnderMenu(app: JupyterFrontEnd): string | undefined {
  const node = app.contextMenuHitTest(
    element =>
      !!element.dataset.component ||
      (element.classList.contains('smx-Table-row') &&
        element.dataset.kind === 'TrialComponent')
  );
  return node?.dataset.component ?? node?.dataset.name;
}

export function registerJobCommands(options: IJobCommandsOptions): void {
  const { app, panel, jobs } = options;
  const { commands } = app;
  const trans = (options.translator ?? nullTranslator).load('smx_lab');

  const target = (args: Record<string, unknown>): string | undefined =>
    typeof args.name === 'string' && args.name
      ? args.name
      : componentUnderMenu(app);

  /** The job of the target as known now; loads it (and updates the menu) when unknown. */
  const known = (args: Record<string, unknown>) => {
    const name = target(args);
    if (!name || jobs.offeredNow !== true) {
      return { name, state: undefined, offered: false };
    }
    const state = jobs.state(name);
    if (!state) {
      void jobs.load(name);
    }
    return { name, state, offered: true };
  };

  commands.addCommand(CommandIDs.stopJob, {
    label: args => {
      const { state } = known(args);
      return stopLabel(
        state?.kind === 'job' ? state.job.JobType : undefined,
        trans
      );
    },
    caption: trans.__('Stop the SageMaker job of this trial component'),
    isVisible: args => {
      const { name, state, offered } = known(args);
      return offered && !!name && state?.kind !== 'none';
    },
    isEnabled: args => {
      const { state } = known(args);
      return state?.kind === 'job' && state.job.Actions.Stop;
    },
    execute: async args => {
      const name = target(args);
      if (name) {
        await jobs.stop(name);
      }
    }
  });

  commands.addCommand(CommandIDs.deployModel, {
    label: trans.__('Deploy model…'),
    caption: trans.__(
      "Deploy the model of this trial component's completed training job to a SageMaker endpoint"
    ),
    isVisible: args => {
      const { name, state, offered } = known(args);
      if (!offered || !name || state?.kind === 'none') {
        return false;
      }
      return state?.kind !== 'job' || state.job.JobType === 'TrainingJob';
    },
    isEnabled: args => {
      const { state } = known(args);
      return state?.kind === 'job' && state.job.Actions.Deploy;
    },
    execute: async args => {
      const name = target(args);
      if (name) {
        await jobs.deploy(name);
      }
    }
  });

  // A job that loads (or changes) updates an open menu's items.
  jobs.changed.connect(() => {
    commands.notifyCommandChanged(CommandIDs.stopJob);
    commands.notifyCommandChanged(CommandIDs.deployModel);
  });
  // The job of the one component selected in the panel is loaded before its menu opens.
  panel.selection.changed.connect(() => {
    const rows = panel.selection.rows;
    if (rows.length === 1 && rows[0].kind === 'TrialComponent') {
      void jobs.prefetch(rows[0].name);
    }
  });
  void jobs.offered();
}
