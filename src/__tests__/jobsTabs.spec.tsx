/**
 * The job tabs of the component view: Job settings (status, timeline, settings, inputs and
 * outputs, failure reason), Debugger (rules and reports, or a sentence when there are none) and
 * Logs (newest last, older pages, Follow while running), and the view showing them only for a
 * job's component on a store that offers jobs.
 */
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import React from 'react';
import { ComponentDetails } from '../details/ComponentView';
import { JobsController } from '../jobs/controller';
import { DebuggerTab, safeLink } from '../jobs/DebuggerTab';
import { JobActionBar } from '../jobs/JobTabs';
import { JobSettingsTab } from '../jobs/JobSettingsTab';
import { LogsTab } from '../jobs/LogsTab';
import {
  component,
  HTML,
  jobsServer,
  jobsWorld,
  lines,
  runningJob,
  trainingJob
} from './jobsFixtures';
import { fakeServer } from './fakeServer';
import { bracketing } from './translator';

// jsdom has no canvas: vega measures text without one (it estimates), as it does in Node.
beforeAll(() => {
  jest
    .spyOn(HTMLCanvasElement.prototype, 'getContext')
    .mockImplementation(() => null);
});

describe('Job settings tab', () => {
  it('shows the settings, the timeline, the inputs and outputs', () => {
    render(<JobSettingsTab job={trainingJob()} copy={jest.fn()} />);
    const settings = document.querySelector('.smx-JobSettings') as HTMLElement;
    const row = (name: string) =>
      within(settings).getByRole('rowheader', { name }).closest('tr')
        ?.textContent;
    expect(row('Instance type')).toContain('ml.m5.xlarge');
    expect(row('Instance count')).toContain('2');
    expect(row('Volume size (GB)')).toContain('30');
    expect(row('Image')).toContain('xgboost:1.7-1');
    expect(row('Role')).toContain('role/SageMakerExecution');
    expect(row('Stopping condition: MaxRuntimeInSeconds')).toContain(
      '86400 (1 d)'
    );
    expect(row('Billable time')).toContain('650 s (10 min 50 s)');
    const steps = screen.getAllByRole('listitem');
    expect(steps.map(step => step.getAttribute('data-status'))).toEqual([
      'Starting',
      'Training',
      'Completed'
    ]);
    expect(steps[1].textContent).toContain('10 min');
    expect(
      document.querySelector('[data-channel="train"]')?.textContent
    ).toContain('s3://bucket/train');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a failure reason as text', () => {
    render(
      <JobSettingsTab
        job={trainingJob({ Status: 'Failed', FailureReason: HTML })}
        copy={jest.fn()}
      />
    );
    expect(screen.getByRole('alert').textContent).toContain(HTML);
    expect(document.querySelector('img')).toBeNull();
  });

  it('marks the step still under way', () => {
    render(<JobSettingsTab job={runningJob()} copy={jest.fn()} />);
    const current = document.querySelector(
      '.smx-Timeline-step.smx-mod-current'
    );
    expect(current?.getAttribute('data-status')).toBe('Training');
    expect(current?.textContent).toContain('now');
  });

  it('copies a setting', () => {
    const copy = jest.fn();
    render(<JobSettingsTab job={trainingJob()} copy={copy} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Instance type' }));
    expect(copy).toHaveBeenCalledWith('ml.m5.xlarge');
  });

  it('says every word through the translator', () => {
    render(
      <JobSettingsTab
        job={trainingJob()}
        copy={jest.fn()}
        translator={bracketing}
      />
    );
    expect(screen.getByRole('heading', { name: '⟨Timeline⟩' })).toBeTruthy();
    expect(
      screen.getByRole('rowheader', { name: '⟨Instance type⟩' })
    ).toBeTruthy();
  });
});

describe('Debugger tab', () => {
  it('lists each rule with its evaluation, details and report', () => {
    render(<DebuggerTab job={trainingJob()} copy={jest.fn()} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map(row => row.getAttribute('data-rule'))).toEqual([
      'LossNotDecreasing',
      'Overfit',
      'ProfilerReport-1'
    ]);
    expect(rows[1].textContent).toContain('IssuesFound');
    expect(rows[1].textContent).toContain(HTML);
    expect(document.querySelector('img')).toBeNull();
    const link = within(rows[2]).getByRole('link', { name: 'Open report' });
    expect(link.getAttribute('href')).toMatch(/^https:\/\/s3\.console/);
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(rows[0].textContent).toContain('No report');
  });

  it('says when the job ran no rules', () => {
    render(<DebuggerTab job={trainingJob({ Rules: [] })} copy={jest.fn()} />);
    expect(
      screen.getByText('Training job train ran no Debugger or profiler rules.')
    ).toBeTruthy();
  });

  it('never links anything but a web page', () => {
    expect(safeLink('javascript:alert(1)')).toBeUndefined();
    expect(safeLink('https://s3.console.aws.amazon.com/x')).toBe(
      'https://s3.console.aws.amazon.com/x'
    );
    render(
      <DebuggerTab
        job={trainingJob({
          Rules: [
            {
              RuleConfigurationName: 'R',
              RuleType: 'Debugger',
              RuleEvaluationStatus: 'NoIssuesFound',
              ReportS3Uri: 's3://b/r',
              ReportUrl: 'javascript:alert(1)'
            }
          ]
        })}
        copy={jest.fn()}
      />
    );
    expect(screen.queryByRole('link')).toBeNull();
  });
});

describe('Logs tab', () => {
  const page = (
    events: ReturnType<typeof lines>,
    older: string | null,
    newer: string | null,
    stream = 'train/algo-1'
  ) => ({
    log_group: '/aws/sagemaker/TrainingJobs',
    streams: ['train/algo-1', 'train/algo-2'],
    stream,
    events,
    older_cursor: older,
    newer_cursor: newer
  });

  it('shows the newest events last and loads older ones above them', async () => {
    const server = jobsServer(
      jobsWorld({
        logs: {
          '': page(lines(100, 100), 'older-1', 'newer-1'),
          'older-1': page(lines(0, 100), null, null)
        }
      })
    );
    render(
      <LogsTab
        client={server.client}
        component="train-aws-training-job"
        running={false}
        pollInterval={10}
      />
    );
    const log = await screen.findByRole('log');
    let messages = log.querySelectorAll('.smx-LogsTab-message');
    expect(messages[0].textContent).toBe('line 100');
    expect(messages[messages.length - 1].textContent).toBe('line 199');
    fireEvent.click(screen.getByRole('button', { name: 'Load older events' }));
    await waitFor(() =>
      expect(log.querySelectorAll('.smx-LogsTab-message')).toHaveLength(200)
    );
    messages = log.querySelectorAll('.smx-LogsTab-message');
    expect(messages[0].textContent).toBe('line 0');
    expect(
      screen.queryByRole('button', { name: 'Load older events' })
    ).toBeNull();
    expect(
      (screen.getByRole('checkbox', { name: 'Follow' }) as HTMLInputElement)
        .disabled
    ).toBe(true);
  });

  it('follows a running job: new events are appended as they come', async () => {
    const server = jobsServer(
      jobsWorld({
        logs: {
          '': page(lines(0, 3), null, 'newer-1'),
          'newer-1': page([], null, 'newer-1b'),
          'newer-1b': page(lines(3, 2), null, 'newer-2'),
          'newer-2': page([], null, 'newer-2')
        }
      })
    );
    render(
      <LogsTab
        client={server.client}
        component="train-aws-training-job"
        running={true}
        pollInterval={10}
      />
    );
    const log = await screen.findByRole('log');
    expect(
      (screen.getByRole('checkbox', { name: 'Follow' }) as HTMLInputElement)
        .checked
    ).toBe(true);
    await waitFor(() =>
      expect(log.querySelectorAll('.smx-LogsTab-message')).toHaveLength(5)
    );
    const messages = log.querySelectorAll('.smx-LogsTab-message');
    expect(messages[4].textContent).toBe('line 4');
    const cursors = server.requests.map(r => r.query.get('cursor'));
    expect(cursors.slice(0, 3)).toEqual([null, 'newer-1', 'newer-1b']);
  });

  it('stops asking for new events when Follow is turned off', async () => {
    const server = jobsServer(
      jobsWorld({
        logs: {
          '': page(lines(0, 3), null, 'newer-1'),
          'newer-1': page([], null, 'newer-1')
        }
      })
    );
    render(
      <LogsTab
        client={server.client}
        component="train-aws-training-job"
        running={true}
        pollInterval={10}
      />
    );
    await screen.findByRole('log');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    const asked = server.requests.length;
    await act(() => new Promise(resolve => setTimeout(resolve, 60)));
    expect(server.requests.length).toBeLessThanOrEqual(asked + 1);
  });

  it('shows another stream when one is chosen', async () => {
    const server = jobsServer(
      jobsWorld({
        logs: {
          '': page(lines(0, 3), null, 'n'),
          'train/algo-2': page(
            [{ timestamp: '2024-05-01T10:00:00+00:00', message: HTML }],
            null,
            'n2',
            'train/algo-2'
          )
        }
      })
    );
    render(
      <LogsTab
        client={server.client}
        component="train-aws-training-job"
        running={false}
        pollInterval={10}
      />
    );
    await screen.findByRole('log');
    fireEvent.change(screen.getByRole('combobox', { name: 'Log stream' }), {
      target: { value: 'train/algo-2' }
    });
    await waitFor(() => expect(screen.getByText(HTML)).toBeTruthy());
    expect(document.querySelector('img')).toBeNull();
    expect(server.requests.at(-1)?.query.get('stream')).toBe('train/algo-2');
  });

  it('says when the job has not logged yet', async () => {
    const server = jobsServer(
      jobsWorld({
        logs: {
          '': {
            log_group: '/aws/sagemaker/ProcessingJobs',
            streams: [],
            stream: null,
            events: [],
            older_cursor: null,
            newer_cursor: null
          }
        }
      })
    );
    render(
      <LogsTab
        client={server.client}
        component="prep"
        running={true}
        pollInterval={10}
      />
    );
    expect(
      await screen.findByText(/This job has not written any logs yet\./)
    ).toBeTruthy();
  });

  it('offers Retry when the logs cannot be loaded', async () => {
    const { client } = fakeServer(() => ({
      status: 503,
      body: { error: 'store_unavailable', message: 'AWS is down' }
    }));
    render(
      <LogsTab
        client={client}
        component="x"
        running={false}
        pollInterval={10}
      />
    );
    expect((await screen.findByRole('alert')).textContent).toContain(
      'AWS is down'
    );
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});

describe('translation', () => {
  it('goes through the translator in the Debugger tab, the Logs tab and the job bar', async () => {
    const { unmount } = render(
      <DebuggerTab
        job={trainingJob()}
        copy={jest.fn()}
        translator={bracketing}
      />
    );
    expect(screen.getByRole('columnheader', { name: '⟨Rule⟩' })).toBeTruthy();
    expect(screen.getAllByText('⟨IssuesFound⟩')).toHaveLength(1);
    expect(screen.getByRole('link', { name: '⟨Open report⟩' })).toBeTruthy();
    unmount();
    render(
      <JobActionBar
        job={runningJob()}
        onStop={jest.fn()}
        onDeploy={jest.fn()}
        translator={bracketing}
      />
    );
    expect(
      screen.getByRole('button', { name: '⟨Stop training job…⟩' })
    ).toBeTruthy();
    const server = jobsServer(
      jobsWorld({
        logs: {
          '': {
            log_group: 'g',
            streams: ['train/algo-1'],
            stream: 'train/algo-1',
            events: lines(0, 2),
            older_cursor: null,
            newer_cursor: 'n'
          }
        }
      })
    );
    render(
      <LogsTab
        client={server.client}
        component="train-aws-training-job"
        running={false}
        pollInterval={10}
        translator={bracketing}
      />
    );
    expect(
      await screen.findByRole('combobox', { name: '⟨Log stream⟩' })
    ).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: '⟨Follow⟩' })).toBeTruthy();
  });
});

