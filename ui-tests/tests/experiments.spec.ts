/**
 * The Experiments panel in a real JupyterLab against the demo store (`smx-lab demo`, see
 * start-server.sh): the journey of issue 5, from the beaker to a trial component and back.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const HTML = '<img src=x onerror=alert(1)>';

const DEMO_EXPERIMENTS = [
  'breast-cancer-min-child-weight-sweep',
  'digits-model-optimizer-grid',
  'digits-hidden-units-sweep'
];

function panel(page: Page): Locator {
  return page.locator('#smx-lab-experiments');
}

function rows(page: Page): Locator {
  return panel(page).locator('.smx-Table-row[data-name]');
}

async function openPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(panel(page)).toBeVisible();
  return panel(page);
}

/** Drags the sidebar's edge so the panel is `width` pixels wide, as a user would for a screenshot. */
async function widenSidebar(page: Page, width: number): Promise<void> {
  const current = await panel(page).boundingBox();
  const handle = await page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle:visible')
    .first()
    .boundingBox();
  if (!current || !handle) {
    throw new Error('the sidebar or its edge is not on the page');
  }
  const y = handle.y + handle.height / 2;
  await page.mouse.move(handle.x + handle.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(
    handle.x + handle.width / 2 + width - current.width,
    y,
    {
      steps: 5
    }
  );
  await page.mouse.up();
}

async function search(page: Page, text: string): Promise<void> {
  await panel(page).getByPlaceholder('Search').fill(text);
}

/** Any alert() means user text ran as HTML: the journey fails on the spot. */
function failOnDialogs(page: Page): void {
  page.on('dialog', dialog => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
}

test.describe('Experiments panel', () => {
  test.beforeEach(async ({ page }) => {
    failOnDialogs(page);
  });

  test('the beaker opens the panel with the demo experiments listed', async ({
    page
  }) => {
    const experiments = await openPanel(page);
    for (const name of DEMO_EXPERIMENTS) {
      await expect(experiments.getByText(name, { exact: true })).toBeVisible();
    }
    await expect(
      experiments.getByRole('button', { name: 'Unassigned trial components' })
    ).toBeVisible();
    await expect(
      experiments.getByRole('columnheader', { name: /Name/ })
    ).toBeVisible();
    await expect(
      experiments.getByRole('columnheader', { name: /Last modified/ })
    ).toBeVisible();
  });

  test('Ctrl+Alt+E opens the panel and Alt+R in it refreshes', async ({
    page
  }) => {
    await page.keyboard.press('Control+Alt+E');
    await expect(panel(page)).toBeVisible();
    await expect(rows(page)).toHaveCount(DEMO_EXPERIMENTS.length + 1);
    await rows(page).first().click();
    const refreshed = page.waitForRequest(request =>
      request.url().includes('/smx-lab/api/experiments')
    );
    await page.keyboard.press('Alt+R');
    await refreshed;
    await expect(rows(page)).toHaveCount(DEMO_EXPERIMENTS.length + 1);
  });

  test('typing in Search narrows the experiments by name', async ({ page }) => {
    await openPanel(page);
    await expect(rows(page)).toHaveCount(DEMO_EXPERIMENTS.length + 1);
    await search(page, 'digits');
    await expect(rows(page)).toHaveCount(2);
    await expect(rows(page).nth(0)).toContainText('digits');
    await expect(rows(page).nth(1)).toContainText('digits');
  });

  test('a bad typed query is explained under the search box', async ({
    page
  }) => {
    await openPanel(page);
    await search(page, 'experiment_name contains');
    const error = panel(page).getByRole('alert');
    await expect(error).toBeVisible();
    await expect(error.locator('.smx-SearchBox-errorPointer')).toContainText(
      '^'
    );
    await expect(panel(page).getByPlaceholder('Search')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
  });

  test('the journey: search, drill down, a metric query, a component, its tabs, and back Home', async ({
    page
  }) => {
    await openPanel(page);
    await search(page, 'hidden-units');
    await expect(rows(page)).toHaveCount(1);

    // Drill into the experiment and a trial.
    await rows(page).first().dblclick();
    const crumbs = panel(page).getByRole('navigation', { name: 'Location' });
    await expect(crumbs).toContainText('digits-hidden-units-sweep');
    await expect(
      panel(page).getByText('digits-mlp-64-hidden-units', { exact: true })
    ).toBeVisible();
    // At the sidebar's default width a trial's component count gives its room to the name.
    await expect(
      panel(page).getByRole('columnheader', { name: /Name/ })
    ).toBeVisible();
    await expect(
      panel(page).getByRole('columnheader', { name: /Trial components/ })
    ).toHaveCount(0);
    await panel(page)
      .getByText('digits-mlp-64-hidden-units', { exact: true })
      .dblclick();
    await expect(crumbs).toContainText('digits-mlp-64-hidden-units');

    // The trial's components: training (with metrics) and the shared preprocessing.
    await expect(rows(page)).toHaveCount(2);
    await expect(
      panel(page).getByRole('columnheader', { name: /Status/ })
    ).toBeVisible();

    // A typed query with a metric condition narrows them to the training run.
    await search(page, 'metrics.test:accuracy.max > 0.5');
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText('Training');
    await widenSidebar(page, 420);
    await expect(
      panel(page).getByRole('columnheader', { name: /Created/ })
    ).toBeVisible();
    await page.locator('.smx-Browser').screenshot({
      path: path.join(SCREENSHOTS, 'sidebar-light.png')
    });

    // Open the component: Enter on the focused row.
    await rows(page).first().click();
    await page.keyboard.press('Enter');
    const view = page.locator('.smx-ComponentView');
    await expect(view).toBeVisible();
    await expect(view.getByRole('heading', { name: 'Training' })).toBeVisible();
    await expect(view.locator('.smx-StatusBadge')).toHaveText('Completed');

    // Metrics: the summary and a chart per metric.
    const summary = view.locator('.smx-MetricsTable');
    for (const metric of ['train:loss', 'test:loss', 'test:accuracy']) {
      await expect(summary.locator(`[data-metric="${metric}"]`)).toBeVisible();
    }
    await expect(
      view.locator('.smx-MetricChart[data-metric="test:accuracy"] svg.marks')
    ).toBeVisible({ timeout: 30000 });
    await await view.screenshot({
      path: path.join(SCREENSHOTS, 'component-light.png')
    });

    // Parameters: the demo's hyperparameters with their types.
    await view.getByRole('tab', { name: 'Parameters' }).click();
    const hiddenUnits = view.locator('[data-parameter="hidden_units"]');
    await expect(hiddenUnits).toContainText('64');
    await expect(hiddenUnits).toContainText('Number');
    await expect(view.locator('[data-parameter="optimizer"]')).toContainText(
      'adam'
    );

    // Trial Mappings: the trial and its experiment.
    await view.getByRole('tab', { name: 'Trial Mappings' }).click();
    await expect(
      view.getByRole('button', { name: 'digits-mlp-64-hidden-units' })
    ).toBeVisible();

    // Back Home by the breadcrumb.
    await crumbs.getByRole('button', { name: 'Home' }).click();
    await expect(panel(page).getByPlaceholder('Search')).toHaveValue('');
    for (const name of DEMO_EXPERIMENTS) {
      await expect(panel(page).getByText(name, { exact: true })).toBeVisible();
    }
  });

  test('Backspace goes up a level and arrows with Shift select several rows', async ({
    page
  }) => {
    await openPanel(page);
    await rows(page).first().click();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(
      panel(page).locator('.smx-Table-row.jp-mod-selected')
    ).toHaveCount(3);
    await panel(page)
      .getByText('digits-model-optimizer-grid', { exact: true })
      .dblclick();
    await expect(rows(page).first()).toBeVisible();
    await rows(page).first().click();
    await page.keyboard.press('Backspace');
    await expect(
      panel(page).getByText('digits-model-optimizer-grid', { exact: true })
    ).toBeVisible();
    await expect(
      panel(page).getByRole('navigation', { name: 'Location' })
    ).toHaveText('Home');
  });

  test('HTML in a display name, a status message, a parameter value and an artifact value shows as text', async ({
    page
  }) => {
    await openPanel(page);
    await panel(page).getByText('untrusted-text', { exact: true }).dblclick();
    await panel(page)
      .getByText('Default-Run-Group-untrusted-text', { exact: true })
      .dblclick();
    const row = rows(page).first();
    await expect(row).toContainText(`run ${HTML}`);
    await row.dblclick();
    const view = page.locator('.smx-ComponentView');
    await expect(
      view.getByRole('heading', { name: `run ${HTML}` })
    ).toBeVisible();
    await expect(view.locator('.smx-Details-statusMessage')).toHaveText(
      `finished: ${HTML}`
    );
    await view.getByRole('tab', { name: 'Parameters' }).click();
    await expect(view.locator('[data-parameter="note"] td').nth(1)).toHaveText(
      HTML
    );
    await view.getByRole('tab', { name: 'Artifacts' }).click();
    await expect(
      view.locator('[data-artifact="report"] .smx-Details-value')
    ).toHaveText(`https://example.com/${HTML}`);
    await expect(
      page.locator('.smx-ExperimentsPanel img, .smx-ComponentView img')
    ).toHaveCount(0);
  });

  test('the command palette opens a trial component by name', async ({
    page
  }) => {
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await palette.locator('input').fill('Open a trial component by name');
    await palette.locator('.lm-CommandPalette-item').first().click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('input').fill('untrusted-text-html-values');
    await dialog.getByRole('button', { name: /Ok/i }).click();
    const view = page.locator('.smx-ComponentView');
    await expect(
      view.getByRole('heading', { name: `run ${HTML}` })
    ).toBeVisible();
  });

  test('a trial of the Trial Mappings tab is revealed in the panel', async ({
    page
  }) => {
    await openPanel(page);
    await panel(page)
      .getByText('digits-hidden-units-sweep', { exact: true })
      .dblclick();
    await panel(page)
      .getByText('digits-mlp-16-hidden-units', { exact: true })
      .dblclick();
    // The shared preprocessing component belongs to all three trials of the sweep.
    await panel(page).getByText('Preprocessing', { exact: true }).dblclick();
    const view = page.locator('.smx-ComponentView');
    await view.getByRole('tab', { name: 'Trial Mappings' }).click();
    const trials = view.locator('.smx-TrialMappingsTable tbody tr');
    await expect(trials).toHaveCount(3);
    await view
      .getByRole('button', { name: 'digits-mlp-64-hidden-units' })
      .click();
    await expect(
      panel(page).getByRole('navigation', { name: 'Location' })
    ).toContainText('digits-mlp-64-hidden-units');
    await expect(rows(page)).toHaveCount(2);
  });

  test('the panel and an open trial component come back after a reload', async ({
    page
  }) => {
    await openPanel(page);
    await panel(page).getByText('untrusted-text', { exact: true }).dblclick();
    await panel(page)
      .getByText('Default-Run-Group-untrusted-text', { exact: true })
      .dblclick();
    await rows(page).first().dblclick();
    await expect(page.locator('.smx-ComponentView')).toBeVisible();
    // The layout is saved to the workspace shortly after it changes.
    await page.waitForTimeout(2000);
    // Galata's readiness check waits for the Launcher tab, which the restored view replaces.
    await page.reload({ waitForIsReady: false });
    await expect(panel(page)).toBeVisible();
    await expect(
      page.locator('.smx-ComponentView').getByRole('heading', {
        name: `run ${HTML}`
      })
    ).toBeVisible();
    // The panel is back where it was, in the trial.
    await expect(
      panel(page).getByRole('navigation', { name: 'Location' })
    ).toContainText('Default-Run-Group-untrusted-text');
    await expect(rows(page)).toHaveCount(1);
  });

  test('a right-click on a row offers Open', async ({ page }) => {
    await openPanel(page);
    await panel(page)
      .getByText('digits-hidden-units-sweep', { exact: true })
      .click({ button: 'right' });
    const menu = page.locator('.lm-Menu');
    await menu.getByText('Open', { exact: true }).click();
    await expect(
      panel(page).getByRole('navigation', { name: 'Location' })
    ).toContainText('digits-hidden-units-sweep');
  });

  test('metrics logged from a running notebook appear in the open view of its run', async ({
    page
  }) => {
    // The kernel inherits the server's SMX_LAB_DB: it logs into the store the panel shows.
    await page.notebook.createNew('live.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      [
        'import smx_lab',
        'run = smx_lab.Run(experiment_name="live-notebook", run_name="training").__enter__()',
        'run.log_metric(name="loss", value=1.0, step=0)',
        'run.flush()'
      ].join('\n')
    );
    await page.notebook.runCell(0);
    await page.evaluate(async () => {
      await (window as any).jupyterapp.commands.execute(
        'smx-lab:open-component',
        { name: 'live-notebook-training' }
      );
    });
    const view = page.locator('.smx-ComponentView');
    await expect(view.locator('.smx-StatusBadge')).toHaveText('InProgress');
    const count = view.locator('[data-metric="loss"] td').nth(6);
    await expect(count).toHaveText('1');

    // More points while the view stays open, in the background.
    await page.activity.activateTab('live.ipynb');
    await page.notebook.addCell(
      'code',
      [
        'run.log_metric(name="loss", value=0.5, step=1)',
        'run.log_metric(name="loss", value=0.25, step=2)',
        'run.flush()'
      ].join('\n')
    );
    // Running the first cell added an empty one: the new cell is the last.
    await page.notebook.runCell((await page.notebook.getCellCount()) - 1);
    await page.activity.activateTab('training');
    // The view reloads on the settings' interval (5 s by default) while the run is InProgress.
    await expect(count).toHaveText('3', { timeout: 20000 });
    await expect(view.locator('[data-metric="loss"] td').nth(5)).toHaveText(
      '0.25'
    );
  });

  test('the dark theme: screenshots of the sidebar and the component view', async ({
    page
  }) => {
    await page.theme.setDarkTheme();
    await openPanel(page);
    await panel(page)
      .getByText('digits-hidden-units-sweep', { exact: true })
      .dblclick();
    await panel(page)
      .getByText('digits-mlp-64-hidden-units', { exact: true })
      .dblclick();
    await expect(rows(page)).toHaveCount(2);
    await widenSidebar(page, 420);
    await page.locator('.smx-Browser').screenshot({
      path: path.join(SCREENSHOTS, 'sidebar-dark.png')
    });
    await panel(page).getByText('Training', { exact: true }).dblclick();
    const view = page.locator('.smx-ComponentView');
    await expect(
      view.locator('.smx-MetricChart[data-metric="test:accuracy"] svg.marks')
    ).toBeVisible({ timeout: 30000 });
    await view.screenshot({
      path: path.join(SCREENSHOTS, 'component-dark.png')
    });
  });
});
