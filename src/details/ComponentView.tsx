/**
 * The trial component view (a main-area tab): a header with the display name, status, source and
 * times, and the tabs Metrics, Parameters, Artifacts, AWS Settings (Run info for an MLflow run) and
 * Trial Mappings. A component that is InProgress reloads itself on the settings' interval, so
 * metrics logged from a running notebook appear while it runs. A component that a SageMaker job
 * created also gets its job's bar and tabs (src/jobs/JobTabs.tsx) where the store offers jobs.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, ITrialComponent } from '../api';
import { formatDuration, formatTime } from '../format';
import { beakerIcon } from '../icons';
import type { JobsController } from '../jobs/controller';
import { JobTabName, useJobView } from '../jobs/JobTabs';
import { ErrorState, LoadingState } from '../states';
import { StatusBadge } from '../StatusBadge';
import type { ISmxLabClient } from '../tokens';
import { MetricsTab } from './MetricsTab';
import { isMlflowRun, RunInfoTab } from './RunInfoTab';
import {
  ArtifactsTab,
  AwsSettingsTab,
  ITabActions,
  ParametersTab,
  TrialMappingsTab
} from './tabs';

export const TABS = [
  'Metrics',
  'Parameters',
  'Artifacts',
  'AWS Settings',
  'Run info',
  'Trial Mappings'
] as const;
export type TabName = (typeof TABS)[number];

/** The tabs of one component: an MLflow run's Run info stands where a job's AWS Settings stand. */
export function tabsOf(component: ITrialComponent): TabName[] {
  const hidden: TabName = isMlflowRun(component) ? 'AWS Settings' : 'Run info';
  return TABS.filter(tab => tab !== hidden);
}

/** A tab's label in the user's language (the English names are the tabs' ids). */
function tabLabel(tab: TabName, trans: TranslationBundle): string {
  switch (tab) {
    case 'Metrics':
      return trans.__('Metrics');
    case 'Parameters':
      return trans.__('Parameters');
    case 'Artifacts':
      return trans.__('Artifacts');
    case 'AWS Settings':
      return trans.__('AWS Settings');
    case 'Run info':
      return trans.__('Run info');
    case 'Trial Mappings':
      return trans.__('Trial Mappings');
  }
}

export interface IViewSettings {
  /** Seconds between reloads of an InProgress component; 0 turns it off. */
  refreshInterval: number;
  /** Points per metric line. */
  chartPoints: number;
}

export interface IComponentDetailsProps {
  client: ISmxLabClient;
  name: string;
  settings: IViewSettings;
  actions: ITabActions;
  /** How many times a refresh was asked for from outside: every change loads the component again. */
  refreshes?: number;
  /** Changes when the theme changes: the charts are drawn again in its colors. */
  themeVersion?: number;
  /** Told the display name once known, for the tab's title. */
  onLoaded?: (component: ITrialComponent) => void;
  /** The store's SageMaker jobs: a job's component gets its job tabs and actions. */
  jobs?: JobsController;
  translator?: ITranslator;
}

