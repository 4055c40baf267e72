/**
 * Group and aggregate (issue 17, item 2) against the demo store: the optimizer grid grouped by its
 * optimizer shows one row per optimizer with its count and each metric's mean ± std, computed on
 * the server, and a group row expands to its members.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { list, openInList, openPanel, SCREENSHOTS } from './panel';

const GRID = 'digits-model-optimizer-grid';

test.describe('Group and aggregate', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('the optimizer grid grouped by optimizer: a row per group, mean ± std, a group expanded', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await openInList(page, GRID);
    const rows = list(page).locator('.smx-CompareList-row');
    await expect(rows).toHaveCount(9, { timeout: 30000 });

    // Group by: the grid's optimizer parameter.
    const groups: string[] = [];
    page.on('request', request => {
      if (request.url().includes('/smx-lab/api/table/groups')) {
        groups.push(request.postData() ?? '');
      }
    });
    await list(page).getByRole('button', { name: 'Group by…' }).click();
    const chooser = list(page).getByRole('group', { name: 'Group by' });
    await chooser
      .getByRole('checkbox', { name: 'optimizer', exact: true })
      .check();
    await chooser.getByRole('button', { name: 'Done' }).click();
    await expect(
      list(page).getByRole('button', { name: 'Group by: optimizer' })
    ).toBeVisible();
    expect(JSON.parse(groups[0]).group_by).toEqual(['Parameters.optimizer']);

    // adam and sgd (4 runs each) and the metadata component, which has no optimizer.
    const groupRows = list(page).locator('.smx-CompareList-row.smx-mod-group');
    await expect(groupRows).toHaveCount(3, { timeout: 30000 });
    await expect(list(page).locator('.smx-CompareList-count')).toContainText(
      '3 groups · 9 trial components'
    );
    const adam = list(page).locator('.smx-mod-group[data-group=\'["adam"]\']');
    await expect(adam.locator('[data-column="group:count"]')).toHaveText('4');
    await expect(
      adam.locator('[data-column="metric:test:accuracy"]')
    ).toHaveText(/^\d[\d.]* ± \d/);

    // min – max instead of mean ± std.
    await list(page)
      .getByRole('combobox', { name: 'Group statistics' })
      .selectOption('minmax');
    await expect(
      adam.locator('[data-column="metric:test:accuracy"]')
    ).toHaveText(/^\d[\d.]* – \d/);
    await list(page)
      .getByRole('combobox', { name: 'Group statistics' })
      .selectOption('std');

    // Sorted by count, descending: the two optimizers before the lone metadata component.
    await list(page)
      .getByRole('button', { name: 'Count', exact: true })
      .click();
    await list(page)
      .getByRole('button', { name: 'Count', exact: true })
      .click();
    await expect(
      list(page).getByRole('columnheader', { name: 'Count' })
    ).toHaveAttribute('aria-sort', 'descending');
    await expect(groupRows.last()).toHaveAttribute('data-group', '[null]');

    // Expanded: adam's four runs under its row.
    await adam.getByRole('button', { name: /Show the members of/ }).click();
    await expect(adam).toHaveAttribute('aria-expanded', 'true');
    const members = list(page).locator('.smx-CompareList-row.smx-mod-member');
    await expect(members).toHaveCount(4, { timeout: 30000 });
    for (const name of await members.evaluateAll(rows =>
      rows.map(row => row.getAttribute('data-name') ?? '')
    )) {
      expect(name).toContain('adam');
    }
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await page.locator('.smx-CompareListWidget').screenshot({
      path: path.join(SCREENSHOTS, 'list-groups.png')
    });

    // By keyboard: on adam's row (the first), Enter closes it, Right opens it, Left closes it.
    await list(page).locator('.smx-CompareList-grid').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await expect(adam).toHaveAttribute('aria-expanded', 'false');
    await expect(members).toHaveCount(0);
    await page.keyboard.press('ArrowRight');
    await expect(adam).toHaveAttribute('aria-expanded', 'true');
    await expect(members).toHaveCount(4);
    await page.keyboard.press('ArrowLeft');
    await expect(adam).toHaveAttribute('aria-expanded', 'false');

    // No grouping: the rows again.
    await list(page)
      .getByRole('button', { name: 'Group by: optimizer' })
      .click();
    await list(page).getByRole('button', { name: 'No grouping' }).click();
    await expect(rows).toHaveCount(9);
    await expect(groupRows).toHaveCount(0);
  });
});
