/**
 * What a spec from the server tells the panel (`usermeta.smx_lab`, see docs/charts.md): the
 * reduction of its series, its zoom parameter, and the real names of its short data fields.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { VegaLiteSpec } from '../api';
import { toCsv } from '../compare/csv';

interface ISeriesMeta {
  raw_count: number;
  points: number;
  reduced: boolean;
}

interface ISmxMeta {
  series?: ISeriesMeta[];
  fields?: Record<string, unknown>;
  zoom?: { param: string; x_range_factor: number };
}

function meta(spec: VegaLiteSpec): ISmxMeta {
  const usermeta = spec.usermeta as { smx_lab?: ISmxMeta } | undefined;
  return usermeta?.smx_lab ?? {};
}

/** "12,000 points reduced to 900", or null when the server drew every point. */
export function reductionNote(
  spec: VegaLiteSpec,
  translator?: ITranslator
): string | null {
  const series = meta(spec).series ?? [];
  if (!series.some(item => item.reduced)) {
    return null;
  }
  const raw = series.reduce((sum, item) => sum + item.raw_count, 0);
  const drawn = series.reduce((sum, item) => sum + item.points, 0);
  const trans = (translator ?? nullTranslator).load('smx_lab');
  return trans.__(
    '%1 points reduced to %2',
    raw.toLocaleString(),
    drawn.toLocaleString()
  );
}

/** The selection parameter whose x extent asks the server again, and its unit factor. */
export function zoomOf(
  spec: VegaLiteSpec
): { param: string; factor: number } | null {
  const zoom = meta(spec).zoom;
  return zoom ? { param: zoom.param, factor: zoom.x_range_factor } : null;
}

/**
 * The x range to ask the server for, from the zoom selection's value (`{<field>: [low, high]}` in
 * the spec's units), or null when it is no range.
 */
export function zoomRange(
  value: unknown,
  factor: number
): [number, number] | null {
  const extent = Object.values((value ?? {}) as Record<string, unknown>)[0];
  if (!Array.isArray(extent) || extent.length !== 2) {
    return null;
  }
  const low = Number(extent[0]) * factor;
  const high = Number(extent[1]) * factor;
  return Number.isFinite(low) && Number.isFinite(high) && low < high
    ? [low, high]
    : null;
}

interface ILookup {
  lookup: string;
  from: { data: { values: Record<string, unknown>[] }; key: string };
}

/** The spec's data as CSV: lookup tables joined in, short field names replaced by real ones. */
export function chartDataCsv(spec: VegaLiteSpec): string {
  const data = spec.data as { values?: Record<string, unknown>[] } | undefined;
  let rows = data?.values ?? [];
  const transforms = (spec.transform ?? []) as Partial<ILookup>[];
  for (const transform of transforms) {
    if (transform.lookup && transform.from) {
      const key = transform.lookup;
      const table = new Map(
        transform.from.data.values.map(row => [row[transform.from!.key], row])
      );
      rows = rows.map(row => ({ ...table.get(row[key]), ...row }));
    }
  }
  const fields = meta(spec).fields ?? {};
  const keys = [...new Set(rows.flatMap(row => Object.keys(row)))];
  const names = new Map<string, string>();
  for (const key of keys) {
    const real = fields[key];
    // A short field takes its real name unless another field already has that name.
    const renamed =
      typeof real === 'string' && real && !keys.includes(real) ? real : key;
    names.set(key, [...names.values()].includes(renamed) ? key : renamed);
  }
  const header = keys.map(key => names.get(key) as string);
  const renamed = rows.map(row => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      out[names.get(key) as string] = value;
    }
    return out;
  });
  return toCsv(header, renamed);
}
