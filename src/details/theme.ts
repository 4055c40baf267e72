/**
 * Vega-Lite config from JupyterLab's CSS variables, so a chart follows the light or dark theme
 * like the rest of the panel (the spec from the server says what to draw, this says in what colors).
 */

function cssVariable(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

export function vegaThemeConfig(): Record<string, unknown> {
  const text = cssVariable('--jp-ui-font-color1', '#212121');
  const mutedText = cssVariable('--jp-ui-font-color2', '#616161');
  const border = cssVariable('--jp-border-color2', '#e0e0e0');
  const grid = cssVariable('--jp-border-color3', '#eeeeee');
  const font = cssVariable('--jp-ui-font-family', 'sans-serif');
  const background = cssVariable('--jp-layout-color0', '#ffffff');
  // JupyterLab's categorical palette (the same hues in both themes, toned by the theme).
  const range = [
    cssVariable('--jp-brand-color1', '#1976d2'),
    cssVariable('--jp-warn-color1', '#f57c00'),
    cssVariable('--jp-success-color1', '#388e3c'),
    cssVariable('--jp-error-color1', '#d32f2f'),
    cssVariable('--jp-accent-color1', '#00897b'),
    cssVariable('--jp-info-color1', '#0097a7')
  ];
  const axis = {
    domainColor: border,
    gridColor: grid,
    tickColor: border,
    labelColor: mutedText,
    titleColor: text,
    labelFont: font,
    titleFont: font
  };
  return {
    background,
    font,
    title: { color: text, subtitleColor: mutedText, font },
    axis,
    legend: {
      labelColor: mutedText,
      titleColor: text,
      labelFont: font,
      titleFont: font
    },
    view: { stroke: border },
    range: { category: range },
    line: { color: range[0] },
    point: { color: range[0] }
  };
}
