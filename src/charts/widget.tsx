/**
 * The chart tab of a trial component list: several charts, each with its properties pane. It
 * charts the rows of its list's loader: the open list's (a filter there narrows the charts too),
 * or, restored after a reload without its list, a loader of its own. Its state (the list it
 * charts and each chart's properties) comes back after a reload and goes into named views.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import React from 'react';
import { IChartTypeDescription } from '../api';
import { TrialComponentListModel } from '../compare/listModel';
import { ListLoader } from '../compare/loader';
import { MissingNote } from '../compare/MissingNote';
import {
  IChartsState,
  IListState,
  newStateId,
  STATE_VERSION
} from '../compare/state';
import { ErrorState, LoadingState } from '../states';
import type { ISmxLabClient } from '../tokens';
import { ChartCard } from './ChartCard';
import { defaultProperties, IChartProperties } from './chartRequest';

export interface IChartsWidgetOptions {
  client: ISmxLabClient;
  /** The loader of the list whose rows the charts draw. */
  loader: ListLoader;
  /** Whether the tab owns the loader (a restored tab without its list) and disposes of it. */
  ownsLoader?: boolean;
  /** The state of the list charted, as it is now (saved with the charts). */
  listState: () => IListState;
  /** The chart types the server draws, as `GET info` describes them. */
  chartTypes: IChartTypeDescription[];
  chartPoints: number;
  /** The tab's title, already in the user's language. */
  title: string;
  /** The id of a tab saved earlier (a reload, a named view). */
  stateId?: string;
  themeChanged?: ISignal<unknown, unknown>;
  translator?: ITranslator;
}

let chartKeys = 0;

export class ChartsWidget extends ReactWidget {
  /** Stable across reloads: the restorer's name for this tab. */
  readonly stateId: string;
  // A chart added before its list's rows are there waits (null) for what "Add chart" starts with.
  private _charts: { key: number; properties: IChartProperties | null }[] = [];
  private _themeVersion = 0;
  private _translator: ITranslator;
  private _stateChanged = new Signal<this, void>(this);

  constructor(private readonly options: IChartsWidgetOptions) {
    super();
    this._translator = options.translator ?? nullTranslator;
    this.stateId = options.stateId ?? newStateId('charts');
    this.id = `smx-lab-charts-${this.stateId}`;
    this.addClass('smx-ChartsWidget');
    this.title.label = options.title;
    this.title.closable = true;
    options.themeChanged?.connect(this.onThemeChanged, this);
    // The count and the charts' selection follow the list: rendered again on each change.
    options.loader.changed.connect(this.onLoaderChanged, this);
    this.model.changed.connect(this.update, this);
  }

  get model(): TrialComponentListModel {
    return this.options.loader.model;
  }

  get loader(): ListLoader {
    return this.options.loader;
  }

  /** The properties of each chart, in the tab's order. */
  get charts(): IChartProperties[] {
    return this._charts.flatMap(chart =>
      chart.properties ? [chart.properties] : []
    );
  }

  /** Emits when what `state()` answers changes: a chart added, removed or changed. */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  /** What comes back after a reload. */
  state(): IChartsState {
    return {
      version: STATE_VERSION,
      id: this.stateId,
      list: this.options.listState(),
      charts: this.charts
    };
  }

  /**
   * Adds a chart: the given properties, or what "Add chart" starts with (see
   * `defaultProperties`), once the list's rows are there to choose from.
   */
  addChart(initial?: IChartProperties): void {
    this._charts.push({ key: ++chartKeys, properties: initial ?? null });
    this.startCharts();
    this.changed();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.options.themeChanged?.disconnect(this.onThemeChanged, this);
    this.options.loader.changed.disconnect(this.onLoaderChanged, this);
    this.model.changed.disconnect(this.update, this);
    super.dispose();
  }

  private onLoaderChanged(): void {
    this.startCharts();
    this.update();
  }

  /** Gives the charts that wait what "Add chart" starts with, once the list's rows are there. */
  private startCharts(): void {
    const waiting = this._charts.filter(chart => chart.properties === null);
    if (this.options.loader.status !== 'ready' || waiting.length === 0) {
      return;
    }
    for (const chart of waiting) {
      chart.properties = defaultProperties(this.model, this.options.chartTypes);
    }
    this._stateChanged.emit();
  }

  private changed(): void {
    this.update();
    this._stateChanged.emit();
  }

  private onThemeChanged(): void {
    this._themeVersion++;
    this.update();
  }

  protected render(): JSX.Element {
    const translator = this._translator;
    const trans = translator.load('smx_lab');
    const { status, missing } = this.options.loader;
    const note =
      missing.length && this.options.ownsLoader ? (
        <MissingNote
          missing={missing}
          gone={status === 'gone'}
          translator={translator}
        />
      ) : null;
    if (status === 'loading') {
      return (
        <LoadingState
          what={trans.__('trial components')}
          translator={translator}
        />
      );
    }
    if (status !== 'ready' && status !== 'gone') {
      return (
        <ErrorState
          error={status}
          onRetry={() => void this.options.loader.reload()}
          translator={translator}
        />
      );
    }
    const drawable = this.options.chartTypes.length > 0;
    const count = this.model.componentCount;
    return (
      <div className="smx-Charts">
        {note}
        <div className="smx-Charts-toolbar">
          <button
            className="jp-mod-styled jp-mod-accept"
            disabled={!drawable || status === 'gone'}
            onClick={() => this.addChart()}
          >
            {trans.__('Add chart')}
          </button>
          <span className="smx-Charts-count">
            {trans._n('%1 trial component', '%1 trial components', count)}
          </span>
        </div>
        {!drawable && (
          <div className="smx-VegaChart-error" role="alert">
            {trans.__(
              'The server describes no chart types: it may be older than this panel.'
            )}
          </div>
        )}
        {drawable &&
          status === 'ready' &&
          this._charts.map((chart, index) => (
            <ChartCard
              key={chart.key}
              client={this.options.client}
              model={this.model}
              chartTypes={this.options.chartTypes}
              initial={
                chart.properties ??
                defaultProperties(this.model, this.options.chartTypes)
              }
              index={index}
              chartPoints={this.options.chartPoints}
              themeVersion={this._themeVersion}
              translator={translator}
              onChange={properties => {
                chart.properties = properties;
                this._stateChanged.emit();
              }}
              onRemove={() => {
                this._charts = this._charts.filter(c => c !== chart);
                this.changed();
              }}
            />
          ))}
      </div>
    );
  }
}
