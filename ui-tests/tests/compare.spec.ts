/**
 * Compare in a real JupyterLab against the demo store: the journey of issue 6, from three trials
 * selected in the sidebar to the trial component list, its CSV, and charts of it.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const SWEEP = 'breast-cancer-min-child-weight-sweep';
const TRIALS = [1, 2, 4].map(
  weight => `breast-cancer-min-child-weight-${weight}`
);
const MENU = ['Open in trial component list', 'Add chart', 'Open', 'Copy name'];
const STATISTICS = ['Min', 'Max', 'Avg', 'StdDev', 'Last', 'Count'];
/**
 * The CSV of the list as shown: its columns in their order (the times and status hidden, the
 * sweep's constant parameters left out, validation:auc at its Max), a line per component.
 */
const EXPECTED_HEADER_START = 'DisplayName,min_child_weight,';

function panel(page: Page): Locator {
  return page.locator('#smx-lab-experiments');
}

function list(page: Page): Locator {
  return page.locator('.smx-CompareList');
}

async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(panel(page)).toBeVisible();
}

/** Ctrl+click the rows named, then right-click the last and choose a context menu entry. */
async function selectAndChoose(
  page: Page,
  names: string[],
  entry: string
): Promise<void> {
  for (const name of names) {
    await panel(page)
      .locator(`.smx-Table-row[data-name="${name}"]`)
      .click({ modifiers: ['ControlOrMeta'] });
  }
  await expect(
    panel(page).locator('.smx-Table-row.jp-mod-selected')
  ).toHaveCount(names.length);
  await panel(page)
    .locator(`.smx-Table-row[data-name="${names[names.length - 1]}"]`)
    .click({ button: 'right' });
  const menu = page.locator('.lm-Menu');
  for (const item of MENU) {
    await expect(menu.getByText(item, { exact: true })).toBeVisible();
  }
  await menu.getByText(entry, { exact: true }).click();
}

async function chooseIn(card: Locator, label: string, option: string) {
  await card
    .getByRole('combobox', { name: label, exact: true })
    .selectOption({ label: option });
}

function cellTexts(page: Page, columnId: string): Promise<string[]> {
  return list(page)
    .locator(`.smx-CompareList-cell[data-column="${columnId}"]`)
    .allTextContents();
}

