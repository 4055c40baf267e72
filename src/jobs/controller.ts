/**
 * The jobs of the store, seen from the frontend: whether the store offers them (the `jobs`
 * capability of `GET info`), the job of each component as last loaded, the endpoints being
 * deployed, and the two actions — each behind a dialog that names the job — with their outcome in
 * a notification. The component view's job tabs, the commands of the context menus and other
 * extensions all go through one instance (src/index.ts makes it).
 */
import { Notification, showErrorMessage } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import { ApiError, IDeployRequest, IEndpoint, IJob } from '../api';
import type { ISmxLabClient } from '../tokens';
import { askDeploy, confirmStop } from './dialogs';
import { actionErrorMessage, endpointIsSettled, jobTypeNoun } from './labels';

/** What is known of a component's job: loading, a job, none (`no_job`), or an error. */
export type JobState =
  | { kind: 'loading' }
  | { kind: 'job'; job: IJob }
  | { kind: 'none' }
  | { kind: 'error'; error: ApiError };

/** An endpoint a deployment of this session creates, as last described. */
export interface IDeploymentProgress {
  component: string;
  jobName: string;
  endpoint: IEndpoint;
  /** Set when the endpoint could not be described any more (the last status stays). */
  error?: ApiError;
}

export interface IJobsControllerOptions {
  client: ISmxLabClient;
  translator?: ITranslator;
  /** Milliseconds between two looks at an endpoint being created. */
  endpointPollInterval?: number;
}

function asApiError(reason: unknown): ApiError {
  return reason instanceof ApiError
    ? reason
    : new ApiError(0, { error: 'network', message: String(reason) });
}

