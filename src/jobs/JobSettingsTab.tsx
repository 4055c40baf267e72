/**
 * The Job settings tab: a SageMaker job's timeline, its resources, image, role, stopping
 * condition, inputs and outputs, billable time and failure reason, and the endpoint a deployment
 * of this session is creating from it (its status is in the job bar, above the tabs). Every value
 * is a React text node.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React from 'react';
import type { IJob, IStatusTransition } from '../api';
import { formatDuration, formatTime } from '../format';
import type { IDeploymentProgress } from './controller';
import { CopyButton } from '../details/tabs';
import { endpointIsSettled, jobTypeLabel } from './labels';

export interface IJobSettingsTabProps {
  job: IJob;
  deployment?: IDeploymentProgress;
  copy: (text: string) => void;
  translator?: ITranslator;
}

/** Seconds as the view writes a duration ("10 min 50 s"). */
export function secondsLabel(
  seconds: number,
  translator?: ITranslator
): string {
  return formatDuration(
    new Date(0).toISOString(),
    new Date(seconds * 1000).toISOString(),
    translator
  );
}

export function Timeline(props: {
  transitions: IStatusTransition[];
  translator?: ITranslator;
}): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  return (
    <ol className="smx-Timeline" aria-label={trans.__('Status transitions')}>
      {props.transitions.map((step, index) => {
        const duration = formatDuration(
          step.StartTime,
          step.EndTime,
          props.translator
        );
        const current = !step.EndTime && index === props.transitions.length - 1;
        return (
          <li
            key={`${index}-${step.Status}`}
            className={`smx-Timeline-step${current ? ' smx-mod-current' : ''}`}
            data-status={step.Status}
          >
            <span className="smx-Timeline-marker" aria-hidden="true" />
            <span className="smx-Timeline-status">{step.Status}</span>
            <span className="smx-Timeline-time">
              {formatTime(step.StartTime)}
              {duration ? ` · ${duration}` : ''}
              {current ? ` · ${trans.__('now')}` : ''}
            </span>
            {step.StatusMessage && (
              <span className="smx-Timeline-message">{step.StatusMessage}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function settingsRows(job: IJob, translator?: ITranslator): [string, string][] {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const rows: [string, string | number | undefined][] = [
    [trans.__('Job name'), job.JobName],
    [trans.__('Job type'), jobTypeLabel(job.JobType, trans)],
    [trans.__('Job ARN'), job.JobArn],
    [trans.__('Secondary status'), job.SecondaryStatus],
    [trans.__('Created'), formatTime(job.CreationTime)],
    [trans.__('Started'), formatTime(job.StartTime)],
    [trans.__('Ended'), formatTime(job.EndTime)],
    [trans.__('Instance type'), job.InstanceType],
    [trans.__('Instance count'), job.InstanceCount],
    [trans.__('Volume size (GB)'), job.VolumeSizeInGB],
    [trans.__('Image'), job.Image],
    [trans.__('Model'), job.ModelName],
    [trans.__('Role'), job.RoleArn],
    ...Object.entries(job.StoppingCondition).map(
      ([key, value]): [string, string] => [
        trans.__('Stopping condition: %1', key),
        `${value} (${secondsLabel(value, translator)})`
      ]
    ),
    [
      trans.__('Billable time'),
      job.BillableTimeInSeconds === undefined
        ? undefined
        : `${job.BillableTimeInSeconds} s (${secondsLabel(job.BillableTimeInSeconds, translator)})`
    ],
    [
      trans.__('Training time'),
      job.TrainingTimeInSeconds === undefined
        ? undefined
        : `${job.TrainingTimeInSeconds} s`
    ],
    [trans.__('Model artifacts'), job.ModelArtifacts],
    [trans.__('Log group'), job.LogGroupName]
  ];
  return rows
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => [key, String(value)]);
}

function Channels(props: {
  title: string;
  channels: IJob['Inputs'];
  copy: (text: string) => void;
  translator?: ITranslator;
}): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  return (
    <section className="smx-Details-section">
      <h3 className="smx-Details-sectionTitle">{props.title}</h3>
      {props.channels.length === 0 ? (
        <div className="smx-Details-empty">{trans.__('None.')}</div>
      ) : (
        <table className="smx-Details-table smx-JobChannels">
          <thead>
            <tr>
              <th scope="col">{trans.__('Name')}</th>
              <th scope="col">{trans.__('URI')}</th>
              <th scope="col">{trans.__('Content type')}</th>
              <th scope="col">{trans.__('Local path')}</th>
              <th scope="col">
                <span className="smx-u-visuallyHidden">{trans.__('Copy')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.channels.map(channel => (
              <tr key={channel.Name} data-channel={channel.Name}>
                <td>{channel.Name}</td>
                <td className="smx-Details-value">{channel.Uri ?? ''}</td>
                <td>{channel.ContentType ?? ''}</td>
                <td className="smx-Details-value">{channel.LocalPath ?? ''}</td>
                <td>
                  {channel.Uri && (
                    <CopyButton
                      text={channel.Uri}
                      title={trans.__('Copy the URI of %1', channel.Name)}
                      copy={props.copy}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Deployment(props: {
  deployment: IDeploymentProgress;
  translator?: ITranslator;
}): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const { endpoint, error } = props.deployment;
  const settled = endpointIsSettled(endpoint.EndpointStatus);
  return (
    <section
      className="smx-Details-section smx-Deployment"
      aria-live="polite"
      data-endpoint={endpoint.EndpointName}
      data-status={endpoint.EndpointStatus}
    >
      <h3 className="smx-Details-sectionTitle">{trans.__('Deployment')}</h3>
      <div className="smx-Deployment-row">
        {!settled && <span className="smx-State-spinner" aria-hidden="true" />}
        <span className="smx-Deployment-text">
          {trans.__('Endpoint %1:', endpoint.EndpointName)}
        </span>
        <span
          className={`smx-EndpointStatus smx-mod-${endpoint.EndpointStatus.toLowerCase()}`}
        >
          {endpoint.EndpointStatus}
        </span>
      </div>
      {endpoint.FailureReason && (
        <div className="smx-Job-failure" role="alert">
          {endpoint.FailureReason}
        </div>
      )}
      {error && (
        <div className="smx-Job-failure" role="alert">
          {trans.__('Its status could not be loaded: %1', error.message)}
        </div>
      )}
    </section>
  );
}

export function JobSettingsTab(props: IJobSettingsTabProps): JSX.Element {
  const { job, copy, translator, deployment } = props;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  return (
    <div className="smx-JobSettingsTab" data-job={job.JobName}>
      {job.FailureReason && (
        <div className="smx-Job-failure" role="alert">
          <strong>{trans.__('Failure reason:')}</strong> {job.FailureReason}
        </div>
      )}
      {job.ExitMessage && (
        <div className="smx-Job-exitMessage">
          <strong>{trans.__('Exit message:')}</strong> {job.ExitMessage}
        </div>
      )}
      {deployment && (
        <Deployment deployment={deployment} translator={translator} />
      )}
      <section className="smx-Details-section">
        <h3 className="smx-Details-sectionTitle">{trans.__('Timeline')}</h3>
        <Timeline transitions={job.StatusTransitions} translator={translator} />
      </section>
      <section className="smx-Details-section">
        <h3 className="smx-Details-sectionTitle">{trans.__('Settings')}</h3>
        <table className="smx-Details-table smx-Details-keyValue smx-JobSettings">
          <tbody>
            {settingsRows(job, translator).map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td className="smx-Details-value">{value}</td>
                <td>
                  <CopyButton
                    text={value}
                    title={trans.__('Copy %1', key)}
                    copy={copy}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Channels
        title={trans.__('Inputs')}
        channels={job.Inputs}
        copy={copy}
        translator={translator}
      />
      <Channels
        title={trans.__('Outputs')}
        channels={job.Outputs}
        copy={copy}
        translator={translator}
      />
    </div>
  );
}
