/**
 * The component view's tabs other than Metrics: Parameters, Artifacts, AWS Settings and Trial
 * Mappings. Every value is rendered as a React text node: names and values come from users.
 */
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

function CopyButton(props: {
  text: string;
  what: string;
  copy: (text: string) => void;
}): JSX.Element {
  return (
    <button
      className="smx-IconButton"
      title={`Copy ${props.what}`}
      aria-label={`Copy ${props.what}`}
      onClick={() => props.copy(props.text)}
    >
      <copyIcon.react tag="span" />
    </button>
  );
}

function Empty(props: { children: React.ReactNode }): JSX.Element {
  return <div className="smx-Details-empty">{props.children}</div>;
}

export function ParametersTab(props: {
  component: ITrialComponent;
  actions: ITabActions;
}): JSX.Element {
  const entries = Object.entries(props.component.Parameters ?? {});
  if (entries.length === 0) {
    return <Empty>This trial component has no parameters.</Empty>;
  }
  return (
    <table className="smx-Details-table smx-ParametersTable">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
          <th scope="col">Type</th>
          <th scope="col">
            <span className="smx-u-visuallyHidden">Copy</span>
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
              <td>{type}</td>
              <td>
                <CopyButton
                  text={String(value)}
                  what={`value of ${name}`}
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

/** Where an artifact lives: a URL to copy, or a path JupyterLab can open. */
export function artifactLocation(value: string): 'remote' | 'local' {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^file:\/\//i.test(value)) {
    return 'remote';
  }
  return 'local';
}

/** A local artifact's path as the document manager takes it. */
export function localPath(value: string): string {
  return value.replace(/^file:\/\//i, '');
}

function ArtifactRows(props: {
  artifacts: Record<string, IArtifact>;
  actions: ITabActions;
}): JSX.Element {
  return (
    <>
      {Object.entries(props.artifacts).map(([name, artifact]) => {
        const remote = artifactLocation(artifact.Value) === 'remote';
        return (
          <tr key={name} data-artifact={name}>
            <td>{name}</td>
            <td className="smx-Details-value">{artifact.Value}</td>
            <td>{artifact.MediaType ?? ''}</td>
            <td className="smx-Details-actions">
              <CopyButton
                text={artifact.Value}
                what={`location of ${name}`}
                copy={props.actions.copy}
              />
              {!remote && (
                <button
                  className="smx-IconButton"
                  title={`Open ${name} in JupyterLab`}
                  aria-label={`Open ${name} in JupyterLab`}
                  onClick={() =>
                    props.actions.openPath(localPath(artifact.Value))
                  }
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
}): JSX.Element {
  const count = Object.keys(props.artifacts).length;
  return (
    <section className="smx-Details-section">
      <h3 className="smx-Details-sectionTitle">{props.title}</h3>
      {count === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <table className="smx-Details-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Media type</th>
              <th scope="col">
                <span className="smx-u-visuallyHidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <ArtifactRows artifacts={props.artifacts} actions={props.actions} />
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ArtifactsTab(props: {
  component: ITrialComponent;
  actions: ITabActions;
}): JSX.Element {
  const { component, actions } = props;
  return (
    <div className="smx-ArtifactsTab">
      <ArtifactTable
        title="Input artifacts"
        artifacts={component.InputArtifacts ?? {}}
        actions={actions}
      />
      <ArtifactTable
        title="Output artifacts"
        artifacts={component.OutputArtifacts ?? {}}
        actions={actions}
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

export function AwsSettingsTab(props: {
  component: ITrialComponent;
  actions: ITabActions;
}): JSX.Element {
  const { component, actions } = props;
  const details = flattenDetail(component.SourceDetail ?? {});
  const rows: [string, string][] = [];
  if (component.TrialComponentArn) {
    rows.push(['Trial component ARN', component.TrialComponentArn]);
  }
  if (component.Source) {
    rows.push(['Source ARN', component.Source.SourceArn]);
    if (component.Source.SourceType) {
      rows.push(['Source type', component.Source.SourceType]);
    }
  }
  if (rows.length === 0 && details.length === 0) {
    return (
      <Empty>
        No AWS settings: this trial component was not created by a SageMaker
        job.
      </Empty>
    );
  }
  return (
    <div className="smx-AwsSettingsTab">
      {rows.length > 0 && (
        <section className="smx-Details-section">
          <h3 className="smx-Details-sectionTitle">Source</h3>
          <KeyValueTable rows={rows} copy={actions.copy} />
        </section>
      )}
      {details.length > 0 && (
        <section className="smx-Details-section">
          <h3 className="smx-Details-sectionTitle">Job details</h3>
          <KeyValueTable rows={details} copy={actions.copy} />
        </section>
      )}
    </div>
  );
}

function KeyValueTable(props: {
  rows: [string, string][];
  copy: (text: string) => void;
}): JSX.Element {
  return (
    <table className="smx-Details-table smx-Details-keyValue">
      <tbody>
        {props.rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="smx-Details-value">{value}</td>
            <td>
              <CopyButton text={value} what={key} copy={props.copy} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrialMappingsTab(props: {
  component: ITrialComponent;
  actions: ITabActions;
}): JSX.Element {
  const parents: IParent[] = props.component.Parents ?? [];
  const { reveal } = props.actions;
  if (parents.length === 0) {
    return (
      <Empty>
        This trial component belongs to no trial (it is listed under “Unassigned
        trial components”).
      </Empty>
    );
  }
  return (
    <table className="smx-Details-table smx-TrialMappingsTable">
      <thead>
        <tr>
          <th scope="col">Trial</th>
          <th scope="col">Experiment</th>
        </tr>
      </thead>
      <tbody>
        {parents.map(parent => (
          <tr key={`${parent.ExperimentName}/${parent.TrialName}`}>
            <td>
              <button
                className="smx-LinkButton"
                title="Show this trial in the Experiments panel"
                onClick={() => reveal(parent.ExperimentName, parent.TrialName)}
              >
                {parent.TrialName}
              </button>
            </td>
            <td>
              <button
                className="smx-LinkButton"
                title="Show this experiment in the Experiments panel"
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
