import { expect, test } from '@jupyterlab/galata';

test('the beaker in the left sidebar opens the Experiments panel', async ({ page }) => {
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await expect(page.locator('#smx-lab-experiments')).toBeVisible();
});
