/** The chart tab of a trial component list: several charts, each with its properties pane. */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import React from 'react';
import { IChartTypeDescription } from '../api';
import { TrialComponentListModel } from '../compare/listModel';
import type { ISmxLabClient } from '../tokens';
import { ChartCard } from './ChartCard';
import { defaultProperties, IChartProperties } from './chartRequest';

export interface IChartsWidgetOptions {
  client: ISmxLabClient;
  model: TrialComponentListModel;
  /** The chart types the server draws, as `GET info` describes them. */
  chartTypes: IChartTypeDescription[];
  chartPoints: number;
  /** The tab's title, already in the user's language. */
  title: string;
  themeChanged?: ISignal<unknown, unknown>;
  translator?: ITranslator;
}

let counter = 0;
let chartKeys = 0;

export class ChartsWidget extends ReactWidget {
  private _charts: { key: number; initial: IChartProperties }[] = [];
  private _themeVersion = 0;
  private _translator: ITranslator;

  constructor(private readonly options: IChartsWidgetOptions) {
    super();
    this._translator = options.translator ?? nullTranslator;
    this.id = `smx-lab-charts-${++counter}`;
    this.addClass('smx-ChartsWidget');
    this.title.label = options.title;
    this.title.closable = true;
    options.themeChanged?.connect(this.onThemeChanged, this);
    // The count and the charts' selection follow the list: rendered again on each change.
    options.model.changed.connect(this.update, this);
  }

  get model(): TrialComponentListModel {
    return this.options.model;
  }

  /** Adds a chart: the default scatter, or the given properties. */
  addChart(initial?: IChartProperties): void {
    this._charts.push({
      key: ++chartKeys,
      initial:
        initial ??
        defaultProperties(this.options.model, this.options.chartTypes)
    });
    this.update();
  }

  dispose(): void {
    this.options.themeChanged?.disconnect(this.onThemeChanged, this);
    this.options.model.changed.disconnect(this.update, this);
    super.dispose();
  }

  private onThemeChanged(): void {
    this._themeVersion++;
    this.update();
  }

  protected render(): JSX.Element {
    const translator = this._translator;
    const trans = translator.load('smx_lab');
    const drawable = this.options.chartTypes.length > 0;
    const count = this.options.model.rows.length;
    return (
      <div className="smx-Charts">
        <div className="smx-Charts-toolbar">
          <button
            className="jp-mod-styled jp-mod-accept"
            disabled={!drawable}
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
          this._charts.map((chart, index) => (
            <ChartCard
              key={chart.key}
              client={this.options.client}
              model={this.options.model}
              chartTypes={this.options.chartTypes}
              initial={chart.initial}
              index={index}
              chartPoints={this.options.chartPoints}
              themeVersion={this._themeVersion}
              translator={translator}
              onRemove={() => {
                this._charts = this._charts.filter(c => c !== chart);
                this.update();
              }}
            />
          ))}
      </div>
    );
  }
}