export function ComponentDetails(props: IComponentDetailsProps): JSX.Element {
  const {
    client,
    name,
    settings,
    actions,
    refreshes = 0,
    themeVersion = 0,
    onLoaded,
    jobs,
    translator
  } = props;
  const trans = useMemo(
    () => (translator ?? nullTranslator).load('smx_lab'),
    [translator]
  );
  const [component, setComponent] = useState<ITrialComponent | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // Reloads asked for here (Retry, the InProgress interval), besides those from outside.
  const [reloads, setReloads] = useState(0);
  const version = reloads + refreshes;
  const [tab, setTab] = useState<TabName | JobTabName>('Metrics');

  const reload = useCallback(() => setReloads(count => count + 1), []);
  // The server's root as an absolute path, so that artifacts under it open in JupyterLab even
  // when the page config gives it as `~/…`.
  const [serverRoot, setServerRoot] = useState<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    client.info().then(
      info => {
        if (!cancelled && info.server_root) {
          setServerRoot(info.server_root);
        }
      },
      () => undefined
    );
    return () => {
      cancelled = true;
    };
  }, [client]);
  // The job tabs (Job settings, Debugger, Logs) and actions of a component a job created.
  const jobView = useJobView(jobs, name, version, {
    copy: actions.copy,
    refreshInterval: settings.refreshInterval,
    translator
  });
  const jobTab = jobView.tabs.find(extra => extra.id === tab);

  useEffect(() => {
    let cancelled = false;
    client.getTrialComponent(name).then(
      answer => {
        if (!cancelled) {
          setComponent(answer);
          setError(null);
          onLoaded?.(answer);
        }
      },
      reason => {
        if (!cancelled) {
          setError(
            reason instanceof ApiError
              ? reason
              : new ApiError(0, { error: 'network', message: String(reason) })
          );
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [client, name, version]);

  const inProgress = component?.Status?.PrimaryStatus === 'InProgress';
  useEffect(() => {
    if (!inProgress || settings.refreshInterval <= 0) {
      return;
    }
    const timer = setInterval(reload, settings.refreshInterval * 1000);
    return () => clearInterval(timer);
  }, [inProgress, settings.refreshInterval, reload]);

  if (!component) {
    return (
      <div className="smx-Details">
        {error ? (
          <ErrorState error={error} onRetry={reload} translator={translator} />
        ) : (
          <LoadingState what={name} translator={translator} />
        )}
      </div>
    );
  }

  return (
    <div className="smx-Details" data-component={component.TrialComponentName}>
      <Header component={component} translator={translator} />
      {jobView.actionBar}
      {error && (
        <div className="smx-Details-staleWarning" role="status">
          {trans.__('Showing the last loaded state: %1', error.message)}
        </div>
      )}
      <div
        className="smx-Tabs"
        role="tablist"
        aria-label={trans.__('Trial component')}
      >
        {tabsOf(component).map(name => (
          <button
            key={name}
            role="tab"
            id={`smx-tab-${name}`}
            aria-selected={tab === name}
            className={`smx-Tabs-tab${tab === name ? ' smx-mod-active' : ''}`}
            onClick={() => setTab(name)}
          >
            {tabLabel(name, trans)}
          </button>
        ))}
        {jobView.tabs.map(extra => (
          <button
            key={extra.id}
            role="tab"
            id={`smx-tab-${extra.id}`}
            aria-selected={tab === extra.id}
            className={`smx-Tabs-tab${tab === extra.id ? ' smx-mod-active' : ''}`}
            onClick={() => setTab(extra.id)}
          >
            {extra.label}
          </button>
        ))}
      </div>
      <div
        className="smx-Tabs-panel"
        role="tabpanel"
        aria-label={jobTab?.label ?? tabLabel(tab as TabName, trans)}
      >
        {jobTab?.render()}
        {tab === 'Metrics' && (
          <MetricsTab
            client={client}
            component={component}
            chartPoints={settings.chartPoints}
            version={version}
            themeVersion={themeVersion}
            translator={translator}
          />
        )}
        {tab === 'Parameters' && (
          <ParametersTab
            component={component}
            actions={actions}
            translator={translator}
          />
        )}
        {tab === 'Artifacts' && (
          <ArtifactsTab
            component={component}
            actions={actions}
            serverRoot={serverRoot}
            translator={translator}
          />
        )}
        {tab === 'AWS Settings' && (
          <AwsSettingsTab
            component={component}
            actions={actions}
            translator={translator}
          />
        )}
        {tab === 'Run info' && (
          <RunInfoTab
            component={component}
            actions={actions}
            translator={translator}
          />
        )}
        {tab === 'Trial Mappings' && (
          <TrialMappingsTab
            component={component}
            actions={actions}
            translator={translator}
          />
        )}
      </div>
    </div>
  );
}

function Header(props: {
  component: ITrialComponent;
  translator?: ITranslator;
}): JSX.Element {
  const { component, translator } = props;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const status = component.Status;
  const duration = formatDuration(
    component.StartTime,
    component.EndTime,
    translator
  );
  return (
    <header className="smx-Details-header">
      <div className="smx-Details-titleRow">
        <h2 className="smx-Details-title">{component.DisplayName}</h2>
        {status && (
          <StatusBadge
            status={status.PrimaryStatus}
            message={status.Message}
            translator={translator}
          />
        )}
      </div>
      {component.DisplayName !== component.TrialComponentName && (
        <div className="smx-Details-name">{component.TrialComponentName}</div>
      )}
      {status?.Message && (
        <div className="smx-Details-statusMessage">{status.Message}</div>
      )}
      <dl className="smx-Details-facts">
        {component.Source && (
          <>
            <dt>{trans.__('Source')}</dt>
            <dd className="smx-Details-value">
              {component.Source.SourceType
                ? `${component.Source.SourceType}: `
                : ''}
              {component.Source.SourceArn}
            </dd>
          </>
        )}
        <dt>{trans.__('Start')}</dt>
        <dd>{formatTime(component.StartTime) || '—'}</dd>
        <dt>{trans.__('End')}</dt>
        <dd>{formatTime(component.EndTime) || '—'}</dd>
        <dt>{trans.__('Duration')}</dt>
        <dd>{duration || '—'}</dd>
      </dl>
    </header>
  );
}

export interface IComponentViewOptions {
  client: ISmxLabClient;
  name: string;
  settings: IViewSettings;
  actions: ITabActions;
  /** The theme manager's signal: the charts are drawn again in the new theme's colors. */
  themeChanged?: ISignal<unknown, unknown>;
  /** The store's SageMaker jobs (src/jobs/controller.ts). */
  jobs?: JobsController;
  translator?: ITranslator;
}

/** The Lumino widget of one trial component; the restorer reopens it by name. */
export class ComponentView extends ReactWidget {
  private _settings: IViewSettings;
  private _translator: ITranslator;
  // Each refresh and each change of theme renders the view again with a new count.
  private _refreshes = 0;
  private _themeVersion = 0;

  constructor(private readonly options: IComponentViewOptions) {
    super();
    this._translator = options.translator ?? nullTranslator;
    const trans = this._translator.load('smx_lab');
    this.addClass('smx-ComponentView');
    this._settings = options.settings;
    this.title.label = options.name;
    this.title.caption = trans.__('Trial component %1', options.name);
    this.title.icon = beakerIcon;
    this.title.closable = true;
    // Disconnected on disposal (Signal.clearData of the widget).
    options.themeChanged?.connect(this._onThemeChanged, this);
  }

  get componentName(): string {
    return this.options.name;
  }

  set settings(settings: IViewSettings) {
    this._settings = settings;
    this.update();
  }

  refresh(): void {
    this._refreshes++;
    this.update();
  }

  protected render(): JSX.Element {
    return (
      <ComponentDetails
        client={this.options.client}
        name={this.options.name}
        settings={this._settings}
        actions={this.options.actions}
        refreshes={this._refreshes}
        themeVersion={this._themeVersion}
        onLoaded={component => {
          this.title.label = component.DisplayName;
        }}
        jobs={this.options.jobs}
        translator={this._translator}
      />
    );
  }

  private _onThemeChanged(): void {
    this._themeVersion++;
    this.update();
  }
}
