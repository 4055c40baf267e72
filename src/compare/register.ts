/**
 * The compare commands of the sidebar's context menu (open the selection in a trial component
 * list, add a chart of it, copy the selected names) and of the palette (save the list in view as
 * a named view, open or delete one). The lists and chart tabs live in the main area and come back
 * after a page reload: the layout restorer re-runs their restore commands with the state each
 * saved in the state database (src/compare/state.ts).
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  showDialog,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import { IChartTypeDescription } from '../api';
import { IChartProperties } from '../charts/chartRequest';
import { ChartsWidget } from '../charts/widget';
import { CommandIDs } from '../commands';
import { ISelectedRow } from '../model';
import { ExperimentsPanel } from '../sidebar/panel';
import type { ISmxLabClient } from '../tokens';
import { ListLoader } from './loader';
import {
  IListState,
  ISavedView,
  newStateId,
  readChartsState,
  readListState,
  readSavedViews,
  savedViewsJson,
  STATE_VERSION,
  toJson
} from './state';
import { chartsTitle, TrialComponentList } from './widget';

/** Where the named views are kept in the state database. */
export const VIEWS_KEY = 'smx-lab:views';
/** How long after the last change a list or chart tab saves its state (a slider drags many). */
const SAVE_DELAY_MS = 300;

export interface ICompareOptions {
  app: JupyterFrontEnd;
  client: ISmxLabClient;
  panel: ExperimentsPanel;
  copy: (text: string) => void;
  chartPoints: () => number;
  themeChanged?: ISignal<unknown, unknown>;
  /** Brings the lists and chart tabs back after a reload. */
  restorer?: ILayoutRestorer | null;
  /** Keeps the named views (none without it). */
  state?: IStateDB | null;
  palette?: ICommandPalette | null;
  translator?: ITranslator;
}

/** What a named view is made of: a list and its charts. */
interface IViewParts {
  list: IListState;
  charts: IChartProperties[];
  title: string;
}

