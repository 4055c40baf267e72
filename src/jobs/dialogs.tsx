/**
 * The confirmation dialogs of the two job actions. Each names the job it acts on; the deploy
 * dialog also asks for the endpoint's instance type and count (from the job's DeployOptions, which
 * the server gives), its name and the image that serves the model. Every name is React text.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';
import type { IDeployRequest, IJob } from '../api';
import { jobTypeNoun } from './labels';

/** Asks whether to stop a job; true when the user confirmed. */
export async function confirmStop(
  job: IJob,
  translator: ITranslator
): Promise<boolean> {
  const trans = translator.load('smx_lab');
  const label = jobTypeNoun(job.JobType, trans);
  const result = await showDialog({
    title: trans.__('Stop %1 %2?', label, job.JobName),
    body: (
      <div className="smx-JobDialog">
        <p>
          {trans.__(
            'SageMaker stops the instances of %1 %2; the job ends as Stopped and keeps what it saved so far. This cannot be undone.',
            label,
            job.JobName
          )}
        </p>
        <dl className="smx-JobDialog-facts">
          <dt>{trans.__('Job')}</dt>
          <dd className="smx-JobDialog-jobName">{job.JobName}</dd>
          <dt>{trans.__('Trial component')}</dt>
          <dd>{job.TrialComponentName}</dd>
        </dl>
      </div>
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Stop job') })
    ]
  });
  return result.button.accept;
}

/** The deploy dialog's form; its values are what getValue() gives the dialog. */
export class DeployForm extends ReactWidget {
  private _values: IDeployRequest;

  constructor(
    private readonly job: IJob,
    private readonly trans: TranslationBundle,
    previous?: IDeployRequest,
    private readonly problem?: string
  ) {
    super();
    this.addClass('smx-DeployForm');
    const options = job.DeployOptions;
    this._values = previous ?? {
      component: job.TrialComponentName,
      job_name: job.JobName,
      instance_type: options?.DefaultInstanceType ?? '',
      instance_count: options?.DefaultInstanceCount ?? 1,
      endpoint_name: options?.DefaultEndpointName ?? job.JobName,
      image: job.Image
    };
  }

  getValue(): IDeployRequest {
    const values = { ...this._values };
    if (!values.image) {
      delete values.image;
    }
    return values;
  }

  protected render(): JSX.Element {
    const { job, trans } = this;
    const values = this._values;
    const set = (change: Partial<IDeployRequest>): void => {
      this._values = { ...this._values, ...change };
      this.update();
    };
    return (
      <div className="smx-JobDialog">
        <p>
          {trans.__(
            'Deploy the model of training job %1 to a new SageMaker endpoint. A model, an endpoint configuration and an endpoint are created, each with the endpoint’s name; the endpoint is billed for its instances until it is deleted.',
            job.JobName
          )}
        </p>
        {this.problem && (
          <div className="smx-JobDialog-problem" role="alert">
            {this.problem}
          </div>
        )}
        <label className="smx-JobDialog-field">
          <span>{trans.__('Instance type')}</span>
          <select
            className="jp-mod-styled"
            value={values.instance_type}
            onChange={event => set({ instance_type: event.target.value })}
          >
            {(job.DeployOptions?.InstanceTypes ?? []).map(type => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label className="smx-JobDialog-field">
          <span>{trans.__('Instance count')}</span>
          <input
            className="jp-mod-styled"
            type="number"
            min={1}
            max={100}
            value={values.instance_count ?? 1}
            onChange={event =>
              set({ instance_count: Number(event.target.value) || 1 })
            }
          />
        </label>
        <label className="smx-JobDialog-field">
          <span>{trans.__('Endpoint name')}</span>
          <input
            className="jp-mod-styled"
            type="text"
            value={values.endpoint_name ?? ''}
            onChange={event => set({ endpoint_name: event.target.value })}
          />
        </label>
        <label className="smx-JobDialog-field">
          <span>{trans.__('Serving image')}</span>
          <input
            className="jp-mod-styled"
            type="text"
            value={values.image ?? ''}
            onChange={event => set({ image: event.target.value })}
          />
          <small>
            {trans.__(
              'The container that serves the model. The training image serves the models of SageMaker’s built-in algorithms; a framework may need its inference image.'
            )}
          </small>
        </label>
      </div>
    );
  }
}

/** Asks how to deploy a job's model; the request to send, or null when the user cancelled. */
export async function askDeploy(
  job: IJob,
  translator: ITranslator,
  previous?: IDeployRequest,
  problem?: string
): Promise<IDeployRequest | null> {
  const trans = translator.load('smx_lab');
  const result = await showDialog<IDeployRequest>({
    title: trans.__('Deploy the model of %1?', job.JobName),
    body: new DeployForm(job, trans, previous, problem),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Deploy') })
    ],
    focusNodeSelector: 'select'
  });
  return result.button.accept ? result.value : null;
}
