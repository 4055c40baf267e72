/**
 * One chart of a chart tab: its Chart properties pane, the spec the server builds for them,
 * rendered by the shared VegaChart, exports (PNG, SVG, data CSV) and zoom that asks again.
 */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import type { View } from 'vega';
import { ApiError, IChartTypeDescription, VegaLiteSpec } from '../api';
import { downloadText, downloadUrl } from '../compare/csv';
import { TrialComponentListModel } from '../compare/listModel';
import { VegaChart } from '../details/VegaChart';
import type { ISmxLabClient } from '../tokens';
import {
  ChartType,
  chartRequest,
  columnOptions,
  DataType,
  dataTypeOf,
  describe,
  IChartProperties,
  metricNames,
  pickersOf,
  requiredOf,
  XAxisChoice
} from './chartRequest';
import { chartDataCsv, reductionNote, zoomOf, zoomRange } from './usermeta';

/** Quiet time after the last wheel or drag before the server is asked for the zoomed range. */
const ZOOM_DELAY_MS = 400;

export interface IChartCardProps {
  client: ISmxLabClient;
  model: TrialComponentListModel;
  /** The chart types the server draws, as `GET info` describes them. */
  chartTypes: IChartTypeDescription[];
  initial: IChartProperties;
  index: number;
  chartPoints: number;
  themeVersion: number;
  onRemove: () => void;
}

