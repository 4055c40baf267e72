/**
 * Search where the user is (issue 17, item 6) against the demo store: a query about trial
 * components typed at Home or in an experiment lists the trial components it finds there, with
 * their trial and experiment, instead of being refused as an unknown experiment property.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

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

/** Drags the sidebar's edge so the panel is `width` pixels wide. */
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
  await page.mouse.move(handle.x + handle.width / 2 + width - current.width, y, {
    steps: 5
  });
  await page.mouse.up();
}

async function search(page: Page, text: string): Promise<void> {
  await panel(page).getByPlaceholder('Search').fill(text);
}

test.describe('Search where the user is', () => {
  test.beforeEach(async ({ page }) => {
    page.on('dialog', dialog => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  });

  test('a metric query at Home lists the trial components of every experiment, with their trials', async ({
    page
  }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await openPanel(page);
    await expect(rows(page).first()).toBeVisible();
    await search(page, 'metrics.test:accuracy.max > 0.9');

    // The grid's and the sweep's training runs: trial components, not experiments.
    await expect(panel(page).locator('.smx-Browser-found')).toHaveText(
      'Trial components of every experiment that match:'
    );
    await expect(rows(page).first()).toHaveAttribute(
      'data-kind',
      'TrialComponent'
    );
    const kinds = await rows(page).evaluateAll(found =>
      found.map(row => row.getAttribute('data-kind'))
    );
    expect(kinds.length).toBeGreaterThan(3);
    expect(new Set(kinds)).toEqual(new Set(['TrialComponent']));
    await expect(panel(page).getByRole('alert')).toHaveCount(0);
    await expect(
      panel(page).getByRole('columnheader', { name: 'Trial', exact: true })
    ).toBeVisible();
    const sweepRun = rows(page).filter({
      hasText: 'digits-mlp-64-hidden-units'
    });
    await expect(sweepRun).toHaveCount(1);

    await widenSidebar(page, 460);
    await expect(
      panel(page).getByRole('columnheader', { name: 'Experiment' })
    ).toBeVisible();
    await expect(sweepRun).toContainText('digits-hidden-units-sweep');
    await page.locator('.smx-Browser').screenshot({
      path: path.join(SCREENSHOTS, 'sidebar-search-components.png')
    });

    // By keyboard: the first found row opens its component view.
    await rows(page).first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await expect(page.locator('.smx-ComponentView')).toBeVisible();
  });

  test('a parameter query in an experiment lists its trial components; the list opens from them', async ({
    page
  }) => {
    await openPanel(page);
    await panel(page)
      .getByText('digits-hidden-units-sweep', { exact: true })
      .dblclick();
    await expect(rows(page)).toHaveCount(3);
    const asked: string[] = [];
    page.on('request', request => {
      const route = new URL(request.url()).pathname.split('/smx-lab/api/')[1];
      if (route !== undefined) {
        asked.push(`${request.method()} ${route}${new URL(request.url()).search}`);
      }
    });
    await search(page, 'parameters.hidden_units >= 32');
    await expect(panel(page).locator('.smx-Browser-found')).toHaveText(
      'Trial components of this experiment that match:'
    );
    await expect(rows(page)).toHaveCount(2);
    const trials = (await rows(page).allTextContents()).join(' ');
    expect(trials).toContain('digits-mlp-32-hidden-units');
    expect(trials).toContain('digits-mlp-64-hidden-units');
    expect(trials).not.toContain('digits-mlp-16-hidden-units');
    // Scoped to the experiment by the server, never refused as a trial query.
    expect(
      asked.some(one =>
        one.startsWith('GET components?experiment=digits-hidden-units-sweep')
      )
    ).toBe(true);
    await expect(panel(page).getByRole('alert')).toHaveCount(0);

    // The found components compare like any selected components.
    await rows(page).first().click();
    await rows(page).nth(1).click({ modifiers: ['Shift'] });
    await rows(page).nth(1).click({ button: 'right' });
    await page
      .locator('.lm-Menu')
      .getByText('Open in trial component list', { exact: true })
      .click();
    await expect(
      page.locator('.smx-CompareList .smx-CompareList-row')
    ).toHaveCount(2, { timeout: 30000 });

    // Plain words in the experiment still filter its trials by name.
    await search(page, 'mlp-16');
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toHaveAttribute('data-kind', 'Trial');
    await expect(panel(page).locator('.smx-Browser-found')).toHaveCount(0);
  });

  test('found trial components in the dark theme', async ({ page }) => {
    await page.theme.setDarkTheme();
    await openPanel(page);
    await search(page, 'parameters.optimizer = "sgd"');
    await expect(panel(page).locator('.smx-Browser-found')).toBeVisible();
    await expect(rows(page).first()).toHaveAttribute(
      'data-kind',
      'TrialComponent'
    );
    await page.locator('.smx-Browser').screenshot({
      path: path.join(SCREENSHOTS, 'sidebar-search-components-dark.png')
    });
  });
});
