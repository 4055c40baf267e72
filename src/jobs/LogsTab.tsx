/**
 * The Logs tab: a job's CloudWatch log events, one stream at a time, oldest at the top and the
 * newest last. "Load older events" pages back; while the job runs, Follow asks the server for new
 * events on an interval and keeps the newest in view. Messages are React text, never HTML.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, ILogEvent } from '../api';
import { formatTime } from '../format';
import { ErrorState, LoadingState } from '../states';
import type { ISmxLabClient } from '../tokens';

export interface ILogsTabProps {
  client: ISmxLabClient;
  component: string;
  /** The job is running: its streams may grow, so Follow is offered (and on by default). */
  running: boolean;
  /** Milliseconds between two looks for new events while following. */
  pollInterval: number;
  /** Events per request. */
  pageSize?: number;
  translator?: ITranslator;
}

interface ILogsState {
  streams: string[];
  stream: string | null;
  events: ILogEvent[];
  older: string | null;
}

function asApiError(reason: unknown): ApiError {
  return reason instanceof ApiError
    ? reason
    : new ApiError(0, { error: 'network', message: String(reason) });
}

/** Near enough to the end of a scrolled list that new events should keep it at the end. */
function atEnd(element: HTMLElement | null): boolean {
  return (
    !element ||
    element.scrollHeight - element.scrollTop - element.clientHeight < 40
  );
}

