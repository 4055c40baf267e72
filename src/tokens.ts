/**
 * What smx-lab offers other JupyterLab extensions: the REST client of its server extension and
 * the Experiments panel (where it is, what is selected, and signals when either changes), plus
 * the ids of its commands. Require the tokens in a plugin:
 *
 * ```ts
 * const plugin: JupyterFrontEndPlugin<void> = {
 *   id: 'my-extension:plugin',
 *   requires: [IExperimentsPanel],
 *   activate: (app, panel: IExperimentsPanel) => {
 *     panel.selection.changed.connect(() => console.log(panel.selection.rows));
 *   }
 * };
 * ```
 */
import { Token } from '@lumino/coreutils';
import type { SmxLabClient } from './api';
import type { ILocationModel, ISelectionModel } from './model';

export { CommandIDs } from './commands';
export type {
  ICrumb,
  ILocationModel,
  ISelectedRow,
  ISelectionModel,
  Level,
  PanelLocation,
  RowKind
} from './model';

/**
 * The REST client of smx-lab's server extension (`{base_url}/smx-lab/api/`): every public method
 * of `SmxLabClient`, one per route, answering the typed records of src/api.ts.
 */
export type ISmxLabClient = Pick<SmxLabClient, keyof SmxLabClient>;

export const ISmxLabClient = new Token<ISmxLabClient>(
  'smx-lab:ISmxLabClient',
  "The REST client of smx-lab's server extension: experiments, trials, trial components, search, metrics, tables and charts."
);

/** The Experiments panel of the left area. */
export interface IExperimentsPanel {
  /** The widget's id, for `app.shell.activateById`. */
  readonly id: string;
  /**
   * Where the panel is (Home, an experiment's trials, a trial's components or the unassigned
   * components): `location.current`, set it to move there; `location.changed` emits each move.
   */
  readonly location: ILocationModel;
  /** The selected rows (`selection.rows`); `selection.changed` emits each change. */
  readonly selection: ISelectionModel;
  /** Loads the current level again from the store. */
  refresh(): void;
}

export const IExperimentsPanel = new Token<IExperimentsPanel>(
  'smx-lab:IExperimentsPanel',
  'The Experiments panel: where it is in the experiment tree, the rows selected in it, and signals when either changes.'
);
