/**
 * One chart of a chart tab: its Chart properties pane, the spec the server builds for them,
 * rendered by the shared VegaChart, exports (PNG, SVG, data CSV) and zoom that asks again.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';
import type { View } from 'vega';
import { ApiError, IChartTypeDescription, VegaLiteSpec } from '../api';
import { downloadText, downloadUrl } from '../compare/csv';
import { TrialComponentListModel } from '../compare/listModel';
import { VegaChart } from '../details/VegaChart';
import type { ISmxLabClient } from '../tokens';
import {
  Band,
  ChartType,
  chartRequest,
  columnOptions,
  DataType,
  dataTypeOf,
  describe,
  grouped,
  groupByOptions,
  IChartProperties,
  IColumnOption,
  listGrouping,
  MAX_CHART_GROUP_BY,
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
  /** Told each change of the chart's properties (the tab saves them). */
  onChange?: (properties: IChartProperties) => void;
  translator?: ITranslator;
}

export function ChartCard(props: IChartCardProps): JSX.Element {
  const { client, model, chartTypes, chartPoints, index, translator } = props;
  const trans = useMemo(
    () => (translator ?? nullTranslator).load('smx_lab'),
    [translator]
  );
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
    xRange,
    baseline: listGrouping(model).baseline
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
    const changed = { ...properties, ...change };
    setXRange(null);
    setProperties(changed);
    props.onChange?.(changed);
  };
  const exportImage = async (type: 'png' | 'svg') => {
    if (view.current) {
      downloadUrl(
        await view.current.toImageURL(type, 2),
        `chart-${index + 1}.${type}`
      );
    }
  };
  const note = spec ? reductionNote(spec, translator) : null;
  // The chart type's label is the server's, as it sends it.
  const label = description?.label ?? properties.chartType;
  return (
    <section
      className="smx-ChartCard"
      aria-label={trans.__('Chart %1', index + 1)}
      data-chart-type={properties.chartType}
      data-data-type={request.data_type}
      aria-busy={!error && drawnKey !== requestKey}
    >
      <div className="smx-ChartCard-main">
        <div className="smx-ChartCard-toolbar">
          <span className="smx-ChartCard-title">
            {trans.__('Chart %1: %2', index + 1, label)}
          </span>
          {note && <span className="smx-ChartCard-note">{note}</span>}
          {xRange && (
            <button className="jp-mod-styled" onClick={() => setXRange(null)}>
              {trans.__('Reset zoom')}
            </button>
          )}
          <button
            className="jp-mod-styled"
            disabled={!spec}
            onClick={() => void exportImage('png')}
          >
            {trans.__('Export PNG')}
          </button>
          <button
            className="jp-mod-styled"
            disabled={!spec}
            onClick={() => void exportImage('svg')}
          >
            {trans.__('Export SVG')}
          </button>
          <button
            className="jp-mod-styled"
            disabled={!spec}
            onClick={() =>
              spec && downloadText(chartDataCsv(spec), `chart-${index + 1}.csv`)
            }
          >
            {trans.__('Export data CSV')}
          </button>
          <button
            className="jp-mod-styled"
            aria-label={trans.__('Remove chart %1', index + 1)}
            onClick={props.onRemove}
          >
            {trans.__('Remove')}
          </button>
        </div>
        {error ? (
          <div className="smx-VegaChart-error" role="alert">
            {trans.__('The chart could not be made: %1', error)}
          </div>
        ) : spec ? (
          <VegaChart
            spec={spec}
            themeVersion={props.themeVersion}
            label={trans.__('%1 chart', label)}
            onView={onView}
            translator={translator}
          />
        ) : (
          <div className="smx-MetricChart-loading">
            {trans.__('Loading the chart…')}
          </div>
        )}
      </div>
      <ChartProperties
        model={model}
        chartTypes={chartTypes}
        properties={properties}
        onChange={update}
        translator={translator}
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

/** A data type's name in the user's language. */
function dataTypeLabel(dataType: DataType, trans: TranslationBundle): string {
  switch (dataType) {
    case 'time_series':
      return trans.__('Time series');
    case 'summary':
      return trans.__('Summary statistics');
    default:
      return dataType;
  }
}

function ChartProperties(props: {
  model: TrialComponentListModel;
  chartTypes: IChartTypeDescription[];
  properties: IChartProperties;
  onChange: (change: Partial<IChartProperties>) => void;
  translator?: ITranslator;
}): JSX.Element {
  const { model, chartTypes, properties, onChange, translator } = props;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const options = columnOptions(model, translator);
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
    <aside
      className="smx-ChartProperties"
      aria-label={trans.__('Chart properties')}
    >
      <h3 className="smx-Details-sectionTitle">
        {trans.__('Chart properties')}
      </h3>
      <Picker
        label={trans.__('Data type')}
        value={dataTypeOf(properties, description)}
        options={show.dataTypes.map(dataType => ({
          value: dataType,
          label: dataTypeLabel(dataType, trans)
        }))}
        // A chart type that draws one data type offers no choice.
        disabled={show.dataTypes.length < 2}
        onChange={value => onChange({ dataType: value as DataType })}
      />
      <Picker
        label={trans.__('Chart type')}
        value={chartType}
        options={chartTypes.map(t => ({ value: t.chart_type, label: t.label }))}
        onChange={value => onChange({ chartType: value as ChartType })}
      />
      {show.metric && (
        <Picker
          label={trans.__('Metric')}
          value={properties.metric}
          options={metrics}
          allowNone={trans.__('Every metric')}
          onChange={value => onChange({ metric: value })}
        />
      )}
      {show.xAxis && (
        <Picker
          label={trans.__('X axis')}
          value={properties.xAxis}
          options={[
            { value: 'step', label: trans.__('Step') },
            { value: 'time', label: trans.__('Wall time') },
            { value: 'relative_time', label: trans.__('Relative time') }
          ]}
          onChange={value => onChange({ xAxis: value as XAxisChoice })}
        />
      )}
      {show.x && (
        <Picker
          label={trans.__('X')}
          value={properties.x}
          options={options}
          // An x the chart does without (a bar's) may be left out: a bar per component.
          allowNone={
            required.includes('x') ? undefined : trans.__('Each component')
          }
          onChange={value => onChange({ x: value })}
        />
      )}
      {show.y && (
        <Picker
          label={trans.__('Y')}
          value={properties.y}
          options={yOptions}
          onChange={value => onChange({ y: value })}
        />
      )}
      {show.groupBy && (
        <GroupByPicker
          value={properties.groupBy ?? []}
          options={groupByOptions(model, translator)}
          onChange={groupBy => onChange({ groupBy })}
          trans={trans}
        />
      )}
      {show.band && (
        <Picker
          label={trans.__('Band')}
          value={properties.band ?? 'std'}
          options={[
            { value: 'std', label: trans.__('Mean ± std') },
            { value: 'minmax', label: trans.__('Min – max') }
          ]}
          onChange={value => onChange({ band: value as Band })}
        />
      )}
      {show.color && (
        <Picker
          label={trans.__('Color')}
          value={grouped(properties) && show.groupBy ? '' : properties.color}
          options={options}
          allowNone={
            grouped(properties) && show.groupBy
              ? trans.__('By group')
              : trans.__('By component')
          }
          // a grouped chart is coloured by its group
          disabled={grouped(properties) && show.groupBy}
          onChange={value => onChange({ color: value })}
        />
      )}
      {show.smoothing && (
        <label className="smx-ChartProperties-field">
          <span>
            {trans.__('Smoothing (%1)', properties.smoothing.toFixed(2))}
          </span>
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
          {trans.__('Log y')}
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
          {trans.__('Ignore outliers')}
        </label>
      )}
      {show.bins && (
        <label className="smx-ChartProperties-field">
          <span>{trans.__('Bins')}</span>
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

/**
 * The columns a chart groups by, in order: each a button that removes it, and a picker that adds
 * one more (at most three).
 */
function GroupByPicker(props: {
  value: string[];
  options: IColumnOption[];
  onChange: (groupBy: string[]) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { value, options, onChange, trans } = props;
  const labelOf = (column: string): string =>
    options.find(option => option.value === column)?.label ?? column;
  const full = value.length >= MAX_CHART_GROUP_BY;
  return (
    <div
      className="smx-ChartProperties-field"
      role="group"
      aria-label={trans.__('Group by')}
    >
      <span>{trans.__('Group by')}</span>
      {value.map(column => (
        <button
          key={column}
          className="jp-mod-styled"
          title={trans.__('Stop grouping by %1', labelOf(column))}
          aria-label={trans.__('Stop grouping by %1', labelOf(column))}
          onClick={() => onChange(value.filter(one => one !== column))}
        >
          {`${labelOf(column)} ×`}
        </button>
      ))}
      <select
        className="jp-mod-styled"
        aria-label={
          value.length ? trans.__('Then group by') : trans.__('Group by')
        }
        value=""
        disabled={full}
        onChange={event =>
          event.target.value && onChange([...value, event.target.value])
        }
      >
        <option value="">
          {full
            ? trans.__('At most %1 columns', MAX_CHART_GROUP_BY)
            : value.length
              ? trans.__('Then by…')
              : trans.__('Not grouped')}
        </option>
        {options
          .filter(option => !value.includes(option.value))
          .map(option => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
      </select>
    </div>
  );
}