export function LogsTab(props: ILogsTabProps): JSX.Element {
  const { client, component, running, pollInterval, translator } = props;
  const pageSize = props.pageSize ?? 100;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  const [state, setState] = useState<ILogsState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  const [follow, setFollow] = useState(running);
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  // Where the next new events are (the latest page's newer_cursor), for Follow.
  const newer = useRef<string | null>(null);
  // Scroll to the newest event after the next render (a first page, new events at the end).
  const stickToEnd = useRef(true);

  useEffect(() => setFollow(running), [running]);

  useEffect(() => {
    let cancelled = false;
    setState(null);
    setError(null);
    newer.current = null;
    client.jobLogs(component, { stream: chosen, limit: pageSize }).then(
      page => {
        if (!cancelled) {
          stickToEnd.current = true;
          newer.current = page.newer_cursor;
          setState({
            streams: page.streams,
            stream: page.stream,
            events: page.events,
            older: page.older_cursor
          });
        }
      },
      reason => {
        if (!cancelled) {
          setError(asApiError(reason));
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [client, component, chosen, reloads, pageSize]);

  useEffect(() => {
    const element = list.current;
    if (element && stickToEnd.current) {
      element.scrollTop = element.scrollHeight;
      stickToEnd.current = false;
    }
  });

  const stream = state?.stream;
  useEffect(() => {
    if (!follow || !running || !stream) {
      return;
    }
    let cancelled = false;
    let asking = false;
    const timer = setInterval(() => {
      const cursor = newer.current;
      if (!cursor || asking) {
        return;
      }
      asking = true;
      client
        .jobLogs(component, { cursor, limit: pageSize })
        .then(
          page => {
            if (cancelled) {
              return;
            }
            newer.current = page.newer_cursor ?? cursor;
            if (page.events.length > 0) {
              stickToEnd.current = atEnd(list.current);
              setState(current =>
                current
                  ? { ...current, events: [...current.events, ...page.events] }
                  : current
              );
            }
          },
          reason => {
            if (!cancelled) {
              setError(asApiError(reason));
            }
          }
        )
        .finally(() => {
          asking = false;
        });
    }, pollInterval);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [follow, running, stream, client, component, pollInterval, pageSize]);

  const older = state?.older;
  const loadOlder = useCallback(async () => {
    if (!older) {
      return;
    }
    setBusy(true);
    try {
      const page = await client.jobLogs(component, {
        cursor: older,
        limit: pageSize
      });
      const element = list.current;
      const fromEnd = element ? element.scrollHeight - element.scrollTop : 0;
      setState(current =>
        current
          ? {
              ...current,
              events: [...page.events, ...current.events],
              older: page.older_cursor
            }
          : current
      );
      // The events in view stay where they were once the older ones are above them.
      requestAnimationFrame(() => {
        if (element) {
          element.scrollTop = element.scrollHeight - fromEnd;
        }
      });
    } catch (reason) {
      setError(asApiError(reason));
    } finally {
      setBusy(false);
    }
  }, [client, component, older, pageSize]);

  if (error && !state) {
    return (
      <ErrorState
        error={error}
        onRetry={() => setReloads(count => count + 1)}
        translator={translator}
      />
    );
  }
  if (!state) {
    return <LoadingState what={trans.__('logs')} translator={translator} />;
  }
  return (
    <LogsView
      state={state}
      running={running}
      follow={follow}
      busy={busy}
      error={error}
      listRef={list}
      onStream={setChosen}
      onFollow={setFollow}
      onOlder={() => void loadOlder()}
      onRefresh={() => setReloads(count => count + 1)}
      translator={translator}
    />
  );
}

function LogsView(props: {
  state: ILogsState;
  running: boolean;
  follow: boolean;
  busy: boolean;
  error: ApiError | null;
  listRef: React.RefObject<HTMLDivElement>;
  onStream: (stream: string) => void;
  onFollow: (follow: boolean) => void;
  onOlder: () => void;
  onRefresh: () => void;
  translator?: ITranslator;
}): JSX.Element {
  const { state, running, follow, translator } = props;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  if (state.streams.length === 0) {
    return (
      <div className="smx-Details-empty smx-LogsTab-empty" role="status">
        {trans.__('This job has not written any logs yet.')}{' '}
        {running && trans.__('They appear here while it runs.')}{' '}
        <button className="smx-LinkButton" onClick={props.onRefresh}>
          {trans.__('Refresh')}
        </button>
      </div>
    );
  }
  return (
    <div className="smx-LogsTab">
      <div className="smx-LogsTab-toolbar">
        <label className="smx-LogsTab-stream">
          <span>{trans.__('Log stream')}</span>
          <select
            className="jp-mod-styled"
            value={state.stream ?? ''}
            onChange={event => props.onStream(event.target.value)}
          >
            {state.streams.map(stream => (
              <option key={stream} value={stream}>
                {stream}
              </option>
            ))}
          </select>
        </label>
        <label className="smx-LogsTab-follow">
          <input
            type="checkbox"
            checked={follow && running}
            disabled={!running}
            onChange={event => props.onFollow(event.target.checked)}
          />
          <span>{trans.__('Follow')}</span>
        </label>
        <button
          className="jp-Button jp-mod-styled jp-mod-reject smx-LogsTab-refresh"
          onClick={props.onRefresh}
        >
          {trans.__('Newest')}
        </button>
      </div>
      {props.error && (
        <div className="smx-Job-failure" role="alert">
          {props.error.message}
        </div>
      )}
      <div
        className="smx-LogsTab-events"
        ref={props.listRef}
        role="log"
        aria-label={trans.__('Log events of %1', state.stream ?? '')}
        tabIndex={0}
      >
        {state.older && (
          <button
            className="jp-Button jp-mod-styled jp-mod-reject smx-LogsTab-older"
            disabled={props.busy}
            onClick={props.onOlder}
          >
            {trans.__('Load older events')}
          </button>
        )}
        {state.events.length === 0 && (
          <div className="smx-Details-empty">
            {trans.__('No events in this stream yet.')}
          </div>
        )}
        {state.events.map((event, index) => (
          <div className="smx-LogsTab-event" key={index}>
            <span className="smx-LogsTab-time">
              {formatTime(event.timestamp)}
            </span>
            <span className="smx-LogsTab-message">{event.message}</span>
          </div>
        ))}
      </div>
      <div className="smx-LogsTab-footer">
        {trans._n(
          '%1 event shown',
          '%1 events shown',
          state.events.length,
          state.events.length
        )}
        {running && follow && ` · ${trans.__('following')}`}
      </div>
    </div>
  );
}
