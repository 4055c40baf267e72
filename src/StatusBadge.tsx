import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React from 'react';
import { PrimaryStatus } from './api';

/** A primary status as the user reads it (SageMaker's names, translatable). */
export function statusLabel(
  status: PrimaryStatus,
  translator?: ITranslator
): string {
  const trans = (translator ?? nullTranslator).load('smx_lab');
  switch (status) {
    case 'InProgress':
      return trans.__('InProgress');
    case 'Completed':
      return trans.__('Completed');
    case 'Failed':
      return trans.__('Failed');
    case 'Stopping':
      return trans.__('Stopping');
    case 'Stopped':
      return trans.__('Stopped');
    default:
      // A status this frontend does not know yet reads as the server wrote it.
      return status;
  }
}

/** A trial component's primary status as a colored badge; the message is its tooltip. */
export function StatusBadge(props: {
  status: PrimaryStatus;
  message?: string;
  translator?: ITranslator;
}): JSX.Element {
  const { status, message, translator } = props;
  return (
    <span
      className={`smx-StatusBadge smx-mod-${status.toLowerCase()}`}
      title={message || undefined}
    >
      {statusLabel(status, translator)}
    </span>
  );
}
