/**
 * The Experiments panel on an MLflow tracking server (start-mlflow.sh): a real `mlflow server`
 * holding tests/mlflow_world.py's world, read through the MLflow store. The journey of issue 13:
 * drill down to a run, its Run info, an artifact opened in JupyterLab, typed `or` queries (which
 * MLflow cannot run: smx-lab checks them on the server), three runs compared, a line chart.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
/** tests/mlflow_world.py's GIT_COMMIT, the `mlflow.source.git.commit` of baseline-logreg. */
const GIT_COMMIT = '3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a';
const DEFAULT_GROUP = 'Default-Run-Group-baselines';
const COMPARED = ['lr-0.1-sgd', 'lr-0.03-adam', 'lr-0.003-adam'];

function panel(page: Page): Locator {
  return page.locator('#smx-lab-experiments');
}

function rows(page: Page): Locator {
  return panel(page).locator('.smx-Table-row[data-name]');
}

function row(page: Page, displayName: string): Locator {
  return rows(page).filter({
    has: page.getByText(displayName, { exact: true })
  });
}

async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(panel(page)).toBeVisible();
}

async function search(page: Page, text: string): Promise<void> {
  await panel(page).getByPlaceholder('Search').fill(text);
}

/** The value cell of a Run info row, by its label. */
function runInfo(view: Locator, label: string): Locator {
  return view
    .locator('.smx-RunInfoTab tr')
    .filter({
      has: view.page().getByRole('rowheader', { name: label, exact: true })
    })
    .locator('td.smx-Details-value');
}

async function expectRows(page: Page, names: string[]): Promise<void> {
  await expect(rows(page)).toHaveCount(names.length, { timeout: 30000 });
  for (const name of names) {
    await expect(row(page, name)).toHaveCount(1);
  }
}

