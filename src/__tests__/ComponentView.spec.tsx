import { PageConfig } from '@jupyterlab/coreutils';
import { ITranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import React from 'react';
import { ITrialComponent } from '../api';
import { ComponentDetails, ComponentView } from '../details/ComponentView';
import {
  artifactLocation,
  flattenDetail,
  ITabActions,
  openablePath
} from '../details/tabs';
import { fakeServer, IAnswer, IRecordedRequest } from './fakeServer';
import { bracketing } from './translator';

const HTML = '<img src=x onerror=alert(1)>';

// jsdom has no canvas: vega measures text without one (it estimates), as it does in Node.
beforeAll(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

function component(overrides: Partial<ITrialComponent> = {}): ITrialComponent {
  return {
    TrialComponentName: 'cnn-1-training',
    DisplayName: 'Training of cnn-1',
    Status: { PrimaryStatus: 'Completed', Message: 'Finished in time' },
    Source: {
      SourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/cnn-1',
      SourceType: 'SageMakerTrainingJob'
    },
    StartTime: '2024-05-01T10:00:00+00:00',
    EndTime: '2024-05-01T11:02:03+00:00',
    Parameters: {
      learning_rate: { NumberValue: 0.01 },
      optimizer: { StringValue: 'sgd' }
    },
    InputArtifacts: {
      train: { Value: 's3://bucket/mnist/train', MediaType: 'text/csv' }
    },
    OutputArtifacts: {
      model: { Value: 'models/cnn-1.pt', MediaType: 'application/octet-stream' }
    },
    Metrics: [
      {
        MetricName: 'test:accuracy',
        Min: 0.5,
        Max: 0.97,
        Avg: 0.8123456789,
        StdDev: 0.1,
        Last: 0.96,
        Count: 10
      }
    ],
    Parents: [{ TrialName: 'cnn-1', ExperimentName: 'mnist' }],
    SourceDetail: {
      TrainingJob: {
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 }
      }
    },
    ...overrides
  };
}

const RUN_ID = '5f0c8e1a9b2d4c6e8f0a1b2c3d4e5f60';
const PARENT_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const ARTIFACTS = '/srv/lab/mlruns/1/5f0c8e1a/artifacts';

/** A trial component the MLflow store made from a run, as `components/{name}` answers it. */
function mlflowRun(overrides: Partial<ITrialComponent> = {}): ITrialComponent {
  return component({
    TrialComponentName: 'cnn-1-training',
    DisplayName: 'baseline-logreg',
    Source: { SourceArn: `runs:/${RUN_ID}`, SourceType: 'MLflowRun' },
    InputArtifacts: {
      'digits-sample': { Value: 's3://bucket/digits.csv', MediaType: 'pandas' }
    },
    OutputArtifacts: {
      'model/weights/readme.txt': {
        Value: `${ARTIFACTS}/model/weights/readme.txt`,
        MediaType: 'text/plain'
      },
      'notes.txt': { Value: `/elsewhere/notes.txt`, MediaType: 'text/plain' }
    },
    SourceDetail: {
      RunId: RUN_ID,
      RunName: 'baseline-logreg',
      ExperimentId: '1',
      ExperimentName: 'baselines',
      Status: 'FINISHED',
      User: 'ada',
      ArtifactUri: ARTIFACTS,
      LifecycleStage: 'active',
      Tags: {
        'source.name': 'train.py',
        'source.type': 'LOCAL',
        'source.git.commit': '3f2a9c1e',
        parentRunId: PARENT_ID,
        runName: 'baseline-logreg',
        user: 'ada',
        'log-model.note': HTML
      }
    },
    ...overrides
  });
}

/** The label and value cells of each row of a Run info section, by its title. */
function runInfoSection(title: string): string[][] {
  const heading = screen.getByRole('heading', { name: title });
  const section = heading.closest('section') as HTMLElement;
  return within(section)
    .getAllByRole('row')
    .map(row => [
      row.querySelector('th')?.textContent ?? '',
      row.querySelector('td')?.textContent ?? ''
    ]);
}

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: {
    values: [
      { x: 1, y: 0.5 },
      { x: 2, y: 0.9 }
    ]
  },
  mark: 'line',
  encoding: {
    x: { field: 'x', type: 'quantitative' },
    y: { field: 'y', type: 'quantitative' }
  }
};

