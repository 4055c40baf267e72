/**
 * Nothing lost on reload (issue 17, item 5) against the demo store: trial component lists and
 * chart tabs come back with their selection, columns, aggregation, filter and charts; a list
 * saved as a named view opens again from the command palette; a place the store no longer has
 * falls back to the nearest level that exists, with a note.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const SWEEP = 'breast-cancer-min-child-weight-sweep';
const TRIALS = [1, 2, 4].map(
  weight => `breast-cancer-min-child-weight-${weight}`
);

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
  await panel(page)
    .locator(`.smx-Table-row[data-name="${names[names.length - 1]}"]`)
    .click({ button: 'right' });
  await page.locator('.lm-Menu').getByText(entry, { exact: true }).click();
}

/** Reloads the page once the workspace has saved the layout and the tabs' state. */
async function reload(page: IJupyterLabPageFixture): Promise<void> {
  await page.waitForTimeout(2000);
  // Galata's readiness check waits for the Launcher tab, which the restored tabs replace.
  await page.reload({ waitForIsReady: false });
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible({
    timeout: 60000
  });
}

/** Runs Python in a notebook's kernel: it logs to the store the panel shows (SMX_LAB_DB). */
async function runPython(
  page: IJupyterLabPageFixture,
  notebook: string,
  lines: string[]
): Promise<void> {
  if (await page.notebook.isOpen(notebook)) {
    await page.notebook.activate(notebook);
  } else {
    await page.notebook.createNew(notebook);
  }
  const cell = (await page.notebook.getCellCount()) - 1;
  await page.notebook.setCell(cell, 'code', lines.join('\n'));
  await page.notebook.runCell(cell);
}