describe('the component view of a job', () => {
  function renderView(world = jobsWorld(), name = 'train-aws-training-job') {
    const server = jobsServer(world);
    const original = server.client.getTrialComponent.bind(server.client);
    server.client.getTrialComponent = async (wanted: string) =>
      wanted === name ? component(name) : original(wanted);
    const jobs = new JobsController({
      client: server.client,
      endpointPollInterval: 10
    });
    render(
      <ComponentDetails
        client={server.client}
        name={name}
        settings={{ refreshInterval: 0, chartPoints: 100 }}
        actions={{ copy: jest.fn(), openPath: jest.fn(), reveal: jest.fn() }}
        jobs={jobs}
      />
    );
    return { server, jobs };
  }

  it('adds Job settings, Debugger and Logs, and the job bar', async () => {
    renderView();
    expect(
      await screen.findByRole('tab', { name: 'Job settings' })
    ).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Debugger' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Logs' })).toBeTruthy();
    const bar = screen.getByRole('toolbar', { name: 'Job actions' });
    expect(
      within(bar).getByRole('button', { name: 'Deploy model…' })
    ).toBeTruthy();
    expect(within(bar).queryByRole('button', { name: /Stop/ })).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: 'Debugger' }));
    expect(screen.getByRole('tabpanel', { name: 'Debugger' })).toBeTruthy();
    expect(document.querySelector('[data-rule="Overfit"]')).toBeTruthy();
  });

  it('shows the endpoint a deployment from its bar creates, until InService', async () => {
    renderView();
    const bar = await screen.findByRole('toolbar', { name: 'Job actions' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Deploy model…' }));
    const dialog = await waitFor(() => {
      const node = document.querySelector('.jp-Dialog');
      if (!node) {
        throw new Error('no dialog');
      }
      return node as HTMLElement;
    });
    await act(async () => {
      fireEvent.click(
        within(dialog).getByRole('button', { name: 'Deploy', hidden: true })
      );
    });
    fireEvent.click(screen.getByRole('tab', { name: 'Job settings' }));
    const progress = await waitFor(() => {
      const node = document.querySelector('.smx-Deployment');
      if (!node) {
        throw new Error('no deployment shown');
      }
      return node as HTMLElement;
    });
    expect(progress.getAttribute('data-endpoint')).toBe('train');
    await waitFor(() =>
      expect(progress.getAttribute('data-status')).toBe('InService')
    );
    expect(progress.textContent).toContain('Endpoint train:');
  });

  it('offers Stop for a running job, named after its type', async () => {
    renderView(jobsWorld({ jobs: { 'train-aws-training-job': runningJob() } }));
    expect(
      await screen.findByRole('button', { name: 'Stop training job…' })
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Deploy model…' })).toBeNull();
  });

  it('has no Debugger tab for a processing job', async () => {
    renderView(
      jobsWorld({
        jobs: {
          'prep-aws-processing-job': trainingJob({
            TrialComponentName: 'prep-aws-processing-job',
            JobType: 'ProcessingJob',
            Rules: [],
            Actions: { Stop: false, Deploy: false }
          })
        }
      }),
      'prep-aws-processing-job'
    );
    expect(await screen.findByRole('tab', { name: 'Logs' })).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Debugger' })).toBeNull();
  });

  it('shows no job tabs for a component that no job created', async () => {
    const { server } = renderView(jobsWorld({ jobs: {} }));
    await screen.findByRole('tab', { name: 'Metrics' });
    await waitFor(() =>
      expect(server.requests.map(r => r.path)).toContain(
        'components/train-aws-training-job/job'
      )
    );
    expect(screen.queryByRole('tab', { name: 'Job settings' })).toBeNull();
    expect(screen.queryByRole('toolbar', { name: 'Job actions' })).toBeNull();
  });

  it('asks nothing of a store that offers no jobs', async () => {
    const { server } = renderView(jobsWorld({ offered: false }));
    await screen.findByRole('tab', { name: 'Metrics' });
    await waitFor(() =>
      expect(server.requests.map(r => r.path)).toContain('info')
    );
    expect(server.requests.map(r => r.path)).not.toContain(
      'components/train-aws-training-job/job'
    );
    expect(screen.queryByRole('tab', { name: 'Logs' })).toBeNull();
  });
});
