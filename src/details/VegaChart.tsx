/**
 * Renders a Vega-Lite v5 spec from the server with vega-embed, in the theme's colors.
 * vega-embed is loaded on first use, so the sidebar does not pay for it.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';
import type { View } from 'vega';
import { VegaLiteSpec } from '../api';
import { withLegendTooltips } from './legendTooltips';
import { vegaThemeConfig } from './theme';

export interface IVegaChartProps {
  spec: VegaLiteSpec;
  /** Changes when the theme changes, so the chart is drawn again in the new colors. */
  themeVersion?: number;
  label: string;
  /** Receives the rendered vega view (for exports and signal listeners), null when it goes. */
  onView?: (view: View | null) => void;
  translator?: ITranslator;
}

export function VegaChart(props: IVegaChartProps): JSX.Element {
  const { spec, themeVersion, label, onView } = props;
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let finalize: (() => void) | null = null;
    let cancelled = false;
    const node = host.current;
    if (!node) {
      return;
    }
    import('vega-embed')
      .then(module =>
        module.default(node, spec as any, {
          actions: {
            export: true,
            source: false,
            compiled: false,
            editor: false
          },
          config: vegaThemeConfig() as any,
          // A legend's shortened names show whole on hover.
          patch: spec => withLegendTooltips(spec),
          // vega-tooltip's default sanitizer escapes HTML: names in tooltips stay text.
          renderer: 'svg'
        })
      )
      .then(
        result => {
          if (cancelled) {
            result.finalize();
          } else {
            finalize = () => {
              onView?.(null);
              result.finalize();
            };
            setError(null);
            onView?.(result.view);
          }
        },
        reason => {
          if (!cancelled) {
            setError(reason instanceof Error ? reason.message : String(reason));
          }
        }
      );
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [spec, themeVersion, onView]);

  return (
    <div className="smx-VegaChart" role="figure" aria-label={label}>
      <div ref={host} className="smx-VegaChart-host" />
      {error && (
        <div className="smx-VegaChart-error" role="alert">
          {trans.__('The chart could not be drawn: %1', error)}
        </div>
      )}
    </div>
  );
}
