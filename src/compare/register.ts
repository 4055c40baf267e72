/**
 * The compare commands of the sidebar's context menu: open the selection in a trial component
 * list, add a chart of it, copy the selected names. The widgets live in the main area.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  MainAreaWidget,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ISignal } from '@lumino/signaling';
import { IChartTypeDescription } from '../api';
import { ChartsWidget } from '../charts/widget';
import { CommandIDs } from '../commands';
import { ISelectedRow } from '../model';
import { ExperimentsPanel } from '../sidebar/panel';
import type { ISmxLabClient } from '../tokens';
import { TrialComponentListModel } from './listModel';
import { chartsTitle, TrialComponentList } from './widget';

export interface ICompareOptions {
  app: JupyterFrontEnd;
  client: ISmxLabClient;
  panel: ExperimentsPanel;
  copy: (text: string) => void;
  chartPoints: () => number;
  themeChanged?: ISignal<unknown, unknown>;
  translator?: ITranslator;
}

export function registerCompare(options: ICompareOptions): void {
  const { app, client, panel, copy } = options;
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

  const openCharts = async (
    model: TrialComponentListModel,
    selection: ISelectedRow[]
  ): Promise<void> => {
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
    const open = charts.find(widget => widget.content.model === model);
    if (open) {
      open.content.addChart();
      shell.activateById(open.id);
      return;
    }
    const content = new ChartsWidget({
      client,
      model,
      chartTypes: types,
      chartPoints: options.chartPoints(),
      title: chartsTitle(selection, translator),
      themeChanged: options.themeChanged,
      translator
    });
    content.addChart();
    const widget = new MainAreaWidget({ content });
    widget.id = content.id;
    widget.title.label = content.title.label;
    widget.title.closable = true;
    void charts.add(widget);
    shell.add(widget, 'main');
    shell.activateById(widget.id);
  };

  const openList = (): TrialComponentList | null => {
    const selection = panel.selection.rows;
    if (selection.length === 0) {
      return null;
    }
    const content: TrialComponentList = new TrialComponentList({
      client,
      selection,
      copy,
      addChart: model => void openCharts(model, content.selection),
      translator
    });
    const widget = new MainAreaWidget({ content });
    widget.id = content.id;
    widget.title.label = content.title.label;
    widget.title.caption = content.title.caption;
    widget.title.closable = true;
    void lists.add(widget);
    shell.add(widget, 'main');
    shell.activateById(widget.id);
    return content;
  };

  const hasSelection = () => panel.selection.size > 0;

  commands.addCommand(CommandIDs.openInList, {
    label: trans.__('Open in trial component list'),
    caption: trans.__(
      'Compare the trial components of the selected experiments, trials and components'
    ),
    isEnabled: hasSelection,
    execute: () => {
      openList();
    }
  });

  commands.addCommand(CommandIDs.addChart, {
    label: trans.__('Add chart'),
    caption: trans.__('Chart the trial components of the selection'),
    isEnabled: hasSelection,
    execute: async () => {
      const list = openList();
      if (list) {
        await list.ready;
        await openCharts(list.model, list.selection);
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
}
