/**
 * Plugin wiring only: the REST client, and the Experiments panel with the component views,
 * commands and settings. Both are offered to other extensions (src/tokens.ts).
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  IThemeManager,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReadonlyPartialJSONValue } from '@lumino/coreutils';
import { SmxLabClient } from './api';
import { CommandIDs, registerCommands } from './commands';
import { registerCompare } from './compare/register';
import { ComponentView, IViewSettings } from './details/ComponentView';
import { ITabActions } from './details/tabs';
import { JobsController } from './jobs/controller';
import { registerJobCommands } from './jobs/register';
import { PanelLocation } from './model';
import { ExperimentsPanel } from './sidebar/panel';
import { IExperimentsPanel, ISmxLabClient } from './tokens';

export { beakerIcon } from './icons';
export * from './tokens';

/** The panel's plugin; its id is also the one of its settings (schema/plugin.json). */
const PLUGIN_ID = 'smx-lab:plugin';
/** Where the panel was (Home, an experiment, a trial), kept across reloads. */
const LOCATION_KEY = 'smx-lab:location';

function isLocation(value: unknown): value is PanelLocation {
  const location = value as PanelLocation | null;
  switch (location?.level) {
    case 'experiments':
    case 'unassigned':
      return true;
    case 'trials':
      return typeof location.experiment === 'string';
    case 'components':
      return (
        typeof location.experiment === 'string' &&
        typeof location.trial === 'string'
      );
    default:
      return false;
  }
}

/** The settings of schema/plugin.json, with their defaults. */
interface ISettings extends IViewSettings {
  pageSize: number;
}

const DEFAULT_SETTINGS: ISettings = {
  refreshInterval: 5,
  pageSize: 100,
  chartPoints: 1000
};

function readSettings(settings: ISettingRegistry.ISettings | null): ISettings {
  if (!settings) {
    return DEFAULT_SETTINGS;
  }
  const composite = settings.composite as Partial<ISettings>;
  return {
    refreshInterval:
      composite.refreshInterval ?? DEFAULT_SETTINGS.refreshInterval,
    pageSize: composite.pageSize ?? DEFAULT_SETTINGS.pageSize,
    chartPoints: composite.chartPoints ?? DEFAULT_SETTINGS.chartPoints
  };
}

/** The REST client of the server extension, one for every view of smx-lab and other extensions. */
const clientPlugin: JupyterFrontEndPlugin<ISmxLabClient> = {
  id: 'smx-lab:client',
  description: "The REST client of smx-lab's server extension.",
  autoStart: true,
  provides: ISmxLabClient,
  activate: (): ISmxLabClient => new SmxLabClient()
};

const panelPlugin: JupyterFrontEndPlugin<IExperimentsPanel> = {
  id: PLUGIN_ID,
  description:
    'The Experiments panel: browse and compare machine-learning experiments.',
  autoStart: true,
  requires: [ISmxLabClient],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    IThemeManager,
    IStateDB,
    ITranslator
  ],
  provides: IExperimentsPanel,
  activate: async (
    app: JupyterFrontEnd,
    client: ISmxLabClient,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    themeManager: IThemeManager | null,
    state: IStateDB | null,
    translator: ITranslator | null
  ): Promise<IExperimentsPanel> => {
    translator = translator ?? nullTranslator;
    let current = DEFAULT_SETTINGS;
    const tracker = new WidgetTracker<MainAreaWidget<ComponentView>>({
      namespace: 'smx-lab-component'
    });
    // The SageMaker jobs behind components, where the store offers them.
    const jobs = new JobsController({ client, translator });

    const actions: ITabActions = {
      copy: text => Clipboard.copyToSystem(text),
      openPath: path => {
        void app.commands.execute('docmanager:open', { path });
      },
      reveal: (experiment, trial) => {
        void app.commands.execute(CommandIDs.reveal, { experiment, trial });
      }
    };

    const openComponent = (name: string): void => {
      const open = tracker.find(
        widget => widget.content.componentName === name
      );
      if (open) {
        app.shell.activateById(open.id);
        return;
      }
      const content = new ComponentView({
        client,
        name,
        settings: current,
        actions,
        jobs,
        themeChanged: themeManager?.themeChanged,
        translator
      });
      const widget = new MainAreaWidget({ content });
      widget.id = `smx-lab-component-${encodeURIComponent(name)}`;
      widget.title.label = content.title.label;
      widget.title.icon = content.title.icon;
      widget.title.caption = content.title.caption;
      content.title.changed.connect(() => {
        widget.title.label = content.title.label;
      });
      void tracker.add(widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    };

    const panel = new ExperimentsPanel({
      client,
      openComponent,
      pageSize: current.pageSize,
      translator
    });
    app.shell.add(panel, 'left', { rank: 600 });

    registerCommands({
      app,
      panel,
      openComponent,
      refreshViews: () => tracker.forEach(widget => widget.content.refresh()),
      palette,
      translator
    });
    registerJobCommands({ app, panel, jobs, translator });
    registerCompare({
      app,
      client,
      panel,
      copy: actions.copy,
      chartPoints: () => current.chartPoints,
      themeChanged: themeManager?.themeChanged,
      restorer,
      state,
      palette,
      translator
    });

    if (restorer) {
      restorer.add(panel, panel.id);
      void restorer.restore(tracker, {
        command: CommandIDs.openComponent,
        args: widget => ({ name: widget.content.componentName }),
        name: widget => widget.content.componentName
      });
    }

    if (state) {
      // Not awaited: the state database answers only once the application has restored.
      void app.restored
        .then(() => state.fetch(LOCATION_KEY))
        .then(saved => {
          // Restored before listening, so the restored place is not saved again.
          if (isLocation(saved)) {
            panel.location.current = saved;
          }
        })
        .catch(() => undefined)
        .then(() => {
          panel.location.changed.connect((_, location) => {
            void state.save(
              LOCATION_KEY,
              location as unknown as ReadonlyPartialJSONValue
            );
          });
        });
    }

    if (settingRegistry) {
      try {
        const settings = await settingRegistry.load(PLUGIN_ID);
        const apply = () => {
          current = readSettings(settings);
          panel.pageSize = current.pageSize;
          tracker.forEach(widget => {
            widget.content.settings = current;
          });
        };
        apply();
        settings.changed.connect(apply);
      } catch (reason) {
        console.warn('smx-lab: could not load the settings', reason);
      }
    }
    return panel;
  }
};

export default [clientPlugin, panelPlugin];
