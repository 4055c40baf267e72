/**
 * What the component view adds for a component that a SageMaker job created, when the store
 * offers jobs: the tabs Job settings, Debugger (training jobs) and Logs, and a bar with the job's
 * status and its actions (Stop, Deploy model). Other components, and stores without jobs, get
 * neither. The view asks `useJobView` and renders what it answers (src/details/ComponentView.tsx).
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React, { useEffect, useState } from 'react';
import type { IJob, PrimaryStatus } from '../api';
import { StatusBadge } from '../StatusBadge';
import type { JobsController, JobState } from './controller';
import { DebuggerTab } from './DebuggerTab';
import { JobSettingsTab } from './JobSettingsTab';
import { jobIsRunning, jobTypeLabel, stopLabel } from './labels';
import { LogsTab } from './LogsTab';

/** The ids of the job tabs (their English names); labels are translated. */
export const JOB_TABS = ['Job settings', 'Debugger', 'Logs'] as const;
export type JobTabName = (typeof JOB_TABS)[number];

export interface IJobTab {
  id: JobTabName;
  label: string;
  render: () => JSX.Element;
}

export interface IJobView {
  tabs: IJobTab[];
  /** The job's status and actions, above the tabs; null when there is no job. */
  actionBar: JSX.Element | null;
}

export interface IJobViewOptions {
  copy: (text: string) => void;
  /** Seconds between looks for new log events while following a running job. */
  refreshInterval: number;
  translator?: ITranslator;
}

const NONE: IJobView = { tabs: [], actionBar: null };

/** The job of a component, loaded when the view (re)loads (`version`), and as it changes. */
export function useJobState(
  jobs: JobsController | undefined,
  component: string,
  version: number
): JobState | undefined {
  // Renders again whenever the component's job or its deployment changes.
  const [, setChanges] = useState(0);
  useEffect(() => {
    if (!jobs) {
      return;
    }
    const changed = (_: unknown, name: string) => {
      if (name === component) {
        setChanges(count => count + 1);
      }
    };
    jobs.changed.connect(changed);
    return () => {
      jobs.changed.disconnect(changed);
    };
  }, [jobs, component]);
  useEffect(() => {
    if (!jobs) {
      return;
    }
    let cancelled = false;
    void jobs.offered().then(offered => {
      if (offered && !cancelled) {
        void jobs.load(component);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [jobs, component, version]);
  return jobs?.state(component);
}

export function useJobView(
  jobs: JobsController | undefined,
  component: string,
  version: number,
  options: IJobViewOptions
): IJobView {
  const state = useJobState(jobs, component, version);
  if (!jobs || state?.kind !== 'job') {
    return NONE;
  }
  const { job } = state;
  const trans = (options.translator ?? nullTranslator).load('smx_lab');
  const tabs: IJobTab[] = [
    {
      id: 'Job settings',
      label: trans.__('Job settings'),
      render: () => (
        <JobSettingsTab
          job={job}
          deployment={jobs.deployment(component)}
          copy={options.copy}
          translator={options.translator}
        />
      )
    }
  ];
  if (job.JobType === 'TrainingJob') {
    tabs.push({
      id: 'Debugger',
      label: trans.__('Debugger'),
      render: () => (
        <DebuggerTab
          job={job}
          copy={options.copy}
          translator={options.translator}
        />
      )
    });
  }
  tabs.push({
    id: 'Logs',
    label: trans.__('Logs'),
    render: () => (
      <LogsTab
        client={jobs.client}
        component={component}
        running={jobIsRunning(job.Status)}
        pollInterval={Math.max(1, options.refreshInterval || 5) * 1000}
        translator={options.translator}
      />
    )
  });
  return {
    tabs,
    actionBar: (
      <JobActionBar
        job={job}
        onStop={() => void jobs.stop(component)}
        onDeploy={() => void jobs.deploy(component)}
        translator={options.translator}
      />
    )
  };
}

/** The job's type, name and status, and the actions it allows now. */
export function JobActionBar(props: {
  job: IJob;
  onStop: () => void;
  onDeploy: () => void;
  translator?: ITranslator;
}): JSX.Element {
  const { job, translator } = props;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  return (
    <div
      className="smx-JobBar"
      role="toolbar"
      aria-label={trans.__('Job actions')}
    >
      <span className="smx-JobBar-job">
        {trans.__('%1 %2', jobTypeLabel(job.JobType, trans), job.JobName)}
      </span>
      <StatusBadge
        status={job.Status as PrimaryStatus}
        translator={translator}
      />
      {job.SecondaryStatus && job.SecondaryStatus !== job.Status && (
        <span className="smx-JobBar-secondary">{job.SecondaryStatus}</span>
      )}
      <span className="smx-JobBar-spacer" />
      {job.Actions.Stop && (
        <button
          className="jp-Button jp-mod-styled jp-mod-warn smx-JobBar-stop"
          onClick={props.onStop}
        >
          {stopLabel(job.JobType, trans)}
        </button>
      )}
      {job.Actions.Deploy && (
        <button
          className="jp-Button jp-mod-styled jp-mod-accept smx-JobBar-deploy"
          onClick={props.onDeploy}
        >
          {trans.__('Deploy model…')}
        </button>
      )}
    </div>
  );
}

export { NONE as NO_JOB_VIEW };
