/**
 * Legends that name things shorten long names in their labels (the server's `labelExpr` keeps
 * the start and the end around "…"); here each label also shows the whole name on hover. Applied
 * to the compiled Vega spec (vega-embed's `patch`), because Vega-Lite has no legend tooltips.
 */

type VegaObject = Record<string, any>;

/** A legend with labels that answer the pointer with their whole value. */
function withLabelTooltip(legend: VegaObject): VegaObject {
  const encode = legend.encode ?? {};
  const labels = encode.labels ?? {};
  return {
    ...legend,
    encode: {
      ...encode,
      labels: {
        ...labels,
        interactive: true,
        update: { ...labels.update, tooltip: { signal: 'datum.value' } }
      }
    }
  };
}

/** The spec with every legend's labels, at the top and in nested groups, showing the whole name on hover. */
export function withLegendTooltips<T extends VegaObject>(spec: T): T {
  const patched: VegaObject = { ...spec };
  if (Array.isArray(spec.legends)) {
    patched.legends = spec.legends.map(withLabelTooltip);
  }
  if (Array.isArray(spec.marks)) {
    patched.marks = spec.marks.map((mark: VegaObject) =>
      mark.type === 'group' ? withLegendTooltips(mark) : mark
    );
  }
  return patched as T;
}
