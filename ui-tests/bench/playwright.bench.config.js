/**
 * The browser benchmark of the trial component list (docs/benchmarks.md): the scale store
 * (start-server.sh scale: 100,000 trial components) in Debian's Chromium, one run of bench/.
 *
 *   cd ui-tests && npx playwright test -c bench/playwright.bench.config.js
 */
const path = require('path');
const base = require('../playwright.config.js');

const port = process.env.SMX_LAB_UI_BENCH_PORT || '8936';

module.exports = {
  ...base,
  // Timings, not checks: no retry would make a slow run look like a fast one.
  retries: 0,
  timeout: 600 * 1000,
  reporter: [['list']],
  projects: [
    {
      name: 'bench',
      testDir: path.join(__dirname),
      testMatch: /.*\.bench\.ts/,
      use: { baseURL: `http://127.0.0.1:${port}` }
    }
  ],
  webServer: [
    {
      command: 'jlpm start:scale',
      cwd: path.join(__dirname, '..'),
      url: `http://127.0.0.1:${port}/lab`,
      timeout: 300 * 1000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10000 },
      env: { ...process.env, SMX_LAB_UI_PORT: port }
    }
  ]
};