test.describe('MLflow store', () => {
  test.beforeEach(async ({ page }) => {
    // Any alert() means a value from MLflow ran as HTML.
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('drill down to a run: an or query, Run info, and an artifact opened in JupyterLab', async ({
    page
  }) => {
    await openPanel(page);
    for (const name of ['sweep', 'baselines']) {
      await expect(panel(page).getByText(name, { exact: true })).toBeVisible();
    }

    // Experiment → its default run group (standalone runs) → its three runs.
    await panel(page).getByText('baselines', { exact: true }).dblclick();
    await panel(page).getByText(DEFAULT_GROUP, { exact: true }).dblclick();
    const crumbs = panel(page).getByRole('navigation', { name: 'Location' });
    await expect(crumbs).toContainText(DEFAULT_GROUP);
    await expectRows(page, [
      'baseline-logreg',
      'baseline-broken',
      'baseline-live'
    ]);

    // A typed `or`: the running saga run and the failed one.
    await search(page, 'parameters.solver = "saga" or status = "Failed"');
    await expectRows(page, ['baseline-live', 'baseline-broken']);
    await search(page, '');
    await expectRows(page, [
      'baseline-logreg',
      'baseline-broken',
      'baseline-live'
    ]);

    // The run: Run info in place of AWS Settings.
    await row(page, 'baseline-logreg').dblclick();
    const view = page.locator('.smx-ComponentView');
    await expect(
      view.getByRole('heading', { name: 'baseline-logreg' })
    ).toBeVisible();
    await expect(view.locator('.smx-StatusBadge')).toHaveText('Completed');
    await expect(view.getByRole('tab', { name: 'AWS Settings' })).toHaveCount(
      0
    );
    await view.getByRole('tab', { name: 'Run info' }).click();
    await expect(runInfo(view, 'Run name')).toHaveText('baseline-logreg');
    await expect(runInfo(view, 'Experiment')).toHaveText('baselines');
    await expect(runInfo(view, 'Status')).toHaveText('FINISHED');
    await expect(runInfo(view, 'Source name')).toHaveText('seed_mlflow.py');
    await expect(runInfo(view, 'Git commit')).toHaveText(GIT_COMMIT);
    // The trial component is named by the run's ID.
    const runId = await view
      .locator('.smx-Details')
      .getAttribute('data-component');
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    await expect(runInfo(view, 'Run ID')).toHaveText(runId as string);
    await expect(runInfo(view, 'Artifact URI')).toContainText(
      `/mlflow/artifacts/`
    );
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await view.screenshot({
      path: path.join(SCREENSHOTS, 'mlflow-run-info.png')
    });

    // Artifacts: each file by its path; a local one opens in JupyterLab, the dataset is text.
    await view.getByRole('tab', { name: 'Artifacts' }).click();
    for (const name of [
      'metrics.json',
      'notes.txt',
      'model/weights/readme.txt'
    ]) {
      await expect(view.locator(`[data-artifact="${name}"]`)).toBeVisible();
    }
    await expect(
      view
        .locator('[data-artifact="digits-sample"]')
        .getByRole('button', { name: /Open/ })
    ).toHaveCount(0);
    await view
      .locator('[data-artifact="model/weights/readme.txt"]')
      .getByRole('button', { name: 'model/weights/readme.txt', exact: true })
      .click();
    const tab = page.getByRole('tab', { name: /readme\.txt/ });
    await expect(tab).toBeVisible();
    await expect(page.locator('.jp-FileEditor .cm-content')).toContainText(
      'Weights are not kept; this file stands for them.'
    );
  });

  test('three runs of the sweep found by an or query, compared, with a line chart of train:loss', async ({
    page
  }) => {
    await openPanel(page);
    await panel(page).getByText('sweep', { exact: true }).dblclick();
    // A parent run and its children make a trial, shown by the parent's run name.
    await panel(page).getByText('lr-sweep', { exact: true }).dblclick();
    await expectRows(page, [
      'lr-sweep',
      'lr-0.1-sgd',
      'lr-0.03-adam',
      'lr-0.01-sgd',
      'lr-0.003-adam'
    ]);
    await search(page, 'parameters.optimizer = "adam" or parameters.lr = 0.1');
    await expectRows(page, COMPARED);

    for (const name of COMPARED) {
      await row(page, name).click({ modifiers: ['ControlOrMeta'] });
    }
    await expect(
      panel(page).locator('.smx-Table-row.jp-mod-selected')
    ).toHaveCount(3);
    await row(page, COMPARED[2]).click({ button: 'right' });
    await page
      .locator('.lm-Menu')
      .getByText('Open in trial component list', { exact: true })
      .click();

    const list = page.locator('.smx-CompareList');
    const listed = list.locator('.smx-CompareList-row');
    await expect(listed).toHaveCount(3, { timeout: 30000 });
    for (const name of COMPARED) {
      await expect(listed.filter({ hasText: name })).toHaveCount(1);
    }
    // The parameter each run was logged with, as MLflow keeps it.
    const rates = await list
      .locator('.smx-CompareList-cell[data-column="table:lr"]')
      .allTextContents();
    expect(rates.sort()).toEqual(['0.003', '0.03', '0.1']);

    await list.getByRole('button', { name: 'Add chart' }).click();
    const card = page.locator('.smx-ChartCard').first();
    await expect(card).toBeVisible();
    for (const [label, option] of [
      ['Chart type', 'Line'],
      ['Data type', 'Time series'],
      ['Metric', 'train:loss']
    ]) {
      await card
        .getByRole('combobox', { name: label, exact: true })
        .selectOption({ label: option });
    }
    await expect(card).toHaveAttribute('data-data-type', 'time_series');
    await expect(card.locator('svg .mark-line path')).toHaveCount(3, {
      timeout: 30000
    });
    await expect(card).toHaveAttribute('aria-busy', 'false', {
      timeout: 30000
    });
    await expect(card.getByRole('alert')).toHaveCount(0);
    await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
    await card.screenshot({
      path: path.join(SCREENSHOTS, 'mlflow-chart-line.png')
    });
  });
});
