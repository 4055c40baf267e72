/**
 * The baseline (issue 17, item 3) against the demo store: one component of the min_child_weight
 * sweep pinned as the baseline stays on top; every other row shows its difference to it,
 * absolute and in percent, green when better and red when worse, by the metric's direction.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import type { Locator } from '@playwright/test';
import { list, openInList, openPanel, SCREENSHOTS } from './panel';

const SWEEP = 'breast-cancer-min-child-weight-sweep';

/** The colour a cell's difference is drawn in, as the browser computed it. */
function colourOf(locator: Locator): Promise<string> {
  return locator.evaluate(element => getComputedStyle(element).color);
}

test.describe('Baseline', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('pin a run as the baseline: on top, differences coloured better and worse, unpinned again', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await openInList(page, SWEEP);
    const rows = list(page).locator('.smx-CompareList-row');
    await expect(rows).toHaveCount(5, { timeout: 30000 });

    // The first run's context menu: Pin as baseline.
    const first = rows.first();
    const baselineName = (await first.getAttribute('data-name')) as string;
    await first.click({ button: 'right' });
    await list(page).getByRole('menuitem', { name: 'Pin as baseline' }).click();

    const baseline = list(page).locator(
      '.smx-CompareList-row.smx-mod-baseline'
    );
    await expect(baseline).toHaveAttribute('data-name', baselineName, {
      timeout: 30000
    });
    await expect(baseline).toContainText('Baseline');
    // Four other rows, each with its differences.
    const others = list(page).locator(
      '.smx-CompareList-row:not(.smx-mod-baseline)'
    );
    await expect(others).toHaveCount(4);
    const auc = others.locator(
      '[data-column="metric:validation:auc"] .smx-CompareList-difference'
    );
    await expect(auc).toHaveCount(4);
    expect(await auc.first().textContent()).toMatch(
      /^[+−±][\d.]+(e-?\d+)? \([+−±][\d.]+%\)$|^±0$/
    );
    // Higher validation:auc is better, lower validation:error is: green one way, red the other.
    const better = list(page).locator(
      '.smx-CompareList-difference.smx-mod-better'
    );
    const worse = list(page).locator(
      '.smx-CompareList-difference.smx-mod-worse'
    );
    await expect(better.first()).toBeVisible();
    await expect(worse.first()).toBeVisible();
    expect(await colourOf(better.first())).not.toBe(
      await colourOf(worse.first())
    );
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await page.locator('.smx-CompareListWidget').screenshot({
      path: path.join(SCREENSHOTS, 'list-baseline.png')
    });

    // The direction chosen from the column's menu turns the colours round.
    const aucBetter = await others
      .locator('[data-column="metric:validation:auc"] .smx-mod-better')
      .count();
    await list(page)
      .getByRole('button', { name: 'Which way validation:auc is better' })
      .click();
    await list(page)
      .getByRole('menuitemradio', { name: 'Lower is better' })
      .click();
    await expect(
      others.locator('[data-column="metric:validation:auc"] .smx-mod-worse')
    ).toHaveCount(aucBetter);

    // Unpinned with the baseline's pin button: five rows again, no differences.
    await baseline
      .getByRole('button', { name: `Unpin ${baselineName} as baseline` })
      .click();
    await expect(baseline).toHaveCount(0);
    await expect(rows).toHaveCount(5);
    await expect(list(page).locator('.smx-CompareList-difference')).toHaveCount(
      0
    );
  });

  test('the baseline in the dark theme', async ({ page }) => {
    await page.theme.setDarkTheme();
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await openInList(page, SWEEP);
    const rows = list(page).locator('.smx-CompareList-row');
    await expect(rows).toHaveCount(5, { timeout: 30000 });
    // By keyboard: the grid's second row, then its pin button.
    await list(page).locator('.smx-CompareList-grid').focus();
    await page.keyboard.press('ArrowDown');
    const active = list(page).locator('.smx-CompareList-row.smx-mod-active');
    await active.getByRole('button', { name: /^Pin .* as baseline$/ }).focus();
    await page.keyboard.press('Enter');
    await expect(
      list(page).locator('.smx-CompareList-row.smx-mod-baseline')
    ).toHaveCount(1, { timeout: 30000 });
    await expect(
      list(page).locator('.smx-CompareList-difference.smx-mod-better').first()
    ).toBeVisible();
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await page.locator('.smx-CompareListWidget').screenshot({
      path: path.join(SCREENSHOTS, 'list-baseline-dark.png')
    });
  });
});
