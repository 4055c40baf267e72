/**
 * Galata configuration: real JupyterLab servers with smx-lab stores, driven in Debian's Chromium.
 * Nothing here downloads a browser or ffmpeg (offline machines): video and traces are off.
 *
 * A server per project, each on a store of its own: `journey` (the demo store) runs tests/, `scale`
 * (10,000 experiments and 100,000 trial components) runs scale/, `mlflow` (the MLflow store on a
 * real `mlflow server`) runs mlflow/, `sagemaker` (the SageMaker store on a moto server seeded with
 * jobs) runs sagemaker/.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const journeyPort = process.env.SMX_LAB_UI_PORT || '8931';
const scalePort = process.env.SMX_LAB_UI_SCALE_PORT || '8932';
const mlflowPort = process.env.SMX_LAB_UI_MLFLOW_PORT || '8934';
const sagemakerPort = process.env.SMX_LAB_UI_SAGEMAKER_PORT || '8935';

function server(script, port) {
  return {
    command: `jlpm ${script}`,
    url: `http://127.0.0.1:${port}/lab`,
    // The scale store takes about 70 s to write (100,000 components) while the others start.
    timeout: 420 * 1000,
    reuseExistingServer: !process.env.CI,
    // SIGTERM lets start-server.sh stop JupyterLab and remove its temporary store.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10000 },
    env: { ...process.env, SMX_LAB_UI_PORT: port }
  };
}

module.exports = {
  ...baseConfig,
  reporter: [[process.env.CI ? 'line' : 'list'], ['html', { open: 'never' }]],
  // The servers are shared by all tests; the machines have two cores.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  use: {
    ...baseConfig.use,
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
  projects: [
    {
      name: 'journey',
      testDir: 'tests',
      use: { baseURL: `http://127.0.0.1:${journeyPort}` }
    },
    {
      name: 'scale',
      testDir: 'scale',
      use: { baseURL: `http://127.0.0.1:${scalePort}` }
    },
    {
      name: 'mlflow',
      testDir: 'mlflow',
      use: { baseURL: `http://127.0.0.1:${mlflowPort}` }
    },
    {
      name: 'sagemaker',
      testDir: 'sagemaker',
      use: { baseURL: `http://127.0.0.1:${sagemakerPort}` }
    }
  ],
  webServer: [
    server('start', journeyPort),
    server('start:scale', scalePort),
    server('start:mlflow', mlflowPort),
    server('start:sagemaker', sagemakerPort)
  ]
};
