/** The loading, empty and error states of the panel and the component view: each says what is going on and what to do. */
import React from 'react';
import { ApiError } from './api';
import { Level } from './model';

const NOUNS: Record<Level, string> = {
  experiments: 'experiments',
  trials: 'trials',
  components: 'trial components',
  unassigned: 'unassigned trial components'
};

/** What a level's rows are called in the states' texts. */
export function levelNoun(level: Level): string {
  return NOUNS[level];
}

export function LoadingState(props: { what: string }): JSX.Element {
  return (
    <div className="smx-State smx-mod-loading" role="status" aria-live="polite">
      <div className="smx-State-spinner" aria-hidden="true" />
      <div className="smx-State-text">Loading {props.what}…</div>
    </div>
  );
}

const SNIPPET = `import smx_lab

with smx_lab.Run(experiment_name="my-experiment") as run:
    run.log_parameter("learning_rate", 0.01)
    run.log_metric(name="loss", value=0.42, step=1)`;

export function EmptyState(props: {
  level: Level;
  searching: boolean;
}): JSX.Element {
  const { level, searching } = props;
  if (searching) {
    return (
      <div className="smx-State smx-mod-empty" role="status">
        <div className="smx-State-title">
          No {NOUNS[level]} match this search
        </div>
        <div className="smx-State-text">
          Clear the search box to see them all.
        </div>
      </div>
    );
  }
  if (level === 'experiments') {
    return (
      <div className="smx-State smx-mod-empty" role="status">
        <div className="smx-State-title">
          No experiments yet — log one with <code>smx_lab.Run</code>…
        </div>
        <pre className="smx-State-snippet">{SNIPPET}</pre>
        <div className="smx-State-text">
          Then press Refresh. Or try the demo: <code>smx-lab demo</code>
        </div>
      </div>
    );
  }
  const where: Record<Level, string> = {
    experiments: '',
    trials: 'This experiment has no trials yet.',
    components: 'This trial has no trial components yet.',
    unassigned: 'Every trial component belongs to a trial.'
  };
  return (
    <div className="smx-State smx-mod-empty" role="status">
      <div className="smx-State-title">No {NOUNS[level]}</div>
      <div className="smx-State-text">{where[level]}</div>
    </div>
  );
}

export function ErrorState(props: {
  error: ApiError;
  onRetry: () => void;
}): JSX.Element {
  const { error, onRetry } = props;
  const title = error.unreachable
    ? `could not reach the store: ${error.message}`
    : error.message;
  return (
    <div className="smx-State smx-mod-error" role="alert">
      <div className="smx-State-title">{title}</div>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        onClick={onRetry}
      >
        Retry
      </button>
    </div>
  );
}