test.describe('Compare', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('three trials → list → Max and sort → scatter and lines → CSV', async ({
    page
  }) => {
    await openPanel(page);
    await panel(page).getByText(SWEEP, { exact: true }).dblclick();
    await selectAndChoose(page, TRIALS, 'Open in trial component list');

    // The list holds the three trials' components, with metric columns, counted exactly.
    const rows = list(page).locator('.smx-CompareList-row');
    await expect(rows).toHaveCount(3, { timeout: 30000 });
    await expect(list(page).locator('.smx-CompareList-count')).toHaveText(
      '3 trial components'
    );
    await expect(
      list(page).getByRole('columnheader', { name: /train:error - Last/ })
    ).toBeVisible();

    // Table properties: the times and the status make room for the metrics.
    await list(page).getByRole('button', { name: 'Table properties' }).click();
    const properties = list(page).getByRole('complementary', {
      name: 'Table properties'
    });
    for (const category of ['Status', 'Created', 'Last modified']) {
      await properties
        .locator('legend')
        .getByRole('checkbox', { name: category, exact: true })
        .uncheck();
    }
    await expect(
      list(page).getByRole('columnheader', { name: 'Created' })
    ).toHaveCount(0);
    await list(page).getByRole('button', { name: 'Table properties' }).click();
    await expect(
      list(page).getByRole('columnheader', { name: /validation:auc - Last/ })
    ).toBeVisible();
    expect((await cellTexts(page, 'table:min_child_weight')).sort()).toEqual([
      '1',
      '2',
      '4'
    ]);

    // Max of validation:auc, sorted ascending by it.
    await list(page)
      .getByRole('combobox', { name: 'Data aggregation of validation:auc' })
      .first()
      .selectOption('Max');
    const header = list(page).getByRole('button', {
      name: /validation:auc - Max/
    });
    // Sorted on the server: a paged table request sorted by the statistic.
    const [sorted] = await Promise.all([
      page.waitForRequest(
        request =>
          request.url().includes('/smx-lab/api/table') &&
          (request.postData() ?? '').includes('"sort"')
      ),
      header.click()
    ]);
    expect(JSON.parse(sorted.postData() ?? '{}')).toMatchObject({
      sort: { by: 'Metrics.validation:auc.Max', order: 'Ascending' },
      limit: expect.any(Number)
    });
    await expect(
      list(page).getByRole('columnheader', { name: /validation:auc - Max/ })
    ).toHaveAttribute('aria-sort', 'ascending');
    // The rows of the new order are there once the grid is no longer busy.
    await expect(list(page).locator('.smx-CompareList-grid')).toHaveAttribute(
      'aria-busy',
      'false'
    );
    const maxima = (await cellTexts(page, 'metric:validation:auc')).map(Number);
    expect(maxima).toHaveLength(3);
    expect([...maxima].sort((a, b) => a - b)).toEqual(maxima);
    await list(page)
      .locator('.smx-CompareList-grid')
      .evaluate(grid => grid.scrollTo({ left: 0 }));
    // The sweep's constant parameters step aside; the one it varies stays.
    await list(page)
      .getByRole('checkbox', { name: 'Show only differing parameters' })
      .check();
    await expect(
      list(page).getByRole('columnheader', { name: 'max_depth' })
    ).toHaveCount(0);
    await expect(
      list(page).getByRole('columnheader', { name: 'min_child_weight' })
    ).toBeVisible();
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await page.locator('.smx-CompareListWidget').screenshot({
      path: path.join(SCREENSHOTS, 'compare-list.png')
    });

    // Export CSV: the server writes the columns shown, in the list's order, a line per component.
    const [download, csvRequest] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForRequest(request =>
        request.url().includes('/smx-lab/api/table/csv')
      ),
      list(page).getByRole('button', { name: 'Export CSV' }).click()
    ]);
    const csv = fs.readFileSync((await download.path()) as string, 'utf-8');
    const lines = csv.trim().split(/\r?\n/);
    expect(download.suggestedFilename()).toBe('trial-components.csv');
    expect(lines[0].startsWith(EXPECTED_HEADER_START)).toBe(true);
    expect(lines[0]).toContain('validation:auc - Max');
    expect(lines[0]).not.toContain('max_depth');
    expect(lines[0]).not.toContain('CreationTime');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(csvRequest.postData() ?? '{}').sort).toEqual({
      by: 'Metrics.validation:auc.Max',
      order: 'Ascending'
    });
    // The rows in the list's order: validation:auc's Max ascending.
    const aucAt = lines[0].split(',').indexOf('validation:auc - Max');
    const csvMaxima = lines.slice(1).map(line => Number(line.split(',')[aucAt]));
    expect([...csvMaxima].sort((a, b) => a - b)).toEqual(csvMaxima);

    // Add chart: a scatter of a parameter against the metric's Max, one point per component.
    await list(page).getByRole('button', { name: 'Add chart' }).click();
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toBeVisible();
    await chooseIn(card, 'X', 'min_child_weight');
    await chooseIn(card, 'Y', 'validation:auc - Max');
    await expect(card.locator('svg .mark-symbol.role-mark path')).toHaveCount(3, {
      timeout: 30000
    });

    // Line / Time series of validation:auc: one line per component.
    await chooseIn(card, 'Chart type', 'Line');
    await chooseIn(card, 'Data type', 'Time series');
    await chooseIn(card, 'Metric', 'validation:auc');
    await expect(card).toHaveAttribute('data-data-type', 'time_series');
    await expect(card.locator('svg .mark-line path')).toHaveCount(3, {
      timeout: 30000
    });

    // Zooming the time series asks the server again for that x range.
    await expect(card).toHaveAttribute('aria-busy', 'false');
    const plot = await card.locator('svg .mark-line').first().boundingBox();
    if (!plot) {
      throw new Error('the line chart is not drawn');
    }
    await page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
    const [zoomed] = await Promise.all([
      page.waitForRequest(
        request =>
          request.url().includes('/smx-lab/api/chart') &&
          (request.postData() ?? '').includes('x_range')
      ),
      page.mouse.wheel(0, -400)
    ]);
    const range = JSON.parse(zoomed.postData() as string).x_range;
    expect(range[0]).toBeGreaterThanOrEqual(0);
    expect(range[1]).toBeLessThanOrEqual(40);
    expect(range[1] - range[0]).toBeLessThan(39);
    await expect(
      card.getByRole('button', { name: 'Reset zoom' })
    ).toBeVisible();

    // Export SVG: the chart as an SVG file.
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'Export SVG' }).click()
    ]);
    expect(svg.suggestedFilename()).toBe('chart-1.svg');
    const svgText = fs.readFileSync((await svg.path()) as string, 'utf-8');
    expect(svgText).toMatch(/^<svg/);
  });

  test('two experiments at once: Add chart, and a screenshot of each chart type', async ({
    page
  }) => {
    await openPanel(page);
    await selectAndChoose(
      page,
      ['digits-model-optimizer-grid', 'digits-hidden-units-sweep'],
      'Add chart'
    );
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toBeVisible({ timeout: 30000 });
    // The grid's 8 trials and the sweep's 3 share metadata and preprocessing components.
    await expect(page.locator('.smx-Charts-count')).toHaveText(
      '13 trial components'
    );
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    const shots: [string, [string, string][]][] = [
      [
        'scatter',
        [
          ['Chart type', 'Scatter'],
          ['X', 'hidden_units'],
          ['Y', 'test:accuracy - Max'],
          ['Color', 'optimizer']
        ]
      ],
      [
        'line',
        [
          ['Chart type', 'Line'],
          ['Data type', 'Time series'],
          ['Metric', 'test:accuracy']
        ]
      ],
      [
        'bar',
        [
          ['Chart type', 'Bar'],
          ['X', 'optimizer'],
          ['Y', 'test:accuracy - Max']
        ]
      ],
      [
        'histogram',
        [
          ['Chart type', 'Histogram'],
          ['X', 'test:accuracy - Max']
        ]
      ],
      [
        'box',
        [
          ['Chart type', 'Box'],
          ['X', 'model'],
          ['Y', 'test:accuracy - Last']
        ]
      ],
      ['parallel', [['Chart type', 'Parallel coordinates']]],
      [
        'importance',
        [
          ['Chart type', 'Parameter importance'],
          ['Y', 'test:accuracy - Max']
        ]
      ]
    ];
    for (const [name, choices] of shots) {
      for (const [label, option] of choices) {
        await chooseIn(card, label, option);
      }
      if (name === 'line') {
        await card.getByRole('slider').fill('0.6');
      }
      await expect(card).toHaveAttribute('data-chart-type', name);
      await expect(card).toHaveAttribute('aria-busy', 'false', {
        timeout: 30000
      });
      await expect(card.getByRole('alert')).toHaveCount(0);
      await card.screenshot({
        path: path.join(SCREENSHOTS, `chart-${name}.png`)
      });
    }
  });

  test('the list of two experiments in the dark theme', async ({ page }) => {
    await page.theme.setDarkTheme();
    await openPanel(page);
    // The panel sends what was selected; the server resolves it: one request, no expansion.
    const asked: { method: string; route: string; body: string | null }[] = [];
    page.on('request', request => {
      const route = new URL(request.url()).pathname.split('/smx-lab/api/')[1];
      if (route !== undefined) {
        asked.push({
          method: request.method(),
          route,
          body: request.postData()
        });
      }
    });
    await selectAndChoose(
      page,
      ['digits-model-optimizer-grid', 'digits-hidden-units-sweep'],
      'Open in trial component list'
    );
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(13, {
      timeout: 30000
    });
    // One page holds all 13: one table request, paged.
    const tables = asked.filter(one => one.route === 'table');
    expect(tables).toHaveLength(1);
    expect(JSON.parse(tables[0].body ?? '{}').limit).toBeGreaterThan(13);
    expect(
      JSON.parse(tables[0].body ?? '{}').selection.experiments.sort()
    ).toEqual(['digits-hidden-units-sweep', 'digits-model-optimizer-grid']);
    expect(
      asked.filter(
        one =>
          one.route === 'search' ||
          one.route.endsWith('/trials') ||
          one.route.endsWith('/components')
      )
    ).toEqual([]);
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await list(page).getByRole('button', { name: 'Table properties' }).click();
    await page.locator('.smx-CompareListWidget').screenshot({
      path: path.join(SCREENSHOTS, 'compare-list-dark.png')
    });
  });
});
