/**
 * The trial component view (a main-area tab): a header with the display name, status, source and
 * times, and the tabs Metrics, Parameters, Artifacts, AWS Settings and Trial Mappings. A component
 * that is InProgress reloads itself on the settings' interval, so metrics logged from a running
 * notebook appear while it runs.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import React, { useCallback, useEffect, useState } from 'react';
import { ApiError, ITrialComponent, SmxLabClient } from '../api';
import { formatDuration, formatTime } from '../format';
import { beakerIcon } from '../icons';
import { ErrorState, LoadingState } from '../states';
import { StatusBadge } from '../StatusBadge';
import { MetricsTab } from './MetricsTab';
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
  'Trial Mappings'
] as const;
export type TabName = (typeof TABS)[number];

export interface IViewSettings {
  /** Seconds between reloads of an InProgress component; 0 turns it off. */
  refreshInterval: number;
  /** Points per metric line. */
  chartPoints: number;
}

export interface IComponentDetailsProps {
  client: SmxLabClient;
  name: string;
  settings: IViewSettings;
  actions: ITabActions;
  refreshRequested: ISignal<unknown, void>;
  themeChanged?: ISignal<unknown, unknown>;
  /** Told the display name once known, for the tab's title. */
  onLoaded?: (component: ITrialComponent) => void;
}

export function ComponentDetails(props: IComponentDetailsProps): JSX.Element {
  const {
    client,
    name,
    settings,
    actions,
    refreshRequested,
    themeChanged,
    onLoaded
  } = props;
  const [component, setComponent] = useState<ITrialComponent | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const [themeVersion, setThemeVersion] = useState(0);
  const [tab, setTab] = useState<TabName>('Metrics');

  const reload = useCallback(() => setVersion(count => count + 1), []);

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

  useEffect(() => {
    refreshRequested.connect(reload);
    return () => {
      refreshRequested.disconnect(reload);
    };
  }, [refreshRequested, reload]);

  useEffect(() => {
    if (!themeChanged) {
      return;
    }
    const redraw = () => setThemeVersion(count => count + 1);
    themeChanged.connect(redraw);
    return () => {
      themeChanged.disconnect(redraw);
    };
  }, [themeChanged]);

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
          <ErrorState error={error} onRetry={reload} />
        ) : (
          <LoadingState what={name} />
        )}
      </div>
    );
  }

  return (
    <div className="smx-Details" data-component={component.TrialComponentName}>
      <Header component={component} />
      {error && (
        <div className="smx-Details-staleWarning" role="status">
          Showing the last loaded state: {error.message}
        </div>
      )}
      <div className="smx-Tabs" role="tablist" aria-label="Trial component">
        {TABS.map(name => (
          <button
            key={name}
            role="tab"
            id={`smx-tab-${name}`}
            aria-selected={tab === name}
            className={`smx-Tabs-tab${tab === name ? ' smx-mod-active' : ''}`}
            onClick={() => setTab(name)}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="smx-Tabs-panel" role="tabpanel" aria-label={tab}>
        {tab === 'Metrics' && (
          <MetricsTab
            client={client}
            component={component}
            chartPoints={settings.chartPoints}
            version={version}
            themeVersion={themeVersion}
          />
        )}
        {tab === 'Parameters' && (
          <ParametersTab component={component} actions={actions} />
        )}
        {tab === 'Artifacts' && (
          <ArtifactsTab component={component} actions={actions} />
        )}
        {tab === 'AWS Settings' && (
          <AwsSettingsTab component={component} actions={actions} />
        )}
        {tab === 'Trial Mappings' && (
          <TrialMappingsTab component={component} actions={actions} />
        )}
      </div>
    </div>
  );
}

function Header(props: { component: ITrialComponent }): JSX.Element {
  const { component } = props;
  const status = component.Status;
  const duration = formatDuration(component.StartTime, component.EndTime);
  return (
    <header className="smx-Details-header">
      <div className="smx-Details-titleRow">
        <h2 className="smx-Details-title">{component.DisplayName}</h2>
        {status && (
          <StatusBadge status={status.PrimaryStatus} message={status.Message} />
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
            <dt>Source</dt>
            <dd className="smx-Details-value">
              {component.Source.SourceType
                ? `${component.Source.SourceType}: `
                : ''}
              {component.Source.SourceArn}
            </dd>
          </>
        )}
        <dt>Start</dt>
        <dd>{formatTime(component.StartTime) || '—'}</dd>
        <dt>End</dt>
        <dd>{formatTime(component.EndTime) || '—'}</dd>
        <dt>Duration</dt>
        <dd>{duration || '—'}</dd>
      </dl>
    </header>
  );
}

export interface IComponentViewOptions {
  client: SmxLabClient;
  name: string;
  settings: IViewSettings;
  actions: ITabActions;
  themeChanged?: ISignal<unknown, unknown>;
}

/** The Lumino widget of one trial component; the restorer reopens it by name. */
export class ComponentView extends ReactWidget {
  private _refreshRequested = new Signal<this, void>(this);
  private _settings: IViewSettings;

  constructor(private readonly options: IComponentViewOptions) {
    super();
    this.addClass('smx-ComponentView');
    this._settings = options.settings;
    this.title.label = options.name;
    this.title.caption = `Trial component ${options.name}`;
    this.title.icon = beakerIcon;
    this.title.closable = true;
  }

  get componentName(): string {
    return this.options.name;
  }

  set settings(settings: IViewSettings) {
    this._settings = settings;
    this.update();
  }

  refresh(): void {
    this._refreshRequested.emit();
  }

  protected render(): JSX.Element {
    return (
      <ComponentDetails
        client={this.options.client}
        name={this.options.name}
        settings={this._settings}
        actions={this.options.actions}
        refreshRequested={this._refreshRequested}
        themeChanged={this.options.themeChanged}
        onLoaded={component => {
          this.title.label = component.DisplayName;
        }}
      />
    );
  }
}
