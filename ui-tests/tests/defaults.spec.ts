/**
 * Sensible defaults (issue 17, item 4) against the demo store: a new trial component list opens
 * with the columns that tell the runs apart, a new chart is never empty, and legends name the
 * runs readably.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const GRID = 'digits-model-optimizer-grid';

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

async function rightClickAndChoose(
  page: Page,
  name: string,
  entry: string
): Promise<void> {
  await panel(page)
    .locator(`.smx-Table-row[data-name="${name}"]`)
    .click({ button: 'right' });
  await page.locator('.lm-Menu').getByText(entry, { exact: true }).click();
}

/** The list's header labels, in order, the pinned name first. */
async function headerOrder(page: Page): Promise<string[]> {
  return list(page)
    .locator('.smx-CompareList-header [role="columnheader"]')
    .evaluateAll(cells =>
      cells
        .map(cell => ({
          left: cell.getBoundingClientRect().left,
          text:
            cell.querySelector('.smx-CompareList-headerLabel')?.textContent ??
            ''
        }))
        .sort((a, b) => a.left - b.left)
        .map(cell => cell.text)
    );
}

test.describe('Sensible defaults', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('a new list shows the parameters that differ and the metrics first, times compact', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await rightClickAndChoose(page, GRID, 'Open in trial component list');
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(9, {
      timeout: 30000
    });
    const order = await headerOrder(page);
    // The grid's three varied parameters, then its three metrics, before anything else.
    expect(order[0]).toBe('DisplayName');
    expect(order.slice(1, 4).sort()).toEqual(['epochs', 'model', 'optimizer']);
    expect(order.slice(4, 7).sort()).toEqual([
      'test:accuracy',
      'test:loss',
      'train:loss'
    ]);
    // Status and the times come after, narrower than a metric's column.
    const width = async (id: string) =>
      (await list(page)
        .locator(`[role="columnheader"][data-column="${id}"]`)
        .boundingBox())!.width;
    const metric = await width('metric:test:accuracy');
    // The grid draws the columns in view: scrolled to the end for the last ones.
    await list(page)
      .locator('.smx-CompareList-grid')
      .evaluate(grid => grid.scrollTo({ left: grid.scrollWidth }));
    await expect(
      list(page).locator('[role="columnheader"][data-column="record:Status"]')
    ).toBeVisible();
    expect(await width('record:Status')).toBeLessThan(metric);
    expect(await width('record:CreationTime')).toBeLessThan(metric);
    // A time shows in few characters, whole on hover.
    const created = list(page)
      .locator('.smx-CompareList-cell[data-column="record:CreationTime"]')
      .first();
    expect((await created.textContent())!.length).toBeLessThan(12);
    expect(await created.getAttribute('title')).toMatch(/\d{4}/);
  });

  test('Add chart on the optimizer grid draws every run, with a legend that flows under many series', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await rightClickAndChoose(page, GRID, 'Add chart');
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    // A scatter of a parameter the runs differ in against a metric: one point per run, not the
    // shared metadata component's empty axes.
    await expect(card).toHaveAttribute('data-chart-type', 'scatter');
    await expect(
      card.getByRole('combobox', { name: 'X', exact: true })
    ).toHaveValue('parameters.epochs');
    await expect(card.locator('svg .mark-symbol.role-mark path')).toHaveCount(8);
    await expect(card.getByRole('alert')).toHaveCount(0);
    // Colored by another differing parameter, named in the legend.
    const legend = card.locator('svg .role-legend');
    await expect(legend).toContainText('parameters.model');
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await card.screenshot({
      path: path.join(SCREENSHOTS, 'chart-default.png')
    });

    // Colored by component: a legend names each run; a long name keeps both ends.
    await card
      .getByRole('combobox', { name: 'Color', exact: true })
      .selectOption({ label: 'By component' });
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await expect(legend).toContainText('component');
    const labels = legend.locator('.role-legend-label text');
    await expect(labels).toHaveCount(8);
    expect(await labels.allTextContents()).toContain('mlp-2-layers-adam-10');

    // Time series of every run and metric: more entries than a legend lists beside a chart, so
    // it flows in columns under it.
    await card
      .getByRole('combobox', { name: 'Chart type', exact: true })
      .selectOption({ label: 'Line' });
    await card
      .getByRole('combobox', { name: 'Data type', exact: true })
      .selectOption({ label: 'Time series' });
    await card
      .getByRole('combobox', { name: 'Metric', exact: true })
      .selectOption({ label: 'Every metric' });
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await expect(labels).not.toHaveCount(8);
    expect((await labels.allTextContents()).length).toBeGreaterThan(12);
    const plot = (await card.locator('svg .mark-line.role-mark').first().boundingBox())!;
    const legendBox = (await legend.boundingBox())!;
    expect(legendBox.y).toBeGreaterThan(plot.y + plot.height);
  });

  test('the default chart in the dark theme', async ({ page }) => {
    await page.theme.setDarkTheme();
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await rightClickAndChoose(page, 'digits-hidden-units-sweep', 'Add chart');
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    // The sweep varies hidden_units alone: its runs colored one by one, named in the legend.
    await expect(
      card.getByRole('combobox', { name: 'X', exact: true })
    ).toHaveValue('parameters.hidden_units');
    await expect(card.locator('svg .mark-symbol.role-mark path')).toHaveCount(3);
    // Its runs are all "Training": each is named by its trial.
    const legend = card.locator('svg .role-legend');
    await expect(legend).toContainText('component');
    const labels = legend.locator('.role-legend-label text');
    expect((await labels.allTextContents()).sort()).toEqual(
      [16, 32, 64].map(units => `Training (digits-mlp-${units}-hidden-units)`)
    );
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await card.screenshot({
      path: path.join(SCREENSHOTS, 'chart-default-dark.png')
    });

    // Every metric by step: "run · metric" is longer than a label keeps; it keeps both ends,
    // and shows whole on hover.
    await card
      .getByRole('combobox', { name: 'Chart type', exact: true })
      .selectOption({ label: 'Line' });
    await card
      .getByRole('combobox', { name: 'Data type', exact: true })
      .selectOption({ label: 'Time series' });
    await card
      .getByRole('combobox', { name: 'Metric', exact: true })
      .selectOption({ label: 'Every metric' });
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    const cut = labels.filter({ hasText: '…' }).first();
    await expect(cut).toBeVisible();
    const [head, tail] = ((await cut.textContent()) ?? '').split('…');
    expect(head).toMatch(/^Training \(digits-/);
    await cut.hover();
    const tooltip = page.locator('#vg-tooltip-element');
    await expect(tooltip).toBeVisible();
    const whole = (await tooltip.textContent()) ?? '';
    expect(whole).toMatch(/^Training \(digits-mlp-\d+-hidden-units\) · /);
    expect(whole.startsWith(head)).toBe(true);
    expect(whole.endsWith(tail)).toBe(true);
  });
});
