/**
 * The Run info tab, which an MLflow run shows where a SageMaker job shows AWS Settings: the run's
 * own record and MLflow's tags, as the MLflow store sends them in `SourceDetail` (`RunId`,
 * `RunName`, `ExperimentName`, …, and `Tags` without their `mlflow.` prefix). Values are text nodes.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import React from 'react';
import { ITrialComponent } from '../api';
import { Empty, flattenDetail, ITabProps, KeyValueTable } from './tabs';

/** The source type of a trial component the MLflow store made from a run (`vocabulary.py`'s). */
export const MLFLOW_RUN_SOURCE_TYPE = 'MLflowRun';

export function isMlflowRun(component: ITrialComponent): boolean {
  return component.Source?.SourceType === MLFLOW_RUN_SOURCE_TYPE;
}

type Rows = [string, string][];

/** The record's fields, then the tags, each under its label; what is left keeps its own name. */
function runRows(
  detail: Record<string, unknown>,
  trans: TranslationBundle
): { run: Rows; source: Rows; tags: Rows } {
  const { Tags: rawTags, ...record } = detail;
  const tags: Record<string, unknown> =
    typeof rawTags === 'object' && rawTags !== null ? { ...rawTags } : {};
  const take = (
    rows: Rows,
    from: Record<string, unknown>,
    key: string,
    label: string
  ) => {
    const value = from[key];
    delete from[key];
    if (value !== undefined && value !== null && value !== '') {
      rows.push([
        label,
        typeof value === 'object' ? JSON.stringify(value) : String(value)
      ]);
    }
  };
  // The record's run name and user stand for MLflow's tags of the same.
  delete tags['runName'];
  if (record.User) {
    delete tags['user'];
  }
  const run: Rows = [];
  take(run, record, 'RunId', trans.__('Run ID'));
  take(run, record, 'RunName', trans.__('Run name'));
  take(run, record, 'ExperimentName', trans.__('Experiment'));
  take(run, record, 'ExperimentId', trans.__('Experiment ID'));
  take(run, record, 'Status', trans.__('Status'));
  take(run, record, 'User', trans.__('User'));
  take(run, record, 'ArtifactUri', trans.__('Artifact URI'));
  take(run, record, 'LifecycleStage', trans.__('Lifecycle stage'));
  take(run, tags, 'parentRunId', trans.__('Parent run'));
  run.push(...flattenDetail(record));
  const source: Rows = [];
  take(source, tags, 'source.name', trans.__('Source name'));
  take(source, tags, 'source.type', trans.__('Source type'));
  take(source, tags, 'source.git.commit', trans.__('Git commit'));
  take(source, tags, 'source.git.branch', trans.__('Git branch'));
  take(source, tags, 'source.git.repoURL', trans.__('Git repository'));
  return { run, source, tags: flattenDetail(tags) };
}

export function RunInfoTab(props: ITabProps): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const { run, source, tags } = runRows(
    props.component.SourceDetail ?? {},
    trans
  );
  if (run.length + source.length + tags.length === 0) {
    return <Empty>{trans.__('The store sent no record of this run.')}</Empty>;
  }
  const sections: [string, Rows][] = [
    [trans.__('Run'), run],
    [trans.__('Source'), source],
    [trans.__('MLflow tags'), tags]
  ];
  return (
    <div className="smx-RunInfoTab">
      {sections
        .filter(([, rows]) => rows.length > 0)
        .map(([title, rows]) => (
          <section key={title} className="smx-Details-section">
            <h3 className="smx-Details-sectionTitle">{title}</h3>
            <KeyValueTable
              rows={rows}
              copy={props.actions.copy}
              trans={trans}
            />
          </section>
        ))}
    </div>
  );
}
