/**
 * The job actions: Stop and Deploy model behind dialogs that name the job, what they send, the
 * endpoint's progress until it is InService or Failed, AWS refusing (denied, throttled) said in
 * words a user can act on, and the commands of the context menus.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { act, fireEvent, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api';
import { CommandIDs } from '../commands';
import { JobsController } from '../jobs/controller';
import { actionErrorMessage } from '../jobs/labels';
import { registerJobCommands } from '../jobs/register';
import { IExperimentsPanel } from '../tokens';
import {
  IJobsWorld,
  jobsServer,
  jobsWorld,
  runningJob,
  trainingJob
} from './jobsFixtures';
import { nullTranslator } from '@jupyterlab/translation';

const NAME = 'train-aws-training-job';

function setUp(world: IJobsWorld) {
  const server = jobsServer(world);
  const jobs = new JobsController({
    client: server.client,
    endpointPollInterval: 10
  });
  return { server, jobs };
}

/** The open dialog, once there is one. */
async function openDialog(): Promise<HTMLElement> {
  return waitFor(() => {
    const node = document.querySelector('.jp-Dialog');
    if (!node) {
      throw new Error('no dialog is open');
    }
    return node as HTMLElement;
  });
}

async function press(label: string): Promise<void> {
  const dialog = await openDialog();
  const button = within(dialog).getByRole('button', {
    name: label,
    hidden: true
  });
  await act(async () => {
    fireEvent.click(button);
  });
  await waitFor(() => expect(dialog.isConnected).toBe(false));
}

function notifications() {
  return Notification.manager.notifications.map(n => ({
    type: n.type,
    message: n.message
  }));
}

afterEach(() => {
  Notification.dismiss();
  document.querySelectorAll('.jp-Dialog').forEach(node => node.remove());
});

describe('Stop', () => {
  it('names the job in its dialog and stops it once confirmed', async () => {
    const { server, jobs } = setUp(
      jobsWorld({ jobs: { [NAME]: runningJob() } })
    );
    const stopped = jobs.stop(NAME);
    const dialog = await openDialog();
    await waitFor(() =>
      expect(dialog.textContent).toContain('Stop training job train?')
    );
    expect(dialog.querySelector('.smx-JobDialog-jobName')?.textContent).toBe(
      'train'
    );
    await press('Stop job');
    expect((await stopped)?.Status).toBe('Stopping');
    const stop = server.requests.find(r => r.path === 'jobs/stop');
    expect(stop?.body).toEqual({ component: NAME, job_name: 'train' });
    expect(jobs.state(NAME)).toMatchObject({
      kind: 'job',
      job: { Status: 'Stopping' }
    });
    expect(notifications()).toContainEqual({
      type: 'success',
      message: 'Stopping the training job train.'
    });
  });

  it('sends nothing when the dialog is cancelled', async () => {
    const { server, jobs } = setUp(
      jobsWorld({ jobs: { [NAME]: runningJob() } })
    );
    const stopped = jobs.stop(NAME);
    await press('Cancel');
    expect(await stopped).toBeNull();
    expect(server.requests.map(r => r.path)).not.toContain('jobs/stop');
  });

  it('says that AWS denied it, and why', async () => {
    const { jobs } = setUp(
      jobsWorld({
        jobs: { [NAME]: runningJob() },
        stop: {
          status: 403,
          body: {
            error: 'access_denied',
            message:
              'AWS denied stop_training_job: User: arn:aws:iam::1:user/u is not authorized to perform: sagemaker:StopTrainingJob',
            aws_error: 'AccessDeniedException',
            operation: 'stop_training_job'
          }
        }
      })
    );
    const stopped = jobs.stop(NAME);
    await press('Stop job');
    expect(await stopped).toBeNull();
    const [shown] = notifications();
    expect(shown.type).toBe('error');
    expect(shown.message).toContain(
      'The training job train could not be stopped: your AWS credentials are not allowed to do this'
    );
    expect(shown.message).toContain('sagemaker:StopTrainingJob');
  });

  it('says that AWS is throttling', async () => {
    const { jobs } = setUp(
      jobsWorld({
        jobs: { [NAME]: runningJob() },
        stop: {
          status: 503,
          body: {
            error: 'store_unavailable',
            message: 'AWS is throttling stop_training_job',
            reason: 'throttled'
          }
        }
      })
    );
    const stopped = jobs.stop(NAME);
    await press('Stop job');
    await stopped;
    expect(notifications()[0].message).toBe(
      'The training job train could not be stopped: AWS is throttling requests; wait a moment and try again.'
    );
  });

  it('does not offer to stop a job that is over', async () => {
    const { server, jobs } = setUp(jobsWorld());
    expect(await jobs.stop(NAME)).toBeNull();
    expect(document.querySelector('.jp-Dialog')).toBeNull();
    expect(server.requests.map(r => r.path)).not.toContain('jobs/stop');
    expect(notifications()[0]).toEqual({
      type: 'warning',
      message:
        'The training job train is Completed: only a running job can be stopped.'
    });
  });
});

