/**
 * The SageMaker job of a trial component, in a real JupyterLab on the SageMaker store (a moto
 * server seeded with jobs: seed_sagemaker.py): the Job settings, Debugger and Logs tabs, stopping
 * a running job from the context menu, deploying a completed one from the view, and AWS denying
 * an action. Screenshots in light and dark themes go to docs/screenshots/.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const HTML_LINE = '<script>alert(1)</script> as text';

function panel(page: Page): Locator {
  return page.locator('#smx-lab-experiments');
}

function view(page: Page): Locator {
  return page.locator('.smx-ComponentView:visible');
}

/** Any alert() means user text ran as HTML: the journey fails on the spot. */
function failOnDialogs(page: Page): void {
  page.on('dialog', dialog => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
}

async function openComponent(
  page: IJupyterLabPageFixture,
  name: string
): Promise<Locator> {
  await page.evaluate(async component => {
    await (window as any).jupyterapp.commands.execute(
      'smx-lab:open-component',
      { name: component }
    );
  }, name);
  const opened = page.locator(`.smx-Details[data-component="${name}"]`);
  await expect(opened).toBeVisible();
  return opened;
}

/** The Experiments panel at the trial `pipeline` of the experiment `jobs`. */
async function openPipeline(page: IJupyterLabPageFixture): Promise<void> {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(panel(page)).toBeVisible();
  await panel(page).locator('.smx-Table-row[data-name="jobs"]').dblclick();
  await panel(page).locator('.smx-Table-row[data-name="pipeline"]').dblclick();
  await expect(
    panel(page).getByRole('navigation', { name: 'Location' })
  ).toContainText('pipeline');
}

function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('.Toastify__toast').filter({ hasText: text });
}

