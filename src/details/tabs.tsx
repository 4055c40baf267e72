/**
 * The component view's tabs other than Metrics: Parameters, Artifacts, AWS Settings and Trial
 * Mappings. Every value is rendered as a React text node: names and values come from users.
 */
import { PageConfig, PathExt } from '@jupyterlab/coreutils';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { copyIcon, fileIcon } from '@jupyterlab/ui-components';
import React from 'react';
import { IArtifact, IParent, ITrialComponent, parameterValue } from '../api';

export interface ITabActions {
  copy: (text: string) => void;
  /** Opens a local path in JupyterLab (the document manager's open). */
  openPath: (path: string) => void;
  /** Shows a trial (or an experiment, when trial is undefined) in the sidebar. */
  reveal: (experiment: string, trial?: string) => void;
}

/** The props every tab takes. */
export interface ITabProps {
  component: ITrialComponent;
  actions: ITabActions;
  translator?: ITranslator;
}

function bundle(translator?: ITranslator): TranslationBundle {
  return (translator ?? nullTranslator).load('smx_lab');
}

export function CopyButton(props: {
  text: string;
  /** The button's title, e.g. "Copy value of lr", already translated. */
  title: string;
  copy: (text: string) => void;
}): JSX.Element {
  return (
    <button
      className="smx-IconButton"
      title={props.title}
      aria-label={props.title}
      onClick={() => props.copy(props.text)}
    >
      <copyIcon.react tag="span" />
    </button>
  );
}

export function Empty(props: { children: React.ReactNode }): JSX.Element {
  return <div className="smx-Details-empty">{props.children}</div>;
}