describe('Deploy model', () => {
  it('asks for the instance type and count, then follows the endpoint until InService', async () => {
    const { server, jobs } = setUp(jobsWorld());
    const deployed = jobs.deploy(NAME);
    const dialog = await openDialog();
    await waitFor(() =>
      expect(dialog.textContent).toContain('Deploy the model of train?')
    );
    const type = within(dialog).getByRole('combobox', {
      name: 'Instance type',
      hidden: true
    }) as HTMLSelectElement;
    expect([...type.options].map(o => o.value)).toEqual([
      'ml.m5.large',
      'ml.m5.xlarge',
      'ml.g5.xlarge'
    ]);
    expect(type.value).toBe('ml.m5.xlarge');
    fireEvent.change(type, { target: { value: 'ml.m5.large' } });
    fireEvent.change(
      within(dialog).getByRole('spinbutton', {
        name: 'Instance count',
        hidden: true
      }),
      { target: { value: '2' } }
    );
    fireEvent.change(
      within(dialog).getByRole('textbox', {
        name: 'Endpoint name',
        hidden: true
      }),
      { target: { value: 'train-endpoint' } }
    );
    await press('Deploy');
    expect(await deployed).toBe('train-endpoint');
    expect(server.requests.find(r => r.path === 'jobs/deploy')?.body).toEqual({
      component: NAME,
      job_name: 'train',
      instance_type: 'ml.m5.large',
      instance_count: 2,
      endpoint_name: 'train-endpoint',
      image: trainingJob().Image
    });
    await waitFor(() =>
      expect(jobs.deployment(NAME)?.endpoint.EndpointStatus).toBe('InService')
    );
    await waitFor(() =>
      expect(notifications()).toContainEqual({
        type: 'success',
        message: 'Endpoint train-endpoint is InService.'
      })
    );
    const polls = server.requests.filter(r => r.path.startsWith('endpoints/'));
    expect(polls).toHaveLength(2);
  });

  it('says why an endpoint failed', async () => {
    const { jobs } = setUp(
      jobsWorld({ endpointStatuses: ['Creating', 'Failed'] })
    );
    const deployed = jobs.deploy(NAME);
    await press('Deploy');
    await deployed;
    await waitFor(() =>
      expect(notifications()).toContainEqual({
        type: 'error',
        message:
          'Endpoint train is Failed: the container failed its health check'
      })
    );
    expect(jobs.deployment(NAME)?.endpoint.FailureReason).toBe(
      'the container failed its health check'
    );
  });

  it('asks again, saying what was wrong, when the server refuses a value', async () => {
    const { server, jobs } = setUp(
      jobsWorld({
        deploy: () => ({
          status: 400,
          body: {
            error: 'invalid',
            field: 'endpoint_name',
            message:
              'endpoint_name: must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$'
          }
        })
      })
    );
    const deployed = jobs.deploy(NAME);
    await press('Deploy');
    const again = await openDialog();
    expect(
      within(again).getByRole('alert', { hidden: true }).textContent
    ).toContain('endpoint_name: must match');
    await press('Cancel');
    expect(await deployed).toBeNull();
    expect(server.requests.filter(r => r.path === 'jobs/deploy')).toHaveLength(
      1
    );
  });

  it('says that AWS denied creating the model', async () => {
    const { jobs } = setUp(
      jobsWorld({
        deploy: () => ({
          status: 403,
          body: {
            error: 'access_denied',
            message: 'AWS denied create_model: not authorized'
          }
        })
      })
    );
    const deployed = jobs.deploy(NAME);
    await press('Deploy');
    expect(await deployed).toBeNull();
    expect(notifications()[0].message).toBe(
      'The model of train could not be deployed: your AWS credentials are not allowed to do this (AWS denied create_model: not authorized).'
    );
  });

  it('does not offer to deploy a running job', async () => {
    const { jobs } = setUp(jobsWorld({ jobs: { [NAME]: runningJob() } }));
    expect(await jobs.deploy(NAME)).toBeNull();
    expect(document.querySelector('.jp-Dialog')).toBeNull();
    expect(notifications()[0].type).toBe('warning');
  });
});

