/**
 * Galata configuration: a real JupyterLab with the demo store, driven in Debian's Chromium.
 * Nothing here downloads a browser or ffmpeg (offline machines): video and traces are off.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.SMX_LAB_UI_PORT || '8931';

module.exports = {
  ...baseConfig,
  reporter: [[process.env.CI ? 'line' : 'list'], ['html', { open: 'never' }]],
  // One JupyterLab server is shared by all tests; the machines have two cores.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.SMX_LAB_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 180 * 1000,
    reuseExistingServer: !process.env.CI,
    env: { ...process.env, SMX_LAB_UI_PORT: port }
  }
};
