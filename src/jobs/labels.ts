/** The words of the job views in the user's language, and how an action's failure reads. */
import { TranslationBundle } from '@jupyterlab/translation';
import type { ApiError, JobType, RuleEvaluationStatus } from '../api';

/** "Training job", "Processing job", "Transform job": the type as a heading or value. */
export function jobTypeLabel(type: JobType, trans: TranslationBundle): string {
  switch (type) {
    case 'TrainingJob':
      return trans.__('Training job');
    case 'ProcessingJob':
      return trans.__('Processing job');
    case 'TransformJob':
      return trans.__('Transform job');
    default:
      return type;
  }
}

/** "training job", "processing job", "transform job": the type inside a sentence. */
export function jobTypeNoun(type: JobType, trans: TranslationBundle): string {
  switch (type) {
    case 'TrainingJob':
      return trans.__('training job');
    case 'ProcessingJob':
      return trans.__('processing job');
    case 'TransformJob':
      return trans.__('transform job');
    default:
      return type;
  }
}

/** The stop command's label for a job type (whole sentences, so translations can order them). */
export function stopLabel(
  type: JobType | undefined,
  trans: TranslationBundle
): string {
  switch (type) {
    case 'TrainingJob':
      return trans.__('Stop training job…');
    case 'ProcessingJob':
      return trans.__('Stop processing job…');
    case 'TransformJob':
      return trans.__('Stop transform job…');
    default:
      return trans.__('Stop job…');
  }
}

export function ruleStatusLabel(
  status: RuleEvaluationStatus,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'InProgress':
      return trans.__('InProgress');
    case 'NoIssuesFound':
      return trans.__('NoIssuesFound');
    case 'IssuesFound':
      return trans.__('IssuesFound');
    case 'Error':
      return trans.__('Error');
    case 'Stopping':
      return trans.__('Stopping');
    case 'Stopped':
      return trans.__('Stopped');
    default:
      return status;
  }
}

/** A job still running: its logs may grow and it can be stopped. */
export function jobIsRunning(status: string): boolean {
  return status === 'InProgress' || status === 'Stopping';
}

/** An endpoint that will not change by itself any more. */
export function endpointIsSettled(status: string): boolean {
  return !['Creating', 'Updating', 'SystemUpdating', 'RollingBack'].includes(
    status
  );
}

/**
 * What an action's failure tells the user: what failed, then why in words they can act on —
 * AWS denying the store's credentials, AWS throttling, the job's state — then the server's own
 * message.
 */
export function actionErrorMessage(
  error: ApiError,
  what: string,
  trans: TranslationBundle
): string {
  if (error.denied) {
    return trans.__(
      '%1: your AWS credentials are not allowed to do this (%2).',
      what,
      error.message
    );
  }
  if (error.throttled) {
    return trans.__(
      '%1: AWS is throttling requests; wait a moment and try again.',
      what
    );
  }
  if (error.unreachable) {
    return trans.__('%1: could not reach the store: %2', what, error.message);
  }
  return trans.__('%1: %2', what, error.message);
}
