/**
 * Charts grouped by a parameter, in a real JupyterLab against the demo store (issue 17): the
 * model × optimizer grid's list, a line chart of test:accuracy grouped by optimizer with its band,
 * then a scatter coloured by the same groups.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import type { Locator, Page } from '@playwright/test';
import { openPanel, panel, SCREENSHOTS } from './panel';

const GRID = 'digits-model-optimizer-grid';
const BASELINE_PIN = /^Pin digits-mlp-1-layer-sgd-5-epochs\S* as baseline$/;
const BASELINE_UNPIN = /^Unpin digits-mlp-1-layer-sgd-5-epochs\S* as baseline$/;
const BASELINE_LABEL = 'baseline: mlp-1-layer-sgd-5';

async function chooseIn(card: Locator, label: string, option: string) {
  await card
    .getByRole('combobox', { name: label, exact: true })
    .selectOption({ label: option });
}

/** The last chart request the panel sent, once `act` made it. */
async function chartRequestOf(
  page: Page,
  act: () => Promise<void>,
  wanted: (body: any) => boolean
): Promise<any> {
  const [request] = await Promise.all([
    page.waitForRequest(
      one =>
        one.url().includes('/smx-lab/api/chart') &&
        wanted(JSON.parse(one.postData() ?? '{}'))
    ),
    act()
  ]);
  return JSON.parse(request.postData() ?? '{}');
}

test.describe('Chart groups', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('grid → list → line grouped by optimizer with bands → scatter coloured by group', async ({
    page
  }) => {
    // room for the chart, its legend and the Chart properties pane side by side
    await page.setViewportSize({ width: 1400, height: 900 });
    await openPanel(page);
    const row = panel(page).locator(`.smx-Table-row[data-name="${GRID}"]`);
    await row.click();
    await row.click({ button: 'right' });
    await page
      .locator('.lm-Menu')
      .getByText('Open in trial component list', { exact: true })
      .click();
    const list = page.locator('.smx-CompareList');
    // 8 training components and the grid's shared metadata component
    await expect(list.locator('.smx-CompareList-count')).toHaveText(
      '9 trial components',
      { timeout: 30000 }
    );

    // One run pinned as the list's baseline: the charts draw it emphasised.
    await list
      .getByRole('button', { name: BASELINE_PIN })
      .click({ timeout: 30000 });
    // The rows loaded stay in view until the list's first page with the baseline apart is there:
    // then the baseline is one row, on top.
    await expect(
      list.getByRole('button', { name: BASELINE_UNPIN })
    ).toHaveCount(1, { timeout: 30000 });

    await list.getByRole('button', { name: 'Add chart' }).click();
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toBeVisible({ timeout: 30000 });

    // A line of test:accuracy per epoch, one line per optimizer: the mean of its four runs.
    await chooseIn(card, 'Chart type', 'Line');
    await chooseIn(card, 'Data type', 'Time series');
    await chooseIn(card, 'Metric', 'test:accuracy');
    const grouped = await chartRequestOf(
      page,
      () => chooseIn(card, 'Group by', 'optimizer'),
      body => Array.isArray(body.group_by)
    );
    expect(grouped).toMatchObject({
      chart_type: 'line',
      data_type: 'time_series',
      metrics: ['test:accuracy'],
      group_by: ['parameters.optimizer'],
      band: 'std'
    });
    expect(grouped.baseline).toMatch(/^digits-mlp-1-layer-sgd-5-epochs/);
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    // a band and a mean line per optimizer, and the baseline's own line
    await expect(card.locator('svg .mark-area path')).toHaveCount(2);
    await expect(card.locator('svg .mark-line path')).toHaveCount(3);
    const legend = card.locator('svg .role-legend-label text');
    await expect(legend).toHaveText(['adam', BASELINE_LABEL, 'sgd']);
    await expect(card.locator('svg.marks')).toContainText('band: mean ± std');

    // min – max instead of mean ± std
    const minmax = await chartRequestOf(
      page,
      () => chooseIn(card, 'Band', 'Min – max'),
      body => body.band === 'minmax'
    );
    expect(minmax.group_by).toEqual(['parameters.optimizer']);
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await expect(card.locator('svg.marks')).toContainText('band: min – max');
    await chooseIn(card, 'Band', 'Mean ± std');
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await expect(card.locator('svg.marks')).toContainText('band: mean ± std');
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await card.screenshot({
      path: path.join(SCREENSHOTS, 'chart-groups-band.png')
    });

    // A scatter of epochs against test:accuracy's last value, each run coloured by its group.
    const sent: any[] = [];
    page.on('request', one => {
      if (one.url().includes('/smx-lab/api/chart')) {
        sent.push(JSON.parse(one.postData() ?? '{}'));
      }
    });
    await chooseIn(card, 'Chart type', 'Scatter');
    await chooseIn(card, 'Data type', 'Summary statistics');
    await chooseIn(card, 'X', 'epochs');
    await chooseIn(card, 'Y', 'test:accuracy - Last');
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    const scatter = sent[sent.length - 1];
    expect(scatter).toMatchObject({
      chart_type: 'scatter',
      data_type: 'summary',
      x: 'parameters.epochs',
      y: 'metrics.test:accuracy.last'
    });
    expect(scatter.group_by).toEqual(['parameters.optimizer']);
    expect(scatter).not.toHaveProperty('color');
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    // eight runs, and a ring around the baseline's point, named
    await expect(card.locator('svg .mark-symbol.role-mark path')).toHaveCount(
      9
    );
    await expect(card.locator('svg .mark-text.role-mark text')).toHaveText([
      'baseline'
    ]);
    await expect(legend).toHaveText(['adam', 'sgd']);
    await expect(
      card.getByRole('combobox', { name: 'Color', exact: true })
    ).toBeDisabled();
    await card.screenshot({
      path: path.join(SCREENSHOTS, 'chart-groups-scatter.png')
    });

    // Ungrouped again: the chart's own colour column is back.
    await card
      .getByRole('button', { name: 'Stop grouping by optimizer' })
      .click();
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    expect(sent[sent.length - 1]).not.toHaveProperty('group_by');
    await expect(
      card.getByRole('combobox', { name: 'Color', exact: true })
    ).toBeEnabled();
  });
});
