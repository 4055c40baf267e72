/**
 * Layout at every width (issue 17, item 7) against the demo store: the component view's tabs and
 * metric summary fit a narrow main area, and the sidebar shows long names usefully at its
 * default width.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const SWEEP = 'breast-cancer-min-child-weight-sweep';

function panel(page: Page): Locator {
  return page.locator('#smx-lab-experiments');
}

function rows(page: Page): Locator {
  return panel(page).locator('.smx-Table-row[data-name]');
}

async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(panel(page)).toBeVisible();
}

/** Whether every element of `locator` lies inside `container` horizontally, whole. */
async function allInside(locator: Locator, container: Locator): Promise<void> {
  const box = (await container.boundingBox())!;
  for (const one of await locator.all()) {
    const inner = (await one.boundingBox())!;
    expect(inner.x).toBeGreaterThanOrEqual(box.x - 0.5);
    expect(inner.x + inner.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
  }
}

/** Opens the component view of the sweep's first training run. */
async function openTraining(page: IJupyterLabPageFixture): Promise<Locator> {
  await panel(page).getByText(SWEEP, { exact: true }).dblclick();
  await rows(page).first().dblclick();
  await panel(page).getByText('Training', { exact: true }).dblclick();
  const view = page.locator('.smx-ComponentView');
  await expect(view.locator('.smx-MetricsTable')).toBeVisible();
  return view;
}

for (const theme of ['light', 'dark'] as const) {
  test(`the component view fits a narrow main area (${theme} theme)`, async ({
    page
  }) => {
    if (theme === 'dark') {
      await page.theme.setDarkTheme();
    }
    // The sidebar open at its default width leaves the main area about 400 px.
    await page.setViewportSize({ width: 720, height: 900 });
    await openPanel(page);
    const view = await openTraining(page);
    const main = (await view.boundingBox())!;
    expect(main.width).toBeLessThan(460);

    // Every tab on one line, none cut off: they flow onto another row instead.
    const tabs = view.getByRole('tab');
    const heights = await tabs.evaluateAll(all =>
      all.map(tab => tab.getBoundingClientRect().height)
    );
    expect(Math.max(...heights) - Math.min(...heights)).toBeLessThan(1);
    const lineHeight = await tabs
      .first()
      .evaluate(tab => parseFloat(getComputedStyle(tab).lineHeight) || 0);
    expect(heights[0]).toBeLessThan(2 * (lineHeight || 20) + 14);
    await allInside(tabs, view);
    for (const tab of await tabs.all()) {
      expect(
        await tab.evaluate(node => node.scrollWidth <= node.clientWidth)
      ).toBe(true);
    }

    // Every statistic of every metric in view, labelled: no column cut off.
    const summary = view.locator('.smx-MetricsTable');
    const cells = summary.locator('[data-metric="validation:auc"] td');
    await expect(cells).toHaveCount(7);
    await allInside(cells, view.locator('.smx-MetricsTab-summary'));
    await allInside(
      view.locator('.smx-MetricsTab-summary'),
      view.locator('.smx-Tabs-panel')
    );
    await expect(cells.nth(2)).toBeVisible();
    expect(
      await cells
        .nth(2)
        .evaluate(cell => getComputedStyle(cell, '::before').content)
    ).toBe('"Max"');
    // The view does not scroll sideways.
    expect(
      await view.evaluate(node => node.scrollWidth <= node.clientWidth + 1)
    ).toBe(true);

    // Tabs stay reachable and work by keyboard.
    await view.getByRole('tab', { name: 'Trial Mappings' }).focus();
    await page.keyboard.press('Enter');
    await expect(
      view.getByRole('tab', { name: 'Trial Mappings' })
    ).toHaveAttribute('aria-selected', 'true');
    await view.getByRole('tab', { name: 'Metrics' }).click();
    await expect(
      view.locator('.smx-MetricChart[data-metric="validation:auc"] svg.marks')
    ).toBeVisible({ timeout: 30000 });
    await view.screenshot({
      path: path.join(SCREENSHOTS, `component-narrow-${theme}.png`)
    });
  });
}

test('the sidebar shows long names by their start and their end at its default width', async ({
  page
}) => {
  await page.setViewportSize({ width: 1200, height: 800 });
  await openPanel(page);
  const width = (await panel(page).boundingBox())!.width;
  expect(width).toBeLessThan(300);

  // At Home: each experiment's name ends in view.
  const tails = panel(page).locator('.smx-MiddleEllipsis-tail');
  await expect(tails.first()).toBeVisible();
  await allInside(tails, panel(page));
  await expect(
    rows(page).filter({ hasText: 'digits-model-optimizer-grid' })
  ).toHaveAttribute('data-name', 'digits-model-optimizer-grid');

  // In the sweep: five trials whose names differ only at their end, each told apart in view.
  await panel(page).getByText(SWEEP, { exact: true }).dblclick();
  await expect(rows(page)).toHaveCount(5);
  // Their count of components gives its room to the names at this width.
  await expect(
    panel(page).getByRole('columnheader', { name: /Trial components/ })
  ).toHaveCount(0);
  const shown = await rows(page).evaluateAll(all =>
    all.map(row => {
      const tail = row.querySelector('.smx-MiddleEllipsis-tail');
      const cell = row.querySelector('.smx-Table-cell-name') as HTMLElement;
      const inside =
        !!tail &&
        tail.getBoundingClientRect().right <=
          cell.getBoundingClientRect().right + 0.5;
      return { tail: tail?.textContent ?? '', inside, title: cell.title };
    })
  );
  expect(shown.every(row => row.inside)).toBe(true);
  expect(new Set(shown.map(row => row.tail)).size).toBe(5);
  // The whole name on hover.
  expect(shown.map(row => row.title).sort()).toEqual(
    [1, 10, 2, 4, 8].map(weight => `breast-cancer-min-child-weight-${weight}`)
  );
  await page.locator('.smx-Browser').screenshot({
    path: path.join(SCREENSHOTS, 'sidebar-narrow.png')
  });
});
