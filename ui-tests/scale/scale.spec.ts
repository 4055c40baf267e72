/**
 * The Experiments panel on a store of 10,000 experiments (start-server.sh scale): the rows are
 * virtualized and paged, so the DOM never holds more than about 100 of them, even at the end.
 *
 * The time from the click on the beaker to the first rows is measured and reported (annotation
 * and console), never asserted: timings belong to the benchmarks, not to pass/fail.
 */
import { expect, test } from '@jupyterlab/galata';

const TOTAL = 10000;
const MAX_ROWS_IN_DOM = 100;

test('10,000 experiments: first rows after the click, and at most 100 rows in the DOM to the end', async ({
  page
}, testInfo) => {
  const panel = page.locator('#smx-lab-experiments');
  const rows = panel.locator('.smx-Table-row');

  // Timed inside the page: from the real pointerdown on the beaker to the first row in the DOM.
  await page.evaluate(() => {
    const timing = { clicked: 0, rows: 0 };
    (window as any).smxScaleTiming = timing;
    document.addEventListener(
      'pointerdown',
      () => {
        timing.clicked = timing.clicked || performance.now();
      },
      { capture: true }
    );
    const observer = new MutationObserver(() => {
      if (
        document.querySelector('#smx-lab-experiments .smx-Table-row[data-name]')
      ) {
        timing.rows = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  await rows.first().waitFor();
  const firstRowsMs = Math.round(
    await page.evaluate(() => {
      const timing = (window as any).smxScaleTiming;
      return timing.rows - timing.clicked;
    })
  );
  testInfo.annotations.push({
    type: 'first rows visible after the click (ms)',
    description: String(firstRowsMs)
  });
  console.log(
    `smx-lab scale: first rows visible ${firstRowsMs} ms after the click`
  );

  await expect(panel.locator('.smx-Table')).toHaveAttribute(
    'aria-rowcount',
    String(TOTAL)
  );
  expect(await rows.count()).toBeLessThanOrEqual(MAX_ROWS_IN_DOM);

  // Scroll to the end in jumps, as a dragged scrollbar does; count the rows at every stop.
  const body = panel.locator('.smx-Table-body');
  let mostRows = 0;
  for (let stop = 1; stop <= 20; stop++) {
    await body.evaluate((element, fraction) => {
      element.scrollTop =
        (element.scrollHeight - element.clientHeight) * fraction;
    }, stop / 20);
    await page.waitForTimeout(50);
    mostRows = Math.max(mostRows, await rows.count());
  }
  // The oldest experiment is last (newest first); it arrives with the last page.
  const last = panel.locator(
    '.smx-Table-row[data-name="scale-experiment-00000"]'
  );
  await expect(last).toBeVisible({ timeout: 30000 });
  mostRows = Math.max(mostRows, await rows.count());
  console.log(
    `smx-lab scale: at most ${mostRows} rows in the DOM while scrolling`
  );
  testInfo.annotations.push({
    type: 'most rows in the DOM while scrolling',
    description: String(mostRows)
  });
  expect(mostRows).toBeLessThanOrEqual(MAX_ROWS_IN_DOM);
  await expect(panel.getByText(`${TOTAL} rows`)).toBeVisible();
});
