/**
 * The Metrics tab: the summary of every metric (Min, Max, Avg, StdDev, Last, Count, kept by the
 * store as points arrive) and a line chart per metric by step or by time. The chart specs come
 * from the server's `chart` route, the one definition of a line chart that the magics share.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import React, { useEffect, useMemo, useState } from 'react';
import {
  ApiError,
  ITrialComponent,
  SUMMARY_STATISTICS,
  VegaLiteSpec,
  XAxis
} from '../api';
import { formatNumber, statisticLabel } from '../format';
import type { ISmxLabClient } from '../tokens';
import { VegaChart } from './VegaChart';

export interface IMetricsTabProps {
  client: ISmxLabClient;
  component: ITrialComponent;
  chartPoints: number;
  /** Changes on every refresh of the component: the charts ask the server again. */
  version: number;
  themeVersion: number;
  translator?: ITranslator;
}

export function MetricsTab(props: IMetricsTabProps): JSX.Element {
  const { client, component, chartPoints, version, themeVersion, translator } =
    props;
  const trans = useMemo(
    () => (translator ?? nullTranslator).load('smx_lab'),
    [translator]
  );
  const [xAxis, setXAxis] = useState<XAxis>('step');
  const metrics = component.Metrics ?? [];
  if (metrics.length === 0) {
    return (
      <div className="smx-Details-empty">
        {trans.__('This trial component has no metrics yet.')}
      </div>
    );
  }
  return (
    <div className="smx-MetricsTab">
      {/* A table where it fits; in a narrow main area a block per metric (style/base.css).
          The roles are explicit: a table laid out as a grid keeps them. */}
      <div className="smx-MetricsTab-summary">
        <table className="smx-Details-table smx-MetricsTable" role="table">
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                {trans.__('Metric')}
              </th>
              {SUMMARY_STATISTICS.map(statistic => (
                <th
                  scope="col"
                  role="columnheader"
                  key={statistic}
                  className="smx-u-number"
                >
                  {statisticLabel(statistic, trans)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody role="rowgroup">
            {metrics.map(metric => (
              <tr
                key={metric.MetricName}
                role="row"
                data-metric={metric.MetricName}
              >
                <td role="cell" className="smx-MetricsTable-name">
                  {metric.MetricName}
                </td>
                {SUMMARY_STATISTICS.map(statistic => (
                  <td
                    key={statistic}
                    role="cell"
                    className="smx-u-number"
                    data-label={statisticLabel(statistic, trans)}
                  >
                    {formatNumber(metric[statistic])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="smx-MetricsTab-chartsHeader">
        <h3 className="smx-Details-sectionTitle">{trans.__('Charts')}</h3>
        <div
          className="smx-SegmentedControl"
          role="radiogroup"
          aria-label={trans.__('X axis')}
        >
          {(['step', 'time'] as XAxis[]).map(axis => (
            <button
              key={axis}
              role="radio"
              aria-checked={xAxis === axis}
              className={xAxis === axis ? 'smx-mod-active' : ''}
              onClick={() => setXAxis(axis)}
            >
              {axis === 'step' ? trans.__('Step') : trans.__('Time')}
            </button>
          ))}
        </div>
      </div>
      <div className="smx-MetricsTab-charts">
        {metrics.map(metric => (
          <MetricChart
            key={metric.MetricName}
            client={client}
            component={component.TrialComponentName}
            metric={metric.MetricName}
            xAxis={xAxis}
            chartPoints={chartPoints}
            version={version}
            themeVersion={themeVersion}
            translator={translator}
            trans={trans}
          />
        ))}
      </div>
    </div>
  );
}

function MetricChart(props: {
  client: ISmxLabClient;
  component: string;
  metric: string;
  xAxis: XAxis;
  chartPoints: number;
  version: number;
  themeVersion: number;
  translator?: ITranslator;
  trans: TranslationBundle;
}): JSX.Element {
  const { client, component, metric, xAxis, chartPoints, version, trans } =
    props;
  const [spec, setSpec] = useState<VegaLiteSpec | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    client
      .chart({
        chart_type: 'line',
        data_type: 'time_series',
        selection: { components: [component] },
        metrics: [metric],
        x_axis: xAxis,
        max_points: chartPoints,
        title: metric
      })
      .then(
        answer => {
          if (!cancelled) {
            setSpec(answer);
            setError(null);
          }
        },
        reason => {
          if (!cancelled) {
            setError(
              reason instanceof ApiError ? reason.message : String(reason)
            );
          }
        }
      );
    return () => {
      cancelled = true;
    };
  }, [client, component, metric, xAxis, chartPoints, version]);
  return (
    <div className="smx-MetricChart" data-metric={metric}>
      {error ? (
        <div className="smx-VegaChart-error" role="alert">
          {trans.__('The chart of %1 could not be loaded: %2', metric, error)}
        </div>
      ) : spec ? (
        <VegaChart
          spec={spec}
          themeVersion={props.themeVersion}
          label={
            xAxis === 'step'
              ? trans.__('%1 by step', metric)
              : trans.__('%1 by time', metric)
          }
          translator={props.translator}
        />
      ) : (
        <div className="smx-MetricChart-loading">
          {trans.__('Loading %1…', metric)}
        </div>
      )}
    </div>
  );
}
