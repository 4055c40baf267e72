/** The loading, empty and error states of the panel and the component view: each says what is going on and what to do. */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import React from 'react';
import { ApiError } from './api';
import { Level } from './model';

/** What a level's rows are called in the states' texts. */
export function levelNoun(level: Level, translator?: ITranslator): string {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  switch (level) {
    case 'experiments':
      return trans.__('experiments');
    case 'trials':
      return trans.__('trials');
    case 'components':
      return trans.__('trial components');
    case 'unassigned':
      return trans.__('unassigned trial components');
  }
}

export function LoadingState(props: {
  /** What is loading, already in the user's language (e.g. levelNoun's answer or a name). */
  what: string;
  translator?: ITranslator;
}): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  return (
    <div className="smx-State smx-mod-loading" role="status" aria-live="polite">
      <div className="smx-State-spinner" aria-hidden="true" />
      <div className="smx-State-text">
        {trans.__('Loading %1…', props.what)}
      </div>
    </div>
  );
}

const SNIPPET = `import smx_lab

with smx_lab.Run(experiment_name="my-experiment") as run:
    run.log_parameter("learning_rate", 0.01)
    run.log_metric(name="loss", value=0.42, step=1)`;

/** The title of an empty search, whole sentences so that translations can order their words. */
function noMatchTitle(level: Level, trans: TranslationBundle): string {
  switch (level) {
    case 'experiments':
      return trans.__('No experiments match this search');
    case 'trials':
      return trans.__('No trials match this search');
    case 'components':
      return trans.__('No trial components match this search');
    case 'unassigned':
      return trans.__('No unassigned trial components match this search');
  }
}

function emptyTitle(level: Level, trans: TranslationBundle): string {
  switch (level) {
    case 'experiments':
      return trans.__('No experiments');
    case 'trials':
      return trans.__('No trials');
    case 'components':
      return trans.__('No trial components');
    case 'unassigned':
      return trans.__('No unassigned trial components');
  }
}

function emptyText(level: Level, trans: TranslationBundle): string {
  switch (level) {
    case 'experiments':
      return '';
    case 'trials':
      return trans.__('This experiment has no trials yet.');
    case 'components':
      return trans.__('This trial has no trial components yet.');
    case 'unassigned':
      return trans.__('Every trial component belongs to a trial.');
  }
}

export function EmptyState(props: {
  level: Level;
  searching: boolean;
  translator?: ITranslator;
}): JSX.Element {
  const { level, searching } = props;
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  if (searching) {
    return (
      <div className="smx-State smx-mod-empty" role="status">
        <div className="smx-State-title">{noMatchTitle(level, trans)}</div>
        <div className="smx-State-text">
          {trans.__('Clear the search box to see them all.')}
        </div>
      </div>
    );
  }
  if (level === 'experiments') {
    return (
      <div className="smx-State smx-mod-empty" role="status">
        <div className="smx-State-title">
          {trans.__('No experiments yet — log one with')}{' '}
          <code>smx_lab.Run</code>…
        </div>
        <pre className="smx-State-snippet">{SNIPPET}</pre>
        <div className="smx-State-text">
          {trans.__('Then press Refresh. Or try the demo:')}{' '}
          <code>smx-lab demo</code>
        </div>
      </div>
    );
  }
  return (
    <div className="smx-State smx-mod-empty" role="status">
      <div className="smx-State-title">{emptyTitle(level, trans)}</div>
      <div className="smx-State-text">{emptyText(level, trans)}</div>
    </div>
  );
}

export function ErrorState(props: {
  error: ApiError;
  onRetry: () => void;
  translator?: ITranslator;
}): JSX.Element {
  const { error, onRetry } = props;
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const title = error.unreachable
    ? trans.__('could not reach the store: %1', error.message)
    : error.message;
  return (
    <div className="smx-State smx-mod-error" role="alert">
      <div className="smx-State-title">{title}</div>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        onClick={onRetry}
      >
        {trans.__('Retry')}
      </button>
    </div>
  );
}