export function ChartCard(props: IChartCardProps): JSX.Element {
  const { client, model, chartTypes, chartPoints, index } = props;
  const [properties, setProperties] = useState(props.initial);
  const [xRange, setXRange] = useState<[number, number] | null>(null);
  const [spec, setSpec] = useState<VegaLiteSpec | null>(null);
  // The request whose spec is drawn: until it is the current one, the chart is busy.
  const specKey = useRef('');
  const [drawnKey, setDrawnKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const view = useRef<View | null>(null);
  const description = describe(chartTypes, properties.chartType);
  const request = chartRequest(properties, description, model.selection, {
    maxPoints: chartPoints,
    xRange
  });
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    client.chart(JSON.parse(requestKey)).then(
      answer => {
        if (!cancelled) {
          specKey.current = requestKey;
          setSpec(answer);
        }
      },
      reason => {
        if (!cancelled) {
          setSpec(null);
          setError(
            reason instanceof ApiError ? reason.message : String(reason)
          );
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [client, requestKey]);

  const zoom = spec ? zoomOf(spec) : null;
  const onView = useCallback(
    (rendered: View | null) => {
      view.current = rendered;
      if (rendered) {
        setDrawnKey(specKey.current);
      }
      if (!rendered || !zoom) {
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      rendered.addSignalListener(zoom.param, (_name, value) => {
        clearTimeout(timer);
        const range = zoomRange(value, zoom.factor);
        if (range) {
          timer = setTimeout(() => setXRange(range), ZOOM_DELAY_MS);
        }
      });
    },
    [zoom?.param, zoom?.factor]
  );

  const update = (change: Partial<IChartProperties>) => {
    setXRange(null);
    setProperties({ ...properties, ...change });
  };
  const exportImage = async (type: 'png' | 'svg') => {
    if (view.current) {
      downloadUrl(
        await view.current.toImageURL(type, 2),
        `chart-${index + 1}.${type}`
      );
    }
  };
  const note = spec ? reductionNote(spec) : null;
  const label = description?.label ?? properties.chartType;
  return (
    <section
      className="smx-ChartCard"
      aria-label={`Chart ${index + 1}`}
      data-chart-type={properties.chartType}
      data-data-type={request.data_type}
      aria-busy={!error && drawnKey !== requestKey}
    >
      <div className="smx-ChartCard-main">
        <div className="smx-ChartCard-toolbar">
          <span className="smx-ChartCard-title">
            Chart {index + 1}: {label}
          </span>
          {note && <span className="smx-ChartCard-note">{note}</span>}
          {xRange && (
            <button className="jp-mod-styled" onClick={() => setXRange(null)}>
              Reset zoom
            </button>
          )}
          <button
            className="jp-mod-styled"
            disabled={!spec}
            onClick={() => void exportImage('png')}
          >
            Export PNG
          </button>
          <button
            className="jp-mod-styled"
            disabled={!spec}
            onClick={() => void exportImage('svg')}
          >
            Export SVG
          </button>
          <button
            className="jp-mod-styled"
            disabled={!spec}
            onClick={() =>
              spec && downloadText(chartDataCsv(spec), `chart-${index + 1}.csv`)
            }
          >
            Export data CSV
          </button>
          <button
            className="jp-mod-styled"
            aria-label={`Remove chart ${index + 1}`}
            onClick={props.onRemove}
          >
            Remove
          </button>
        </div>
        {error ? (
          <div className="smx-VegaChart-error" role="alert">
            The chart could not be made: {error}
          </div>
        ) : spec ? (
          <VegaChart
            spec={spec}
            themeVersion={props.themeVersion}
            label={`${label} chart`}
            onView={onView}
          />
        ) : (
          <div className="smx-MetricChart-loading">Loading the chart…</div>
        )}
      </div>
      <ChartProperties
        model={model}
        chartTypes={chartTypes}
        properties={properties}
        onChange={update}
      />
    </section>
  );
}

function Picker(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
  allowNone?: string;
  disabled?: boolean;
}): JSX.Element {
  return (
    <label className="smx-ChartProperties-field">
      <span>{props.label}</span>
      <select
        className="jp-mod-styled"
        aria-label={props.label}
        value={props.value}
        disabled={props.disabled}
        onChange={event => props.onChange(event.target.value)}
      >
        {props.allowNone !== undefined && (
          <option value="">{props.allowNone}</option>
        )}
        {props.options.map(option => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const DATA_TYPE_LABELS: Record<DataType, string> = {
  time_series: 'Time series',
  summary: 'Summary statistics'
};

function ChartProperties(props: {
  model: TrialComponentListModel;
  chartTypes: IChartTypeDescription[];
  properties: IChartProperties;
  onChange: (change: Partial<IChartProperties>) => void;
}): JSX.Element {
  const { model, chartTypes, properties, onChange } = props;
  const options = columnOptions(model);
  const numeric = options.filter(option => option.numeric);
  const metrics = metricNames(model).map(m => ({ value: m, label: m }));
  const description = describe(chartTypes, properties.chartType);
  const show = pickersOf(properties, description);
  const required = requiredOf(description, dataTypeOf(properties, description));
  const chartType = properties.chartType;
  // y needs numbers (importance: a metric statistic); x and color take any column.
  const yOptions =
    chartType === 'importance'
      ? numeric.filter(o => o.value.startsWith('metrics.'))
      : numeric;
  return (
    <aside className="smx-ChartProperties" aria-label="Chart properties">
      <h3 className="smx-Details-sectionTitle">Chart properties</h3>
      <Picker
        label="Data type"
        value={dataTypeOf(properties, description)}
        options={show.dataTypes.map(dataType => ({
          value: dataType,
          label: DATA_TYPE_LABELS[dataType] ?? dataType
        }))}
        // A chart type that draws one data type offers no choice.
        disabled={show.dataTypes.length < 2}
        onChange={value => onChange({ dataType: value as DataType })}
      />
      <Picker
        label="Chart type"
        value={chartType}
        options={chartTypes.map(t => ({ value: t.chart_type, label: t.label }))}
        onChange={value => onChange({ chartType: value as ChartType })}
      />
      {show.metric && (
        <Picker
          label="Metric"
          value={properties.metric}
          options={metrics}
          allowNone="Every metric"
          onChange={value => onChange({ metric: value })}
        />
      )}
      {show.xAxis && (
        <Picker
          label="X axis"
          value={properties.xAxis}
          options={[
            { value: 'step', label: 'Step' },
            { value: 'time', label: 'Wall time' },
            { value: 'relative_time', label: 'Relative time' }
          ]}
          onChange={value => onChange({ xAxis: value as XAxisChoice })}
        />
      )}
      {show.x && (
        <Picker
          label="X"
          value={properties.x}
          options={options}
          // An x the chart does without (a bar's) may be left out: a bar per component.
          allowNone={required.includes('x') ? undefined : 'Each component'}
          onChange={value => onChange({ x: value })}
        />
      )}
      {show.y && (
        <Picker
          label="Y"
          value={properties.y}
          options={yOptions}
          onChange={value => onChange({ y: value })}
        />
      )}
      {show.color && (
        <Picker
          label="Color"
          value={properties.color}
          options={options}
          allowNone="By component"
          onChange={value => onChange({ color: value })}
        />
      )}
      {show.smoothing && (
        <label className="smx-ChartProperties-field">
          <span>Smoothing ({properties.smoothing.toFixed(2)})</span>
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={properties.smoothing}
            onChange={event =>
              onChange({ smoothing: Number(event.target.value) })
            }
          />
        </label>
      )}
      {show.logY && (
        <label className="smx-ChartProperties-check">
          <input
            type="checkbox"
            checked={properties.logY}
            onChange={event => onChange({ logY: event.target.checked })}
          />
          Log y
        </label>
      )}
      {show.ignoreOutliers && (
        <label className="smx-ChartProperties-check">
          <input
            type="checkbox"
            checked={properties.ignoreOutliers}
            onChange={event =>
              onChange({ ignoreOutliers: event.target.checked })
            }
          />
          Ignore outliers
        </label>
      )}
      {show.bins && (
        <label className="smx-ChartProperties-field">
          <span>Bins</span>
          <input
            className="jp-mod-styled"
            type="number"
            min={1}
            max={200}
            value={properties.bins}
            onChange={event =>
              onChange({
                bins: Math.max(
                  1,
                  Math.min(200, Number(event.target.value) || 1)
                )
              })
            }
          />
        </label>
      )}
    </aside>
  );
}