export class JobsController {
  private _offered: Promise<boolean> | null = null;
  private _offeredNow: boolean | null = null;
  private _states = new Map<string, JobState>();
  private _loads = new Map<string, Promise<JobState>>();
  private _deployments = new Map<string, IDeploymentProgress>();
  private _changed = new Signal<this, string>(this);
  private _disposed = false;
  private _timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: IJobsControllerOptions) {}

  get client(): ISmxLabClient {
    return this.options.client;
  }

  get translator(): ITranslator {
    return this.options.translator ?? nullTranslator;
  }

  /** Emits the name of a component whose job, or whose deployment, changed. */
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  /** Whether the store offers jobs: asked once (`GET info`), again after a failure. */
  offered(): Promise<boolean> {
    if (!this._offered) {
      this._offered = this.client.info().then(
        info => {
          this._offeredNow = (info.capabilities ?? []).includes('jobs');
          return this._offeredNow;
        },
        () => {
          this._offered = null;
          return false;
        }
      );
    }
    return this._offered;
  }

  /** The answer of offered() once it came; null before. */
  get offeredNow(): boolean | null {
    return this._offeredNow;
  }

  /** The job of a component as last loaded (undefined: never asked). */
  state(component: string): JobState | undefined {
    return this._states.get(component);
  }

  /** Loads a component's job again (one request at a time per component). */
  load(component: string): Promise<JobState> {
    const pending = this._loads.get(component);
    if (pending) {
      return pending;
    }
    if (!this._states.has(component)) {
      this._states.set(component, { kind: 'loading' });
    }
    const load = this.client
      .getJob(component)
      .then(
        (job): JobState => ({ kind: 'job', job }),
        (reason): JobState => {
          const error = asApiError(reason);
          if (error.status === 404 && error.body.error === 'no_job') {
            return { kind: 'none' };
          }
          if (error.status === 404 && error.body.error === 'not_offered') {
            this._offeredNow = false;
            return { kind: 'none' };
          }
          return { kind: 'error', error };
        }
      )
      .then(state => {
        this._loads.delete(component);
        this.set(component, state);
        return state;
      });
    this._loads.set(component, load);
    return load;
  }

  /** Loads a component's job if the store offers jobs and it was never asked for. */
  async prefetch(component: string): Promise<void> {
    if ((await this.offered()) && !this._states.has(component)) {
      await this.load(component);
    }
  }

  /** The deployment of this session from a component, if any. */
  deployment(component: string): IDeploymentProgress | undefined {
    return this._deployments.get(component);
  }

  /**
   * Stops a component's running job, after a dialog that names it. Resolves to the job as it is
   * after the stop, or null when the user cancelled or it failed (a notification says why).
   */
  async stop(component: string): Promise<IJob | null> {
    const trans = this.translator.load('smx_lab');
    const job = await this.currentJob(component);
    if (!job) {
      return null;
    }
    const label = jobTypeNoun(job.JobType, trans);
    if (!job.Actions.Stop) {
      Notification.warning(
        trans.__(
          'The %1 %2 is %3: only a running job can be stopped.',
          label,
          job.JobName,
          job.Status
        ),
        { autoClose: 5000 }
      );
      return null;
    }
    if (!(await confirmStop(job, this.translator))) {
      return null;
    }
    try {
      const stopped = await this.client.stopJob({
        component,
        job_name: job.JobName
      });
      this.set(component, { kind: 'job', job: stopped });
      Notification.success(
        trans.__('Stopping the %1 %2.', label, stopped.JobName),
        {
          autoClose: 5000
        }
      );
      return stopped;
    } catch (reason) {
      this.failed(
        trans.__('The %1 %2 could not be stopped', label, job.JobName),
        asApiError(reason)
      );
      return null;
    }
  }

  /**
   * Deploys the model of a component's completed training job: a dialog names the job and asks
   * for the instance type and count; the endpoint's progress then shows until it is InService
   * or Failed. Resolves to the endpoint's name, or null when nothing was deployed.
   */
  async deploy(component: string): Promise<string | null> {
    const trans = this.translator.load('smx_lab');
    const job = await this.currentJob(component);
    if (!job) {
      return null;
    }
    if (!job.Actions.Deploy || !job.DeployOptions) {
      Notification.warning(
        trans.__(
          'The %1 %2 is %3: only the model of a completed training job can be deployed.',
          jobTypeNoun(job.JobType, trans),
          job.JobName,
          job.Status
        ),
        { autoClose: 5000 }
      );
      return null;
    }
    let problem: string | undefined;
    let previous: IDeployRequest | undefined;
    for (;;) {
      const request = await askDeploy(job, this.translator, previous, problem);
      if (!request) {
        return null;
      }
      try {
        const deployment = await this.client.deployModel(request);
        this.follow(component, job.JobName, deployment.Endpoint);
        return deployment.Endpoint.EndpointName;
      } catch (reason) {
        const error = asApiError(reason);
        if (error.status === 400 || error.status === 409) {
          // A value the dialog can change: ask again, saying what was wrong.
          previous = request;
          problem = error.message;
          continue;
        }
        this.failed(
          trans.__('The model of %1 could not be deployed', job.JobName),
          error
        );
        return null;
      }
    }
  }

  /** Stops every timer (the application is going away, or a test is over). */
  dispose(): void {
    this._disposed = true;
    for (const timer of this._timers) {
      clearTimeout(timer);
    }
    this._timers.clear();
    Signal.clearData(this);
  }

  private set(component: string, state: JobState): void {
    this._states.set(component, state);
    this._changed.emit(component);
  }

  /**
   * An action's failure in a notification that stays; a toast shows its first 140 characters,
   * so Details shows all of it (AWS's own message, e.g. the permission it lacks).
   */
  private failed(what: string, error: ApiError): void {
    const trans = this.translator.load('smx_lab');
    const message = actionErrorMessage(error, what, trans);
    Notification.error(message, {
      autoClose: false,
      actions: [
        {
          label: trans.__('Details'),
          caption: trans.__('Show the whole message'),
          callback: () => {
            void showErrorMessage(what, { message });
          }
        }
      ]
    });
  }

  /** The job as it is now (loaded again), or null after saying why there is none. */
  private async currentJob(component: string): Promise<IJob | null> {
    const trans = this.translator.load('smx_lab');
    const state = await this.load(component);
    if (state.kind === 'job') {
      return state.job;
    }
    if (state.kind === 'none') {
      Notification.warning(
        trans.__(
          'Trial component %1 was not created by a SageMaker training, processing or transform job.',
          component
        ),
        { autoClose: 5000 }
      );
    } else if (state.kind === 'error') {
      this.failed(
        trans.__('The job of %1 could not be loaded', component),
        state.error
      );
    }
    return null;
  }

  /** Polls a new endpoint until it is InService or Failed, in the view and a notification. */
  private follow(
    component: string,
    jobName: string,
    endpoint: IEndpoint
  ): void {
    const trans = this.translator.load('smx_lab');
    const name = endpoint.EndpointName;
    const message = (current: IEndpoint): string =>
      trans.__(
        'Deploying the model of %1 to endpoint %2: %3',
        jobName,
        name,
        current.EndpointStatus
      );
    const id = Notification.emit(message(endpoint), 'in-progress', {
      autoClose: false
    });
    const update = (progress: IDeploymentProgress): void => {
      this._deployments.set(component, progress);
      this._changed.emit(component);
    };
    update({ component, jobName, endpoint });
    const settle = (current: IEndpoint): void => {
      if (current.EndpointStatus === 'InService') {
        Notification.update({
          id,
          message: trans.__('Endpoint %1 is InService.', name),
          type: 'success',
          autoClose: 10000
        });
      } else {
        Notification.update({
          id,
          message: trans.__(
            'Endpoint %1 is %2: %3',
            name,
            current.EndpointStatus,
            current.FailureReason ?? trans.__('no reason given')
          ),
          type: 'error',
          autoClose: false
        });
      }
    };
    const poll = (): void => {
      const timer = setTimeout(async () => {
        this._timers.delete(timer);
        if (this._disposed) {
          return;
        }
        try {
          const current = await this.client.getEndpoint(name);
          update({ component, jobName, endpoint: current });
          if (endpointIsSettled(current.EndpointStatus)) {
            settle(current);
            return;
          }
          Notification.update({ id, message: message(current) });
        } catch (reason) {
          const error = asApiError(reason);
          const last = this._deployments.get(component);
          update({
            component,
            jobName,
            endpoint: last?.endpoint ?? endpoint,
            error
          });
          if (!error.unreachable) {
            Notification.update({
              id,
              message: actionErrorMessage(
                error,
                trans.__('Endpoint %1 could not be described', name),
                trans
              ),
              type: 'error',
              autoClose: false
            });
            return;
          }
        }
        poll();
      }, this.options.endpointPollInterval ?? 3000);
      this._timers.add(timer);
    };
    poll();
  }
}