export function ParametersTab(props: ITabProps): JSX.Element {
  const trans = bundle(props.translator);
  const entries = Object.entries(props.component.Parameters ?? {});
  if (entries.length === 0) {
    return <Empty>{trans.__('This trial component has no parameters.')}</Empty>;
  }
  return (
    <table className="smx-Details-table smx-ParametersTable">
      <thead>
        <tr>
          <th scope="col">{trans.__('Name')}</th>
          <th scope="col">{trans.__('Value')}</th>
          <th scope="col">{trans.__('Type')}</th>
          <th scope="col">
            <span className="smx-u-visuallyHidden">{trans.__('Copy')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, raw]) => {
          const { value, type } = parameterValue(raw);
          return (
            <tr key={name} data-parameter={name}>
              <td>{name}</td>
              <td className="smx-Details-value">{String(value)}</td>
              <td>
                {type === 'Number' ? trans.__('Number') : trans.__('String')}
              </td>
              <td>
                <CopyButton
                  text={String(value)}
                  title={trans.__('Copy value of %1', name)}
                  copy={props.actions.copy}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * Where an artifact lives: a URI to copy (`s3://…`, and MLflow's `runs:/…`, `mlflow-artifacts:/…`),
 * or a local path (`file:` URIs too). One letter before `:/` is a Windows drive, not a scheme.
 */
export function artifactLocation(value: string): 'remote' | 'local' {
  if (/^[a-z][a-z0-9+.-]+:\//i.test(value) && !/^file:/i.test(value)) {
    return 'remote';
  }
  return 'local';
}

/** A local artifact's path as the document manager takes it. */
export function localPath(value: string): string {
  return value.replace(/^file:(\/\/)?/i, '');
}

/**
 * The path, relative to the server's root, that JupyterLab opens for an artifact; null when it
 * cannot open it: a remote URI, or a local file outside `serverRoot` (the page config's, an
 * absolute path or `~/…` when under the server's home, which a browser cannot expand).
 */
export function openablePath(value: string, serverRoot: string): string | null {
  // A dataset's source can be a JSON document (MLflow's code datasets): text, not a file.
  if (
    artifactLocation(value) === 'remote' ||
    /^\s*\{[\s\S]*\}\s*$|[\n\r]/.test(value)
  ) {
    return null;
  }
  let path = localPath(value);
  if (/^file:/i.test(value)) {
    try {
      path = decodeURIComponent(path.replace(/^localhost\//i, '/'));
    } catch {
      return null;
    }
    path = path.replace(/^\/([a-z]:\/)/i, '$1');
  }
  if (/^[a-z]:\\/i.test(path)) {
    path = path.replace(/\\/g, '/');
  }
  const absolute = /^(\/|[a-z]:\/)/i.test(path);
  const normalized = PathExt.normalize(path);
  if (!absolute) {
    // A relative path is relative to the server's root, as the document manager takes it.
    return normalized === '' || /^\.\.(\/|$)/.test(normalized)
      ? null
      : normalized;
  }
  if (serverRoot === '' || serverRoot.startsWith('~')) {
    return null;
  }
  const root = PathExt.normalize(serverRoot).replace(/\/+$/, '');
  if (root === '') {
    return normalized || null;
  }
  return normalized.startsWith(`${root}/`)
    ? normalized.slice(root.length + 1)
    : null;
}

function ArtifactRows(props: {
  artifacts: Record<string, IArtifact>;
  actions: ITabActions;
  serverRoot: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <>
      {Object.entries(props.artifacts).map(([name, artifact]) => {
        const path = openablePath(artifact.Value, props.serverRoot);
        return (
          <tr key={name} data-artifact={name}>
            <td>
              {path === null ? (
                name
              ) : (
                <button
                  className="smx-LinkButton"
                  title={trans.__('Open %1 in JupyterLab', path)}
                  onClick={() => props.actions.openPath(path)}
                >
                  {name}
                </button>
              )}
            </td>
            <td className="smx-Details-value">{artifact.Value}</td>
            <td>{artifact.MediaType ?? ''}</td>
            <td className="smx-Details-actions">
              <CopyButton
                text={artifact.Value}
                title={trans.__('Copy location of %1', name)}
                copy={props.actions.copy}
              />
              {path !== null && (
                <button
                  className="smx-IconButton"
                  title={trans.__('Open %1 in JupyterLab', name)}
                  aria-label={trans.__('Open %1 in JupyterLab', name)}
                  onClick={() => props.actions.openPath(path)}
                >
                  <fileIcon.react tag="span" />
                </button>
              )}
            </td>
          </tr>
        );
      })}
    </>
  );
}

function ArtifactTable(props: {
  title: string;
  artifacts: Record<string, IArtifact>;
  actions: ITabActions;
  serverRoot: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const count = Object.keys(props.artifacts).length;
  return (
    <section className="smx-Details-section">
      <h3 className="smx-Details-sectionTitle">{props.title}</h3>
      {count === 0 ? (
        <Empty>{trans.__('None.')}</Empty>
      ) : (
        <table className="smx-Details-table">
          <thead>
            <tr>
              <th scope="col">{trans.__('Name')}</th>
              <th scope="col">{trans.__('Value')}</th>
              <th scope="col">{trans.__('Media type')}</th>
              <th scope="col">
                <span className="smx-u-visuallyHidden">
                  {trans.__('Actions')}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>
            <ArtifactRows
              artifacts={props.artifacts}
              actions={props.actions}
              serverRoot={props.serverRoot}
              trans={trans}
            />
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ArtifactsTab(
  props: ITabProps & {
    /** The server's root as an absolute path (`GET info`); else the page config's. */
    serverRoot?: string;
  }
): JSX.Element {
  const { component, actions } = props;
  const trans = bundle(props.translator);
  const serverRoot = props.serverRoot ?? PageConfig.getOption('serverRoot');
  return (
    <div className="smx-ArtifactsTab">
      <ArtifactTable
        title={trans.__('Input artifacts')}
        artifacts={component.InputArtifacts ?? {}}
        actions={actions}
        serverRoot={serverRoot}
        trans={trans}
      />
      <ArtifactTable
        title={trans.__('Output artifacts')}
        artifacts={component.OutputArtifacts ?? {}}
        actions={actions}
        serverRoot={serverRoot}
        trans={trans}
      />
    </div>
  );
}

/** Nested job details as dotted keys and text values (`ResourceConfig.InstanceType`). */
export function flattenDetail(value: unknown, prefix = ''): [string, string][] {
  if (value === null || value === undefined) {
    return [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      flattenDetail(item, `${prefix}[${index}]`)
    );
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(
      ([key, item]) => flattenDetail(item, prefix ? `${prefix}.${key}` : key)
    );
  }
  return [[prefix, String(value)]];
}

export function AwsSettingsTab(props: ITabProps): JSX.Element {
  const { component, actions } = props;
  const trans = bundle(props.translator);
  const details = flattenDetail(component.SourceDetail ?? {});
  const rows: [string, string][] = [];
  if (component.TrialComponentArn) {
    rows.push([trans.__('Trial component ARN'), component.TrialComponentArn]);
  }
  if (component.Source) {
    rows.push([trans.__('Source ARN'), component.Source.SourceArn]);
    if (component.Source.SourceType) {
      rows.push([trans.__('Source type'), component.Source.SourceType]);
    }
  }
  if (rows.length === 0 && details.length === 0) {
    return (
      <Empty>
        {trans.__(
          'No AWS settings: this trial component was not created by a SageMaker job.'
        )}
      </Empty>
    );
  }
  return (
    <div className="smx-AwsSettingsTab">
      {rows.length > 0 && (
        <section className="smx-Details-section">
          <h3 className="smx-Details-sectionTitle">{trans.__('Source')}</h3>
          <KeyValueTable rows={rows} copy={actions.copy} trans={trans} />
        </section>
      )}
      {details.length > 0 && (
        <section className="smx-Details-section">
          <h3 className="smx-Details-sectionTitle">
            {trans.__('Job details')}
          </h3>
          <KeyValueTable rows={details} copy={actions.copy} trans={trans} />
        </section>
      )}
    </div>
  );
}

export function KeyValueTable(props: {
  rows: [string, string][];
  copy: (text: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <table className="smx-Details-table smx-Details-keyValue">
      <tbody>
        {props.rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="smx-Details-value">{value}</td>
            <td>
              <CopyButton
                text={value}
                title={props.trans.__('Copy %1', key)}
                copy={props.copy}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrialMappingsTab(props: ITabProps): JSX.Element {
  const trans = bundle(props.translator);
  const parents: IParent[] = props.component.Parents ?? [];
  const { reveal } = props.actions;
  if (parents.length === 0) {
    return (
      <Empty>
        {trans.__(
          'This trial component belongs to no trial (it is listed under “Unassigned trial components”).'
        )}
      </Empty>
    );
  }
  return (
    <table className="smx-Details-table smx-TrialMappingsTable">
      <thead>
        <tr>
          <th scope="col">{trans.__('Trial')}</th>
          <th scope="col">{trans.__('Experiment')}</th>
        </tr>
      </thead>
      <tbody>
        {parents.map(parent => (
          <tr key={`${parent.ExperimentName}/${parent.TrialName}`}>
            <td>
              <button
                className="smx-LinkButton"
                title={trans.__('Show this trial in the Experiments panel')}
                onClick={() => reveal(parent.ExperimentName, parent.TrialName)}
              >
                {parent.TrialName}
              </button>
            </td>
            <td>
              <button
                className="smx-LinkButton"
                title={trans.__(
                  'Show this experiment in the Experiments panel'
                )}
                onClick={() => reveal(parent.ExperimentName)}
              >
                {parent.ExperimentName}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