test.describe('Nothing lost on reload', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      // A reload with a notebook open asks whether to leave: yes.
      if (dialog.type() === 'beforeunload') {
        void dialog.accept();
        return;
      }
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('a list and its chart tab come back with their columns, aggregation, filter and charts', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await panel(page).getByText(SWEEP, { exact: true }).dblclick();
    await selectAndChoose(page, TRIALS, 'Open in trial component list');
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(3, {
      timeout: 30000
    });

    // The list's view: Max of validation:auc, sorted by it, the times hidden, a filter.
    await list(page)
      .getByRole('combobox', { name: 'Data aggregation of validation:auc' })
      .first()
      .selectOption('Max');
    await list(page).getByRole('button', { name: /validation:auc - Max/ }).click();
    await list(page).getByRole('button', { name: 'Table properties' }).click();
    await list(page)
      .getByRole('complementary', { name: 'Table properties' })
      .locator('legend')
      .getByRole('checkbox', { name: 'Created', exact: true })
      .uncheck();
    await list(page).getByRole('button', { name: 'Table properties' }).click();
    const query = list(page).getByRole('searchbox', {
      name: 'Filter rows with a query'
    });
    await query.fill('parameters.min_child_weight > 1');
    await query.press('Enter');
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(2);
    // One of the two pinned as the baseline: on top of the other.
    const pinned = list(page).locator('.smx-CompareList-row').first();
    const baselineName = (await pinned.getAttribute('data-name')) as string;
    await pinned.click({ button: 'right' });
    await list(page).getByRole('menuitem', { name: 'Pin as baseline' }).click();
    await expect(
      list(page).locator('.smx-CompareList-row.smx-mod-baseline')
    ).toHaveAttribute('data-name', baselineName);

    // A chart of it, changed to a bar chart.
    await list(page).getByRole('button', { name: 'Add chart' }).click();
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await card
      .getByRole('combobox', { name: 'Chart type', exact: true })
      .selectOption({ label: 'Bar' });
    await expect(card).toHaveAttribute('data-chart-type', 'bar');

    await reload(page);

    // The list: its rows filtered, its aggregation, sort and columns as they were.
    await page.locator('.lm-TabBar-tab', { hasText: 'Compare:' }).click();
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(2, {
      timeout: 30000
    });
    await expect(
      list(page).getByRole('searchbox', { name: 'Filter rows with a query' })
    ).toHaveValue('parameters.min_child_weight > 1');
    await expect(
      list(page)
        .getByRole('combobox', { name: 'Data aggregation of validation:auc' })
        .first()
    ).toHaveValue('Max');
    await expect(
      list(page).getByRole('columnheader', { name: /validation:auc - Max/ })
    ).toHaveAttribute('aria-sort', 'ascending');
    await expect(
      list(page).getByRole('columnheader', { name: 'Created' })
    ).toHaveCount(0);
    await expect(
      list(page).locator('.smx-CompareList-row.smx-mod-baseline')
    ).toHaveAttribute('data-name', baselineName);
    await expect(
      list(page).locator('.smx-CompareList-difference').first()
    ).toBeVisible();

    // The chart tab: its bar chart, of the filtered rows.
    await page.locator('.lm-TabBar-tab', { hasText: 'Charts:' }).click();
    const restored = page.locator('.smx-ChartCard').first();
    await expect(restored).toHaveAttribute('data-chart-type', 'bar', {
      timeout: 30000
    });
    await expect(restored).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await expect(page.locator('.smx-Charts-count')).toHaveText(
      '2 trial components'
    );
  });

  test('a list saved as a named view opens again from the command palette, by keyboard', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await openPanel(page);
    await selectAndChoose(
      page,
      ['digits-model-optimizer-grid', 'digits-hidden-units-sweep'],
      'Open in trial component list'
    );
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(13, {
      timeout: 30000
    });
    await list(page)
      .getByRole('checkbox', { name: 'Show only differing parameters' })
      .check();
    // Grouped by optimizer: the view keeps the grouping.
    await list(page).getByRole('button', { name: 'Group by…' }).click();
    await list(page)
      .getByRole('group', { name: 'Group by' })
      .getByRole('checkbox', { name: 'optimizer', exact: true })
      .check();
    await list(page).getByRole('button', { name: 'Done' }).click();
    await expect(
      list(page).locator('.smx-CompareList-row.smx-mod-group')
    ).not.toHaveCount(0);
    await list(page).getByRole('button', { name: 'Save view…' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('input').fill('digits runs');
    await dialog.locator('input').press('Enter');
    await expect(dialog).toHaveCount(0);
    await page
      .locator('.lm-TabBar-tab', { hasText: 'Compare:' })
      .locator('.lm-TabBar-tabCloseIcon')
      .click();
    await expect(list(page)).toHaveCount(0);

    // The saved view is in the palette, after a reload too.
    await reload(page);
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await palette.locator('input').fill('Open view: digits runs');
    await expect(palette.locator('.lm-CommandPalette-item').first()).toContainText(
      'Open view: digits runs'
    );
    await palette.locator('input').press('Enter');
    await expect(
      page.locator('.lm-TabBar-tab', { hasText: 'digits runs' })
    ).toBeVisible();
    await expect(
      list(page).getByRole('button', { name: 'Group by: optimizer' })
    ).toBeVisible({ timeout: 30000 });
    await expect(list(page).locator('.smx-CompareList-count')).toContainText(
      '13 trial components'
    );
    await expect(
      list(page).locator('.smx-CompareList-row.smx-mod-group')
    ).not.toHaveCount(0);
    await expect(
      list(page).getByRole('checkbox', { name: 'Show only differing parameters' })
    ).toBeChecked();
  });

  test('an experiment deleted since: the panel falls back to Home and the list says what is gone', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await runPython(page, 'restore.ipynb', [
      'import smx_lab',
      'with smx_lab.Run(experiment_name="restore-gone", run_name="run") as run:',
      '    run.log_parameter("lr", 0.1)'
    ]);
    await openPanel(page);
    await panel(page).getByRole('button', { name: 'Refresh' }).click();
    await panel(page).getByText('restore-gone', { exact: true }).dblclick();
    const trial = panel(page).locator('.smx-Table-row[data-name]').first();
    await expect(trial).toBeVisible();
    await selectAndChoose(
      page,
      [(await trial.getAttribute('data-name')) as string],
      'Open in trial component list'
    );
    await expect(list(page).locator('.smx-CompareList-row')).toHaveCount(1, {
      timeout: 30000
    });

    await runPython(page, 'restore.ipynb', [
      'from smx_lab.tracking import Experiment',
      'Experiment.load("restore-gone").delete_all(action="--force")'
    ]);
    // Closed, so that the reload does not bring the notebook (and its kernel's dialogs) back.
    await page.notebook.save();
    await page.notebook.close(true);
    await reload(page);

    // The panel was in the experiment: it is at Home now, and says why.
    await expect(panel(page)).toBeVisible();
    await expect(
      panel(page).getByRole('navigation', { name: 'Location' })
    ).toHaveText('Home', { timeout: 30000 });
    const note = panel(page).locator('.smx-Browser-fallback');
    await expect(note).toContainText(
      'Experiment ‘restore-gone’ is not in the store any more: showing Home.'
    );
    await expect(panel(page).getByRole('alert')).toHaveCount(0);
    await page.locator('.smx-Browser').screenshot({
      path: path.join(SCREENSHOTS, 'sidebar-fallback.png')
    });
    await note.getByRole('button', { name: 'Dismiss' }).click();
    await expect(note).toHaveCount(0);

    // The list of its trial says that nothing of it is left, instead of an error with Retry.
    await page.locator('.lm-TabBar-tab', { hasText: 'Compare:' }).click();
    await expect(page.locator('.smx-MissingNote')).toContainText(
      'Nothing of this list is in the store any more'
    );
    await expect(
      page.locator('.smx-CompareListWidget').getByRole('button', { name: 'Retry' })
    ).toHaveCount(0);
  });
});
