/**
 * Chromium's times on the trial component list of 100,000 components (the scale store), the
 * median of 5 runs each, measured inside the page (performance.now()):
 *
 * - first rows: from the pointerdown on "Open in trial component list" to the first row of the
 *   list in the DOM;
 * - re-sorted rows: from the pointerdown on a metric's header to the first row of the new order.
 *
 * Printed and written to benchmarks/results/list-browser.json; nothing is asserted.
 */
import { test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

const RUNS = 5;
const EXPERIMENT = 'scale-components';
const METRIC_HEADER = 'validation:accuracy - Last';
const RESULTS = path.resolve(
  __dirname,
  '..',
  '..',
  'benchmarks',
  'results',
  'list-browser.json'
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Arms a timer in the page: from the next pointerdown to the first moment `selector` matches an
 * element whose `data-name` is not `previous`.
 */
async function arm(
  page: Page,
  selector: string,
  previous: string | null
): Promise<void> {
  await page.evaluate(
    ({ selector, previous }) => {
      const timing = { started: 0, done: 0 };
      (window as any).smxBench = timing;
      document.addEventListener(
        'pointerdown',
        () => {
          timing.started = performance.now();
        },
        { capture: true, once: true }
      );
      const check = () => {
        const found = document.querySelector(selector);
        if (
          timing.started &&
          found &&
          found.getAttribute('data-name') !== previous
        ) {
          timing.done = performance.now();
          observer.disconnect();
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['data-name']
      });
    },
    { selector, previous }
  );
}

async function elapsed(page: Page): Promise<number> {
  await page.waitForFunction(() => (window as any).smxBench.done > 0, null, {
    timeout: 60000
  });
  return page.evaluate(() => {
    const timing = (window as any).smxBench;
    return timing.done - timing.started;
  });
}

test('the trial component list on 100,000 components: first rows and a metric sort', async ({
  page
}) => {
  const firstRows: number[] = [];
  const sorted: number[] = [];
  const firstRow = '.smx-CompareList-row[data-name]:not(.smx-mod-baseline)';
  await page.locator('.jp-SideBar [data-id="smx-lab-experiments"]').click();
  for (let run = 0; run < RUNS; run++) {
    await page
      .locator(`#smx-lab-experiments .smx-Table-row[data-name="${EXPERIMENT}"]`)
      .click({ button: 'right' });
    const entry = page
      .locator('.lm-Menu')
      .getByText('Open in trial component list', { exact: true });
    await entry.waitFor();
    await arm(page, firstRow, null);
    await entry.click();
    firstRows.push(await elapsed(page));

    const list = page.locator('.smx-CompareList');
    const before = await list
      .locator(firstRow)
      .first()
      .getAttribute('data-name');
    await arm(page, firstRow, before);
    await list.getByRole('button', { name: METRIC_HEADER }).click();
    sorted.push(await elapsed(page));

    // Closed, so that the next run opens a new list.
    await page
      .locator('.lm-TabBar-tab', { hasText: 'Compare:' })
      .locator('.lm-TabBar-tabCloseIcon')
      .click();
    await list.waitFor({ state: 'detached' });
  }
  const figure = (name: string, values: number[]) => ({
    name,
    value: median(values),
    unit: 'ms',
    stat: 'median',
    // The goal: "each in well under a second on this 2-core machine".
    target: 1000,
    goal: '<=',
    extra: { runs: values.map(Math.round) },
    passed: median(values) <= 1000
  });
  const result = {
    name: 'list-browser',
    title:
      'Trial component list of 100,000 components in Chromium (the scale store)',
    command:
      'cd ui-tests && npx playwright test -c bench/playwright.bench.config.js',
    measured_at: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
    notes: [
      `median of ${RUNS} runs, timed inside the page with performance.now()`,
      'first rows: from the pointerdown on "Open in trial component list" to the first row in the DOM',
      `re-sorted: from the pointerdown on the "${METRIC_HEADER}" header to the first row of the new order`,
      'Debian Chromium, headless, against start-server.sh scale (seed_scale.py)'
    ],
    figures: [
      figure('first rows after Open in trial component list', firstRows),
      figure('re-sorted rows after a metric header click', sorted)
    ]
  };
  console.log(
    `smx-lab list on 100,000 components: first rows ${Math.round(median(firstRows))} ms, ` +
      `re-sorted by a metric ${Math.round(median(sorted))} ms (median of ${RUNS}; ` +
      `runs ${firstRows.map(Math.round).join(', ')} / ${sorted.map(Math.round).join(', ')})`
  );
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
});