function actionsRecorder() {
  const calls = {
    copied: [] as string[],
    opened: [] as string[],
    revealed: [] as unknown[][]
  };
  const actions: ITabActions = {
    copy: text => calls.copied.push(text),
    openPath: path => calls.opened.push(path),
    reveal: (experiment, trial) => calls.revealed.push([experiment, trial])
  };
  return { calls, actions };
}

function renderView(
  route: (request: IRecordedRequest) => IAnswer,
  refreshInterval = 5,
  translator?: ITranslator
) {
  const server = fakeServer(route);
  const { calls, actions } = actionsRecorder();
  render(
    <ComponentDetails
      client={server.client}
      name="cnn-1-training"
      settings={{ refreshInterval, chartPoints: 500 }}
      actions={actions}
      translator={translator}
    />
  );
  return { ...server, calls };
}

function routeFor(record: ITrialComponent) {
  return (request: IRecordedRequest): IAnswer => {
    if (request.path === `components/${record.TrialComponentName}`) {
      return { body: record };
    }
    if (request.path === 'chart') {
      return { body: SPEC };
    }
    return { status: 404, body: { error: 'not_found', message: 'no route' } };
  };
}

describe('Trial component view', () => {
  it('shows the display name, status, message, source and duration in its header', async () => {
    renderView(routeFor(component()));
    expect(
      await screen.findByRole('heading', { name: 'Training of cnn-1' })
    ).toBeTruthy();
    expect(screen.getAllByText('Completed')[0].className).toContain(
      'smx-mod-completed'
    );
    expect(screen.getByText('Finished in time')).toBeTruthy();
    expect(screen.getByText(/training-job\/cnn-1/).textContent).toContain(
      'SageMakerTrainingJob: '
    );
    expect(screen.getByText('1 h 2 min 3 s')).toBeTruthy();
  });

  it('summarises each metric with Min, Max, Avg, StdDev, Last and Count', async () => {
    renderView(routeFor(component()));
    await screen.findByRole('heading', { name: 'Training of cnn-1' });
    const table = document.querySelector('.smx-MetricsTable') as HTMLElement;
    const headers = within(table)
      .getAllByRole('columnheader')
      .map(h => h.textContent);
    expect(headers).toEqual([
      'Metric',
      'Min',
      'Max',
      'Avg',
      'StdDev',
      'Last',
      'Count'
    ]);
    const row = table.querySelector(
      '[data-metric="test:accuracy"]'
    ) as HTMLElement;
    expect(
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent)
    ).toEqual([
      'test:accuracy',
      '0.5',
      '0.97',
      '0.812346',
      '0.1',
      '0.96',
      '10'
    ]);
  });

  it('asks the server for a line chart of each metric by step, then by time', async () => {
    const { requests } = renderView(routeFor(component()));
    await screen.findByRole('heading', { name: 'Training of cnn-1' });
    const figure = await screen.findByRole('figure', {
      name: 'test:accuracy by step'
    });
    // vega-embed draws the server's spec: an SVG with the line mark.
    await waitFor(() =>
      expect(figure.querySelector('svg .mark-line path')).not.toBeNull()
    );
    const chart = requests.find(r => r.path === 'chart');
    expect(chart?.body).toEqual({
      chart_type: 'line',
      data_type: 'time_series',
      selection: { components: ['cnn-1-training'] },
      metrics: ['test:accuracy'],
      x_axis: 'step',
      max_points: 500,
      title: 'test:accuracy'
    });
    fireEvent.click(screen.getByRole('radio', { name: 'Time' }));
    await screen.findByRole('figure', { name: 'test:accuracy by time' });
    expect(requests.filter(r => r.path === 'chart').pop()?.body.x_axis).toBe(
      'time'
    );
  });

  it('explains a chart the server could not build, in place of the chart', async () => {
    renderView(request =>
      request.path === 'chart'
        ? {
            status: 400,
            body: { error: 'invalid', message: 'metrics: unknown metric' }
          }
        : routeFor(component())(request)
    );
    expect(
      await screen.findByText(
        /The chart of test:accuracy could not be loaded: metrics: unknown metric/
      )
    ).toBeTruthy();
  });

  it('lists parameters with their value and type, and copies a value', async () => {
    const { calls } = renderView(routeFor(component()));
    fireEvent.click(await screen.findByRole('tab', { name: 'Parameters' }));
    const row = document.querySelector(
      '[data-parameter="learning_rate"]'
    ) as HTMLElement;
    expect(
      within(row)
        .getAllByRole('cell')
        .slice(0, 3)
        .map(c => c.textContent)
    ).toEqual(['learning_rate', '0.01', 'Number']);
    const optimizer = document.querySelector(
      '[data-parameter="optimizer"]'
    ) as HTMLElement;
    expect(within(optimizer).getByText('String')).toBeTruthy();
    fireEvent.click(
      within(optimizer).getByRole('button', { name: 'Copy value of optimizer' })
    );
    expect(calls.copied).toEqual(['sgd']);
  });

  it('shows s3 artifacts as text to copy and opens local ones in JupyterLab', async () => {
    const { calls } = renderView(routeFor(component()));
    fireEvent.click(await screen.findByRole('tab', { name: 'Artifacts' }));
    const train = document.querySelector(
      '[data-artifact="train"]'
    ) as HTMLElement;
    expect(train.textContent).toContain('s3://bucket/mnist/train');
    expect(train.textContent).toContain('text/csv');
    expect(within(train).queryByRole('button', { name: /Open/ })).toBeNull();
    expect(train.querySelector('a')).toBeNull();
    const model = document.querySelector(
      '[data-artifact="model"]'
    ) as HTMLElement;
    fireEvent.click(
      within(model).getByRole('button', { name: 'Open model in JupyterLab' })
    );
    expect(calls.opened).toEqual(['models/cnn-1.pt']);
  });

  it('shows the source and the job details under AWS Settings', async () => {
    renderView(routeFor(component()));
    fireEvent.click(await screen.findByRole('tab', { name: 'AWS Settings' }));
    expect(
      screen.getByText('TrainingJob.ResourceConfig.InstanceType')
    ).toBeTruthy();
    expect(screen.getByText('ml.m5.xlarge')).toBeTruthy();
    expect(screen.getByText('SageMakerTrainingJob')).toBeTruthy();
  });

  it('says when a component has no AWS settings', async () => {
    renderView(
      routeFor(component({ Source: undefined, SourceDetail: undefined }))
    );
    fireEvent.click(await screen.findByRole('tab', { name: 'AWS Settings' }));
    expect(screen.getByText(/not created by a SageMaker job/)).toBeTruthy();
  });

  it('shows an MLflow run’s record and MLflow tags under Run info, in place of AWS Settings', async () => {
    const { calls } = renderView(routeFor(mlflowRun()));
    await screen.findByRole('heading', { name: 'baseline-logreg' });
    expect(screen.getAllByRole('tab').map(tab => tab.textContent)).toEqual([
      'Metrics',
      'Parameters',
      'Artifacts',
      'Run info',
      'Trial Mappings'
    ]);
    fireEvent.click(screen.getByRole('tab', { name: 'Run info' }));
    expect(runInfoSection('Run')).toEqual([
      ['Run ID', RUN_ID],
      ['Run name', 'baseline-logreg'],
      ['Experiment', 'baselines'],
      ['Experiment ID', '1'],
      ['Status', 'FINISHED'],
      ['User', 'ada'],
      ['Artifact URI', ARTIFACTS],
      ['Lifecycle stage', 'active'],
      ['Parent run', PARENT_ID]
    ]);
    expect(runInfoSection('Source')).toEqual([
      ['Source name', 'train.py'],
      ['Source type', 'LOCAL'],
      ['Git commit', '3f2a9c1e']
    ]);
    // The other MLflow tags, as text: a tag's HTML never becomes an element.
    expect(runInfoSection('MLflow tags')).toEqual([['log-model.note', HTML]]);
    expect(document.querySelector('img')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Copy Git commit' }));
    expect(calls.copied).toEqual(['3f2a9c1e']);
  });

  it('keeps AWS Settings, and no Run info, for a SageMaker job’s component', async () => {
    renderView(routeFor(component()));
    await screen.findByRole('heading', { name: 'Training of cnn-1' });
    expect(screen.getByRole('tab', { name: 'AWS Settings' })).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Run info' })).toBeNull();
  });

  it('says when an MLflow run came without its record', async () => {
    renderView(routeFor(mlflowRun({ SourceDetail: undefined })));
    fireEvent.click(await screen.findByRole('tab', { name: 'Run info' }));
    expect(
      screen.getByText('The store sent no record of this run.')
    ).toBeTruthy();
  });

  it('puts the Run info tab’s texts through the translator', async () => {
    renderView(routeFor(mlflowRun()), 5, bracketing);
    fireEvent.click(await screen.findByRole('tab', { name: '⟨Run info⟩' }));
    for (const text of ['⟨Run⟩', '⟨Source⟩', '⟨MLflow tags⟩']) {
      expect(screen.getByRole('heading', { name: text })).toBeTruthy();
    }
    for (const text of ['⟨Run ID⟩', '⟨Parent run⟩', '⟨Git commit⟩']) {
      expect(screen.getByText(text)).toBeTruthy();
    }
    expect(
      screen.getByRole('button', { name: '⟨Copy ⟨Run ID⟩⟩' })
    ).toBeTruthy();
  });

  describe('with the server’s root at /srv/lab', () => {
    beforeEach(() => PageConfig.setOption('serverRoot', '/srv/lab'));
    afterEach(() => PageConfig.setOption('serverRoot', ''));

    it('opens an MLflow artifact under the server’s root in JupyterLab, by its path there', async () => {
      const { calls } = renderView(routeFor(mlflowRun()));
      fireEvent.click(await screen.findByRole('tab', { name: 'Artifacts' }));
      const readme = document.querySelector(
        '[data-artifact="model/weights/readme.txt"]'
      ) as HTMLElement;
      expect(readme.textContent).toContain(
        `${ARTIFACTS}/model/weights/readme.txt`
      );
      fireEvent.click(
        within(readme).getByRole('button', {
          name: 'model/weights/readme.txt'
        })
      );
      fireEvent.click(
        within(readme).getByRole('button', {
          name: 'Open model/weights/readme.txt in JupyterLab'
        })
      );
      const relative = 'mlruns/1/5f0c8e1a/artifacts/model/weights/readme.txt';
      expect(calls.opened).toEqual([relative, relative]);
    });

    it('shows an artifact outside the root, or remote, as text to copy', async () => {
      const { calls } = renderView(routeFor(mlflowRun()));
      fireEvent.click(await screen.findByRole('tab', { name: 'Artifacts' }));
      for (const [name, value] of [
        ['notes.txt', '/elsewhere/notes.txt'],
        ['digits-sample', 's3://bucket/digits.csv']
      ]) {
        const row = document.querySelector(
          `[data-artifact="${name}"]`
        ) as HTMLElement;
        expect(
          within(row)
            .getAllByRole('button')
            .map(b => b.title)
        ).toEqual([`Copy location of ${name}`]);
        expect(within(row).getByText(value)).toBeTruthy();
        fireEvent.click(within(row).getByRole('button'));
      }
      expect(calls.copied).toEqual([
        '/elsewhere/notes.txt',
        's3://bucket/digits.csv'
      ]);
      expect(calls.opened).toEqual([]);
    });
  });

  it('reveals a trial or an experiment of the Trial Mappings in the sidebar', async () => {
    const { calls } = renderView(routeFor(component()));
    fireEvent.click(await screen.findByRole('tab', { name: 'Trial Mappings' }));
    fireEvent.click(screen.getByRole('button', { name: 'cnn-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'mnist' }));
    expect(calls.revealed).toEqual([
      ['mnist', 'cnn-1'],
      ['mnist', undefined]
    ]);
  });

  it('renders HTML in the display name, status message and a parameter value as text', async () => {
    renderView(
      routeFor(
        component({
          DisplayName: `run ${HTML}`,
          Status: { PrimaryStatus: 'Failed', Message: `failed: ${HTML}` },
          Parameters: { note: { StringValue: HTML } }
        })
      )
    );
    expect(
      await screen.findByRole('heading', { name: `run ${HTML}` })
    ).toBeTruthy();
    expect(screen.getByText(`failed: ${HTML}`)).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Parameters' }));
    expect(screen.getByText(HTML)).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });

  it('reloads an InProgress component on the settings interval', async () => {
    jest.useFakeTimers();
    try {
      let loss = 1;
      const { requests } = renderView(request => {
        if (request.path === 'components/cnn-1-training') {
          loss = loss / 2;
          return {
            body: component({
              Status: { PrimaryStatus: 'InProgress' },
              Metrics: [
                {
                  MetricName: 'loss',
                  Min: loss,
                  Max: 1,
                  Avg: 0.5,
                  StdDev: 0.1,
                  Last: loss,
                  Count: 2
                }
              ]
            })
          };
        }
        return routeFor(component())(request);
      }, 3);
      await act(async () => {
        await jest.advanceTimersByTimeAsync(10);
      });
      const loads = () =>
        requests.filter(r => r.path === 'components/cnn-1-training').length;
      expect(loads()).toBe(1);
      await act(async () => {
        await jest.advanceTimersByTimeAsync(3000);
      });
      expect(loads()).toBe(2);
      const row = document.querySelector('[data-metric="loss"]') as HTMLElement;
      expect(within(row).getAllByRole('cell')[5].textContent).toBe('0.25');
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not reload a Completed component on its own', async () => {
    jest.useFakeTimers();
    try {
      const { requests } = renderView(routeFor(component()), 1);
      await act(async () => {
        await jest.advanceTimersByTimeAsync(5000);
      });
      expect(
        requests.filter(r => r.path === 'components/cnn-1-training').length
      ).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reloads when its widget is refreshed, and draws its charts again when the theme changes', async () => {
    const { client, requests } = fakeServer(routeFor(component()));
    const themeChanged = new Signal<unknown, unknown>({});
    const view = new ComponentView({
      client,
      name: 'cnn-1-training',
      settings: { refreshInterval: 0, chartPoints: 500 },
      actions: actionsRecorder().actions,
      themeChanged
    });
    const loads = () =>
      requests.filter(r => r.path === 'components/cnn-1-training').length;
    try {
      act(() => Widget.attach(view, document.body));
      await screen.findByRole('heading', { name: 'Training of cnn-1' });
      await waitFor(() => expect(view.title.label).toBe('Training of cnn-1'));
      expect(loads()).toBe(1);
      act(() => view.refresh());
      await waitFor(() => expect(loads()).toBe(2));
      // A new theme draws the charts again from the specs they have: no request.
      const drawn = () => document.querySelector('.smx-VegaChart-host svg');
      await waitFor(() => expect(drawn()).not.toBeNull(), { timeout: 5000 });
      const before = drawn();
      const charts = requests.filter(r => r.path === 'chart').length;
      act(() => themeChanged.emit(undefined));
      await waitFor(() => expect(drawn()).not.toBe(before), { timeout: 5000 });
      expect(drawn()).not.toBeNull();
      expect(requests.filter(r => r.path === 'chart').length).toBe(charts);
    } finally {
      act(() => view.dispose());
    }
  });

  it('puts its texts through the translator', async () => {
    renderView(routeFor(component()), 5, bracketing);
    await screen.findByRole('heading', { name: 'Training of cnn-1' });
    expect(screen.getByRole('tab', { name: '⟨Metrics⟩' })).toBeTruthy();
    expect(screen.getByText('⟨1 h⟩ ⟨2 min⟩ ⟨3 s⟩')).toBeTruthy();
    expect(screen.getByText('⟨Duration⟩')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: '⟨Parameters⟩' }));
    expect(
      screen.getByRole('button', { name: '⟨Copy value of optimizer⟩' })
    ).toBeTruthy();
  });

  it('says which component does not exist, with Retry', async () => {
    renderView(() => ({
      status: 404,
      body: {
        error: 'not_found',
        message: "TrialComponent 'cnn-1-training' does not exist"
      }
    }));
    expect(
      await screen.findByText("TrialComponent 'cnn-1-training' does not exist")
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});

describe('artifact locations', () => {
  it('treats URLs as remote and paths or file:// as local', () => {
    expect(artifactLocation('s3://b/k')).toBe('remote');
    expect(artifactLocation('https://example.com/x')).toBe('remote');
    expect(artifactLocation('data/x.csv')).toBe('local');
    expect(artifactLocation('file:///tmp/x.csv')).toBe('local');
  });

  it('treats MLflow’s URIs as remote, and a drive letter or a colon in a name as local', () => {
    expect(artifactLocation('runs:/abc/model')).toBe('remote');
    expect(artifactLocation('mlflow-artifacts:/1/abc/artifacts/x')).toBe(
      'remote'
    );
    expect(artifactLocation('C:/runs/x.txt')).toBe('local');
    expect(artifactLocation('plots/train:loss.png')).toBe('local');
  });

  it('opens a local path by its path relative to the server’s root', () => {
    expect(openablePath('/srv/lab/mlruns/a.txt', '/srv/lab')).toBe(
      'mlruns/a.txt'
    );
    expect(openablePath('file:///srv/lab/my%20runs/a.txt', '/srv/lab')).toBe(
      'my runs/a.txt'
    );
    expect(openablePath('/srv/lab/x/../a.txt', '/srv/lab/')).toBe('a.txt');
    expect(openablePath('/tmp/a.txt', '/')).toBe('tmp/a.txt');
    expect(openablePath('models/cnn-1.pt', '/srv/lab')).toBe('models/cnn-1.pt');
  });

  it('does not open what lies outside the root, or a root it cannot resolve', () => {
    expect(openablePath('/srv/lab2/a.txt', '/srv/lab')).toBeNull();
    expect(openablePath('/srv/lab/../etc/passwd', '/srv/lab')).toBeNull();
    expect(openablePath('../a.txt', '/srv/lab')).toBeNull();
    expect(openablePath('s3://bucket/a.txt', '/srv/lab')).toBeNull();
    expect(openablePath('{"tags": {"mlflow.user": "ada"}}', '/')).toBeNull();
    // The page config says `~/…` for a root under the server's home: a browser cannot expand it.
    expect(openablePath('/home/ada/lab/a.txt', '~/lab')).toBeNull();
    expect(openablePath('/srv/lab/a.txt', '')).toBeNull();
  });
});

describe('job details', () => {
  it('flattens nested details into dotted names', () => {
    expect(flattenDetail({ A: { B: 1, C: ['x', 'y'] }, D: null })).toEqual([
      ['A.B', '1'],
      ['A.C[0]', 'x'],
      ['A.C[1]', 'y']
    ]);
  });
});