describe('the job commands', () => {
  function commandsOf(world: IJobsWorld) {
    const { server, jobs } = setUp(world);
    const selectionChanged = new Signal<unknown, void>({});
    const rows: { kind: string; name: string }[] = [];
    const panel = {
      selection: {
        get rows() {
          return rows;
        },
        changed: selectionChanged
      }
    } as unknown as IExperimentsPanel;
    const app = {
      commands: new CommandRegistry(),
      contextMenuHitTest: () => undefined
    } as unknown as JupyterFrontEnd;
    registerJobCommands({ app, panel, jobs });
    return { server, jobs, app, rows, selectionChanged };
  }

  it('show for a job and are enabled for what it allows', async () => {
    const { app, jobs } = commandsOf(
      jobsWorld({ jobs: { [NAME]: runningJob() } })
    );
    await jobs.offered();
    const args = { name: NAME };
    expect(app.commands.isEnabled(CommandIDs.stopJob, args)).toBe(false);
    await jobs.load(NAME);
    expect(app.commands.label(CommandIDs.stopJob, args)).toBe(
      'Stop training job…'
    );
    expect(app.commands.isVisible(CommandIDs.stopJob, args)).toBe(true);
    expect(app.commands.isEnabled(CommandIDs.stopJob, args)).toBe(true);
    expect(app.commands.isVisible(CommandIDs.deployModel, args)).toBe(true);
    expect(app.commands.isEnabled(CommandIDs.deployModel, args)).toBe(false);
  });

  it('hide where there is no job, or no jobs at all', async () => {
    const none = commandsOf(jobsWorld({ jobs: {} }));
    await none.jobs.offered();
    await none.jobs.load(NAME);
    expect(
      none.app.commands.isVisible(CommandIDs.stopJob, { name: NAME })
    ).toBe(false);
    const local = commandsOf(jobsWorld({ offered: false }));
    await local.jobs.offered();
    expect(
      local.app.commands.isVisible(CommandIDs.deployModel, { name: NAME })
    ).toBe(false);
  });

  it('load the job of the one component selected in the panel', async () => {
    const { server, jobs, rows, selectionChanged } = commandsOf(jobsWorld());
    await jobs.offered();
    rows.push({ kind: 'TrialComponent', name: NAME });
    selectionChanged.emit();
    await waitFor(() => expect(jobs.state(NAME)?.kind).toBe('job'));
    expect(server.requests.map(r => r.path)).toContain(
      `components/${NAME}/job`
    );
  });

  it('run the action behind its dialog', async () => {
    const { server, app } = commandsOf(
      jobsWorld({ jobs: { [NAME]: runningJob() } })
    );
    const run = app.commands.execute(CommandIDs.stopJob, { name: NAME });
    await press('Stop job');
    await run;
    expect(server.requests.map(r => r.path)).toContain('jobs/stop');
  });
});

describe('failure messages', () => {
  const trans = nullTranslator.load('smx_lab');

  it('read as what failed, then why', () => {
    const error = new ApiError(409, {
      error: 'conflict',
      message: "training job 'x' is Completed"
    });
    expect(actionErrorMessage(error, 'Could not stop x', trans)).toBe(
      "Could not stop x: training job 'x' is Completed"
    );
    expect(
      actionErrorMessage(
        new ApiError(0, { error: 'network', message: 'offline' }),
        'Could not stop x',
        trans
      )
    ).toBe('Could not stop x: could not reach the store: offline');
  });
});