test.describe('SageMaker jobs', () => {
  test.beforeEach(async ({ page }) => {
    failOnDialogs(page);
  });

  test('a training job with rules: its settings, its Debugger rules and its logs', async ({
    page
  }) => {
    const details = await openComponent(page, 'train-rules-aws-training-job');
    const bar = details.getByRole('toolbar', { name: 'Job actions' });
    await expect(bar).toContainText('Training job train-rules');
    await expect(bar.locator('.smx-StatusBadge')).toHaveText('Completed');
    await expect(
      bar.getByRole('button', { name: 'Deploy model…' })
    ).toBeVisible();
    await expect(bar.getByRole('button', { name: /^Stop/ })).toHaveCount(0);

    await details.getByRole('tab', { name: 'Job settings' }).click();
    const steps = details.locator('.smx-Timeline-step');
    await expect(steps).toHaveCount(5);
    await expect(steps.last()).toHaveAttribute('data-status', 'Completed');
    const settings = details.locator('.smx-JobSettings');
    await expect(
      settings.getByRole('row', { name: /Instance type/ })
    ).toContainText('ml.m5.xlarge');
    await expect(
      settings.getByRole('row', { name: /Billable time/ })
    ).toContainText('650 s');
    await expect(details.locator('[data-channel="validation"]')).toContainText(
      's3://smx-lab-jobs/data/validation'
    );
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-settings-light.png')
    });

    await details.getByRole('tab', { name: 'Debugger' }).click();
    const rules = details.locator('.smx-RulesTable tbody tr');
    await expect(rules).toHaveCount(3);
    await expect(details.locator('[data-rule="Overfit"]')).toContainText(
      'IssuesFound'
    );
    const report = details
      .locator('[data-rule="ProfilerReport-1700000000"]')
      .getByRole('link', { name: 'Open report' });
    await expect(report).toHaveAttribute(
      'href',
      /^https:\/\/s3\.console\.aws\.amazon\.com\/s3\/object\/smx-lab-jobs\?/
    );
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-debugger-light.png')
    });

    await details.getByRole('tab', { name: 'Logs' }).click();
    const log = details.getByRole('log');
    const messages = log.locator('.smx-LogsTab-message');
    await expect(messages).toHaveCount(100);
    await expect(messages.last()).toHaveText(/^\[249\]/);
    await expect(
      details.getByRole('checkbox', { name: 'Follow' })
    ).toBeDisabled();
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-logs-light.png')
    });
    await details.getByRole('button', { name: 'Load older events' }).click();
    await expect(messages).toHaveCount(200);
    await details.getByRole('button', { name: 'Load older events' }).click();
    await expect(messages).toHaveCount(250);
    await expect(messages.first()).toHaveText(/^\[0\]/);

    // The second instance's stream: a line of HTML stays text.
    await details
      .getByRole('combobox', { name: 'Log stream' })
      .selectOption('train-rules/algo-2-1700000000');
    await expect(messages).toHaveCount(3);
    await expect(messages.nth(1)).toHaveText(HTML_LINE);
    await expect(page.locator('.smx-ComponentView script')).toHaveCount(0);
  });

  test('a training job without rules says so; a processing job has no Debugger tab', async ({
    page
  }) => {
    const plain = await openComponent(page, 'train-plain-aws-training-job');
    await plain.getByRole('tab', { name: 'Debugger' }).click();
    await expect(plain.locator('.smx-DebuggerTab-empty')).toHaveText(
      'Training job train-plain ran no Debugger or profiler rules.'
    );

    const prep = await openComponent(page, 'prep-data-aws-processing-job');
    await expect(prep.getByRole('tab', { name: 'Job settings' })).toBeVisible();
    await expect(prep.getByRole('tab', { name: 'Debugger' })).toHaveCount(0);
    await prep.getByRole('tab', { name: 'Job settings' }).click();
    await expect(prep.locator('.smx-JobSettings')).toContainText('ml.m5.large');
    await expect(prep.locator('[data-channel="raw"]')).toContainText(
      '/opt/ml/processing/input'
    );

    // A component that no job created has no job tabs.
    const notebook = await openComponent(page, 'notebook-run');
    await expect(notebook.getByRole('tab', { name: 'Metrics' })).toBeVisible();
    await expect(notebook.getByRole('tab', { name: 'Logs' })).toHaveCount(0);
  });

  test('Follow shows the new lines of a running job as it writes them', async ({
    page
  }) => {
    const details = await openComponent(page, 'train-running-aws-training-job');
    await expect(
      details.getByRole('toolbar', { name: 'Job actions' })
    ).toContainText('Training');
    // Keyboard: the Logs tab, then the log itself.
    await details.getByRole('tab', { name: 'Logs' }).focus();
    await page.keyboard.press('Enter');
    const follow = details.getByRole('checkbox', { name: 'Follow' });
    await expect(follow).toBeChecked();
    const messages = details.locator('.smx-LogsTab-message');
    await expect(messages.first()).toBeVisible();
    const before = await messages.count();
    await expect
      .poll(() => messages.count(), { timeout: 30000 })
      .toBeGreaterThan(before);
    await expect(messages.last()).toHaveText(/^epoch \d+ loss/);
  });

  test('a running job stopped from the context menu of its row', async ({
    page
  }) => {
    await openPipeline(page);
    const row = panel(page).locator(
      '.smx-Table-row[data-name="train-to-stop-aws-training-job"]'
    );
    await row.click();
    await row.click({ button: 'right' });
    const item = page
      .locator('.lm-Menu')
      .getByText('Stop training job…', { exact: true });
    await expect(item).toBeVisible();
    await expect(
      page.locator('.lm-Menu-item[data-command="smx-lab:stop-job"]')
    ).not.toHaveClass(/lm-mod-disabled/);
    await item.click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Stop training job train-to-stop?');
    await expect(dialog.locator('.smx-JobDialog-jobName')).toHaveText(
      'train-to-stop'
    );
    await dialog.locator('.jp-Dialog-content').screenshot({
      path: path.join(SCREENSHOTS, 'job-stop-dialog-light.png')
    });
    await dialog.getByRole('button', { name: 'Stop job' }).click();
    await expect(
      toast(page, 'Stopping the training job train-to-stop.')
    ).toBeVisible();

    const details = await openComponent(page, 'train-to-stop-aws-training-job');
    await details.getByRole('tab', { name: 'Job settings' }).click();
    await expect(details.locator('.smx-Timeline-step').last()).toHaveAttribute(
      'data-status',
      /Stopping|Stopped/
    );
    await expect(
      details
        .getByRole('toolbar', { name: 'Job actions' })
        .getByRole('button', {
          name: /^Stop/
        })
    ).toHaveCount(0);
  });

  test('a completed training job deployed from its view, until InService', async ({
    page
  }) => {
    const endpoint = `plain-${Date.now()}`;
    const details = await openComponent(page, 'train-plain-aws-training-job');
    await details
      .getByRole('toolbar', { name: 'Job actions' })
      .getByRole('button', { name: 'Deploy model…' })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Deploy the model of train-plain?');
    await dialog
      .getByRole('combobox', { name: 'Instance type' })
      .selectOption('ml.m5.large');
    await dialog.getByRole('spinbutton', { name: 'Instance count' }).fill('2');
    await dialog.getByRole('textbox', { name: 'Endpoint name' }).fill(endpoint);
    await dialog.locator('.jp-Dialog-content').screenshot({
      path: path.join(SCREENSHOTS, 'job-deploy-dialog-light.png')
    });
    await dialog.getByRole('button', { name: 'Deploy' }).click();

    await details.getByRole('tab', { name: 'Job settings' }).click();
    const progress = details.locator(
      `.smx-Deployment[data-endpoint="${endpoint}"]`
    );
    await expect(progress).toHaveAttribute('data-status', 'Creating');
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-deploy-progress-light.png')
    });
    await expect(progress).toHaveAttribute('data-status', 'InService', {
      timeout: 30000
    });
    await expect(
      toast(page, `Endpoint ${endpoint} is InService.`)
    ).toBeVisible();
  });

  test('AWS denying a stop is said in words a user can act on', async ({
    page
  }) => {
    const details = await openComponent(page, 'train-guarded-aws-training-job');
    await details
      .getByRole('toolbar', { name: 'Job actions' })
      .getByRole('button', { name: 'Stop training job…' })
      .click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Stop job' })
      .click();
    const denied = toast(
      page,
      'The training job train-guarded could not be stopped: your AWS credentials are not allowed to do this'
    );
    await expect(denied).toBeVisible();
    // A toast shows 140 characters: Details shows AWS's whole message.
    await denied.getByRole('button', { name: 'Details' }).click();
    const whole = page.locator('.jp-Dialog');
    await expect(whole).toContainText(
      'not authorized to perform: sagemaker:StopTrainingJob'
    );
    await whole.locator('.jp-Dialog-content').screenshot({
      path: path.join(SCREENSHOTS, 'job-stop-denied-light.png')
    });
    await whole.getByRole('button', { name: 'Close' }).click();
    await expect(
      details
        .getByRole('toolbar', { name: 'Job actions' })
        .locator('.smx-StatusBadge')
    ).toHaveText('InProgress');
  });

  test('the dark theme: the Job settings and Logs tabs', async ({ page }) => {
    await page.theme.setDarkTheme();
    const details = await openComponent(page, 'train-failed-aws-training-job');
    await details.getByRole('tab', { name: 'Job settings' }).click();
    await expect(details.getByRole('alert')).toContainText('AlgorithmError');
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-settings-dark.png')
    });
    const rules = await openComponent(page, 'train-rules-aws-training-job');
    await rules.getByRole('tab', { name: 'Debugger' }).click();
    await expect(rules.locator('.smx-RulesTable tbody tr')).toHaveCount(3);
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-debugger-dark.png')
    });
    await rules.getByRole('tab', { name: 'Logs' }).click();
    await expect(rules.locator('.smx-LogsTab-message')).toHaveCount(100);
    await view(page).screenshot({
      path: path.join(SCREENSHOTS, 'job-logs-dark.png')
    });
  });
});
