import React from 'react';
import { PrimaryStatus } from './api';

/** A trial component's primary status as a colored badge; the message is its tooltip. */
export function StatusBadge(props: {
  status: PrimaryStatus;
  message?: string;
}): JSX.Element {
  const { status, message } = props;
  return (
    <span
      className={`smx-StatusBadge smx-mod-${status.toLowerCase()}`}
      title={message || undefined}
    >
      {status}
    </span>
  );
}