export function registerCompare(options: ICompareOptions): void {
  const { app, client, panel, copy, restorer, state, palette } = options;
  const { commands, shell } = app;
  const translator = options.translator ?? nullTranslator;
  const trans = translator.load('smx_lab');
  const lists = new WidgetTracker<MainAreaWidget<TrialComponentList>>({
    namespace: 'smx-lab-compare'
  });
  const charts = new WidgetTracker<MainAreaWidget<ChartsWidget>>({
    namespace: 'smx-lab-charts'
  });

  // The chart types the server draws, from `GET info`: asked once, again only after a failure.
  let described: Promise<IChartTypeDescription[]> | null = null;
  const chartTypes = (): Promise<IChartTypeDescription[]> => {
    if (!described) {
      described = client.info().then(info => info.chart_types ?? []);
      described.catch(() => {
        described = null;
      });
    }
    return described;
  };

  // A widget's restore data is written a moment after its last change.
  const timers = new WeakMap<Widget, ReturnType<typeof setTimeout>>();
  const saveSoon = <T extends Widget>(
    tracker: WidgetTracker<T>,
    widget: T
  ): void => {
    clearTimeout(timers.get(widget));
    timers.set(
      widget,
      setTimeout(() => {
        if (!widget.isDisposed) {
          void tracker.save(widget);
        }
      }, SAVE_DELAY_MS)
    );
  };

  /** A chart tab's title: "Charts: " and its list's view name, or the list's first names. */
  const chartsTitleOf = (list: IListState): string =>
    list.title
      ? trans.__('Charts: %1', list.title)
      : chartsTitle(list.selection, translator);

  const chartsOf = (
    loader: ListLoader
  ): MainAreaWidget<ChartsWidget> | undefined =>
    charts.find(widget => widget.content.loader === loader);

  const showInMain = (widget: MainAreaWidget, activate: boolean): void => {
    shell.add(widget, 'main');
    if (activate) {
      shell.activateById(widget.id);
    }
  };

  const openCharts = (
    loader: ListLoader,
    types: IChartTypeDescription[],
    setup: {
      title: string;
      listState: () => IListState;
      ownsLoader?: boolean;
      stateId?: string;
      initial?: IChartProperties[];
      activate?: boolean;
    }
  ): ChartsWidget => {
    const content = new ChartsWidget({
      client,
      loader,
      ownsLoader: setup.ownsLoader,
      listState: setup.listState,
      chartTypes: types,
      chartPoints: options.chartPoints(),
      title: setup.title,
      stateId: setup.stateId,
      themeChanged: options.themeChanged,
      translator
    });
    for (const properties of setup.initial ?? []) {
      content.addChart(properties);
    }
    const widget = new MainAreaWidget({ content });
    widget.id = content.id;
    widget.title.label = content.title.label;
    widget.title.closable = true;
    content.stateChanged.connect(() => saveSoon(charts, widget));
    void charts.add(widget);
    showInMain(widget, setup.activate ?? true);
    return content;
  };

  /** Adds a chart to the list's chart tab, opening the tab if needed. */
  const addChartTo = async (list: TrialComponentList): Promise<void> => {
    let types: IChartTypeDescription[];
    try {
      types = await chartTypes();
    } catch (reason) {
      void showErrorMessage(
        trans.__('Charts could not be opened'),
        reason as Error
      );
      return;
    }
    // Looked for after the wait, so two quick clicks add two charts to one tab.
    const open = chartsOf(list.loader);
    if (open) {
      open.content.addChart();
      shell.activateById(open.id);
      return;
    }
    openCharts(list.loader, types, {
      title: chartsTitleOf(list.state()),
      listState: () => list.state()
    }).addChart();
  };

  const openList = (
    selection: ISelectedRow[],
    restored?: IListState,
    activate = true
  ): TrialComponentList => {
    const content: TrialComponentList = new TrialComponentList({
      client,
      selection,
      copy,
      addChart: () => void addChartTo(content),
      saveView: state ? () => void saveView(listParts(content)) : undefined,
      restored,
      translator
    });
    const widget = new MainAreaWidget({ content });
    widget.id = content.id;
    widget.title.label = content.title.label;
    widget.title.caption = content.title.caption;
    widget.title.closable = true;
    content.stateChanged.connect(() => {
      saveSoon(lists, widget);
      // The chart tab saves the list it charts too.
      const open = chartsOf(content.loader);
      if (open) {
        saveSoon(charts, open);
      }
    });
    void lists.add(widget);
    showInMain(widget, activate);
    return content;
  };

  const openSelection = (): TrialComponentList | null => {
    const selection = panel.selection.rows;
    return selection.length ? openList(selection) : null;
  };

  // --- named views ---------------------------------------------------------------------------

  const views = new Map<string, ISavedView>();
  const viewItems = new Map<string, ReturnType<ICommandPalette['addItem']>>();

  const listParts = (list: TrialComponentList): IViewParts => ({
    list: list.state(),
    charts: chartsOf(list.loader)?.content.charts ?? [],
    title: list.title.label
  });

  /** The list in view (or the list of the chart tab in view), as a named view would keep it. */
  const partsInView = (): IViewParts | null => {
    const current = shell.currentWidget;
    const list = lists.find(widget => widget === current);
    if (list) {
      return listParts(list.content);
    }
    const chart = charts.find(widget => widget === current);
    if (chart) {
      const saved = chart.content.state();
      return {
        list: saved.list,
        charts: saved.charts,
        title: chart.title.label
      };
    }
    return null;
  };

  /** A palette item per named view, and none for a deleted one. */
  const listViewsInPalette = (): void => {
    for (const [name, item] of viewItems) {
      if (!views.has(name)) {
        item.dispose();
        viewItems.delete(name);
      }
    }
    for (const name of views.keys()) {
      if (palette && !viewItems.has(name)) {
        viewItems.set(
          name,
          palette.addItem({
            command: CommandIDs.openView,
            args: { name },
            category: trans.__('Experiments')
          })
        );
      }
    }
  };

  const storeViews = async (): Promise<void> => {
    listViewsInPalette();
    if (state) {
      await state.save(VIEWS_KEY, savedViewsJson(views));
    }
  };

  const saveView = async (parts: IViewParts | null): Promise<void> => {
    if (!parts || !state) {
      return;
    }
    const answer = await InputDialog.getText({
      title: trans.__('Save view'),
      label: trans.__('Name of the view'),
      text: parts.title
    });
    const name = answer.button.accept ? answer.value?.trim() : '';
    if (!name) {
      return;
    }
    if (views.has(name)) {
      const replace = await showDialog({
        title: trans.__('Replace view'),
        body: trans.__('A view named ‘%1’ exists. Replace it?', name),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Replace') })
        ]
      });
      if (!replace.button.accept) {
        return;
      }
    }
    views.set(name, {
      version: STATE_VERSION,
      name,
      list: parts.list,
      charts: parts.charts
    });
    await storeViews();
  };

  const chooseView = async (title: string): Promise<string | null> => {
    const names = [...views.keys()].sort((a, b) => a.localeCompare(b));
    if (names.length === 0) {
      await showDialog({
        title,
        body: trans.__(
          'No saved views yet: open a trial component list and choose Save view….'
        ),
        buttons: [Dialog.okButton({ label: trans.__('OK') })]
      });
      return null;
    }
    const answer = await InputDialog.getItem({
      title,
      label: trans.__('View'),
      items: names
    });
    return answer.button.accept ? answer.value : null;
  };

  /** Opens a named view: its list (a new tab) and, when it had charts, their tab. */
  const openView = async (view: ISavedView): Promise<void> => {
    const list = openList(view.list.selection, {
      ...view.list,
      id: newStateId('list'),
      title: view.name
    });
    if (view.charts.length) {
      let types: IChartTypeDescription[] = [];
      try {
        types = await chartTypes();
      } catch {
        // The tab says the server describes no chart types; the charts stay in its state.
      }
      openCharts(list.loader, types, {
        title: chartsTitleOf(list.state()),
        listState: () => list.state(),
        initial: view.charts
      });
    }
  };

  // --- commands ------------------------------------------------------------------------------

  const hasSelection = () => panel.selection.size > 0;

  commands.addCommand(CommandIDs.openInList, {
    label: trans.__('Open in trial component list'),
    caption: trans.__(
      'Compare the trial components of the selected experiments, trials and components'
    ),
    isEnabled: hasSelection,
    execute: () => {
      openSelection();
    }
  });

  commands.addCommand(CommandIDs.addChart, {
    label: trans.__('Add chart'),
    caption: trans.__('Chart the trial components of the selection'),
    isEnabled: hasSelection,
    execute: async () => {
      const list = openSelection();
      if (list) {
        await list.ready;
        await addChartTo(list);
      }
    }
  });

  commands.addCommand(CommandIDs.copyName, {
    label: trans.__('Copy name'),
    caption: trans.__('Copy the names of the selected rows'),
    isEnabled: hasSelection,
    execute: () => {
      copy(panel.selection.rows.map(row => row.name).join('\n'));
    }
  });

  commands.addCommand(CommandIDs.restoreList, {
    label: trans.__('Restore a trial component list'),
    execute: args => {
      const saved = readListState(args);
      if (!saved) {
        throw new Error('smx-lab: no trial component list in the restore data');
      }
      openList(saved.selection, saved, false);
    }
  });

  commands.addCommand(CommandIDs.restoreCharts, {
    label: trans.__('Restore a chart tab'),
    execute: async args => {
      const saved = readChartsState(args);
      if (!saved) {
        throw new Error('smx-lab: no chart tab in the restore data');
      }
      // Its list, if it came back too; else a loader of its own, on the list as it was saved.
      const list = lists.find(
        widget => widget.content.stateId === saved.list.id
      )?.content;
      const loader =
        list?.loader ??
        new ListLoader(client, saved.list.selection, saved.list);
      let types: IChartTypeDescription[] = [];
      try {
        types = await chartTypes();
      } catch {
        // The tab says the server describes no chart types; the charts stay in its state.
      }
      openCharts(loader, types, {
        title: chartsTitleOf(saved.list),
        listState: list ? () => list.state() : () => saved.list,
        ownsLoader: !list,
        stateId: saved.id,
        initial: saved.charts,
        activate: false
      });
    }
  });

  commands.addCommand(CommandIDs.saveView, {
    label: trans.__('Save trial component list as a view…'),
    caption: trans.__(
      'Keep the list in view (its selection, columns, aggregation and charts) under a name'
    ),
    isEnabled: () => !!state && partsInView() !== null,
    execute: () => saveView(partsInView())
  });

  commands.addCommand(CommandIDs.openView, {
    label: args =>
      args.name
        ? trans.__('Open view: %1', args.name as string)
        : trans.__('Open a saved view…'),
    caption: trans.__('Open a trial component list saved as a view'),
    isEnabled: () => !!state,
    execute: async args => {
      const name =
        (args.name as string | undefined) ??
        (await chooseView(trans.__('Open a saved view')));
      const view = name ? views.get(name) : undefined;
      if (view) {
        await openView(view);
      }
    }
  });

  commands.addCommand(CommandIDs.deleteView, {
    label: trans.__('Delete a saved view…'),
    isEnabled: () => !!state,
    execute: async () => {
      const name = await chooseView(trans.__('Delete a saved view'));
      if (name && views.delete(name)) {
        await storeViews();
      }
    }
  });

  if (palette) {
    for (const command of [
      CommandIDs.saveView,
      CommandIDs.openView,
      CommandIDs.deleteView
    ]) {
      palette.addItem({ command, category: trans.__('Experiments') });
    }
  }

  if (restorer) {
    const args = (widget: MainAreaWidget<TrialComponentList | ChartsWidget>) =>
      toJson(widget.content.state()) as ReadonlyPartialJSONObject;
    void restorer.restore(lists, {
      command: CommandIDs.restoreList,
      args,
      name: widget => widget.content.stateId
    });
    void restorer.restore(charts, {
      command: CommandIDs.restoreCharts,
      args,
      name: widget => widget.content.stateId
    });
  }

  if (state) {
    // The state database answers once the application has restored.
    void app.restored
      .then(() => state.fetch(VIEWS_KEY))
      .then(saved => {
        for (const [name, view] of readSavedViews(saved)) {
          views.set(name, view);
        }
        listViewsInPalette();
      })
      .catch(reason => console.warn('smx-lab: no saved views', reason));
  }
}
