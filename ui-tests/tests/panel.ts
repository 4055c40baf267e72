/**
 * What the browser tests of the trial component list share: the Experiments panel, opening a
 * selection in a trial component list, and where screenshots go. Not a spec: Playwright runs
 * `*.spec.ts` only.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as path from 'path';

export const SCREENSHOTS = path.resolve(
  __dirname,
  '..',
  '..',
  'docs',
  'screenshots'
);

export function panel(page: Page): Locator {
  return page.locator('#smx-lab-experiments');
}

export function list(page: Page): Locator {
  return page.locator('.smx-CompareList');
}

export async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(panel(page)).toBeVisible();
}

/** Right-click a row of the panel → "Open in trial component list". */
export async function openInList(page: Page, name: string): Promise<void> {
  await panel(page)
    .locator(`.smx-Table-row[data-name="${name}"]`)
    .click({ button: 'right' });
  await page
    .locator('.lm-Menu')
    .getByText('Open in trial component list', { exact: true })
    .click();
}
