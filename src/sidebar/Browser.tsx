/**
 * The Experiments panel's content: search box, Refresh, breadcrumb and the table of the current
 * level, with its loading, empty and error states.
 */
import { refreshIcon } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';
import { IListOptions, IPage, SmxLabClient } from '../api';
import { Location, LocationModel, SelectionModel } from '../model';
import { Breadcrumb } from './Breadcrumb';
import { COLUMNS, IRow, ListItem, toRow } from './columns';
import { Listing } from './listing';
import { SearchBox } from './SearchBox';
import { EmptyState, ErrorState, levelNoun, LoadingState } from '../states';
import { ISort, Table } from './Table';

/** How long typing pauses before the search is sent. */
export const SEARCH_DELAY = 250;

const DEFAULT_SORT: ISort = { key: 'LastModifiedTime', order: 'Descending' };

export interface IBrowserProps {
  client: SmxLabClient;
  location: LocationModel;
  selection: SelectionModel;
  pageSize: number;
  maxPageSize: number;
  /** Emits when the user asks for a refresh (button, command). */
  refreshRequested: ISignal<unknown, void>;
  onOpenComponent: (name: string) => void;
}

/** The list call of a level: every level is paged from the server the same way. */
export function fetcherFor(
  client: SmxLabClient,
  location: Location
): (options: IListOptions) => Promise<IPage<ListItem>> {
  switch (location.level) {
    case 'experiments':
      return options => client.listExperiments(options);
    case 'trials':
      return options => client.listTrials(location.experiment, options);
    case 'components':
      return options => client.listTrialComponents(location.trial, options);
    case 'unassigned':
      return options => client.listUnassignedComponents(options);
  }
}

/** Re-renders the calling component whenever one of the signals emits. */
function useSignals(...signals: (ISignal<any, any> | undefined)[]): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick(tick => tick + 1);
    for (const signal of signals) {
      signal?.connect(bump);
    }
    return () => {
      for (const signal of signals) {
        signal?.disconnect(bump);
      }
    };
  }, signals);
}

export function Browser(props: IBrowserProps): JSX.Element {
  const {
    client,
    location: locationModel,
    selection,
    pageSize,
    maxPageSize,
    refreshRequested,
    onOpenComponent
  } = props;
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<ISort>(DEFAULT_SORT);
  const [refreshes, setRefreshes] = useState(0);
  useSignals(locationModel.changed, selection.changed);
  const location = locationModel.location;

  // Typing waits for a pause before asking the server.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text), SEARCH_DELAY);
    return () => clearTimeout(timer);
  }, [text]);

  useEffect(() => {
    const refresh = () => setRefreshes(count => count + 1);
    refreshRequested.connect(refresh);
    return () => {
      refreshRequested.disconnect(refresh);
    };
  }, [refreshRequested]);

  // A new level starts with an empty search box.
  useEffect(() => {
    setText('');
    setQuery('');
  }, [location]);

  const locationKey = JSON.stringify(location);
  const listing = useMemo(() => {
    const options: IListOptions = {
      q: query,
      sort: sort.key,
      order: sort.order
    };
    return new Listing(
      fetcherFor(client, location),
      options,
      pageSize,
      Math.max(pageSize, maxPageSize)
    );
  }, [client, locationKey, query, sort, pageSize, maxPageSize, refreshes]);

  useSignals(listing.changed);
  // While a new search or sort loads, the rows of the previous one stay (no flash as you type).
  const lastReady = useRef<{ listing: Listing<ListItem>; key: string } | null>(
    null
  );
  if (listing.status === 'ready') {
    lastReady.current = { listing, key: locationKey };
  }
  // A query the server refuses keeps the last rows in view too, under its explanation.
  const failure = listing.error;
  const queryFailure =
    failure && (failure.isQueryError || failure.body.field === 'q')
      ? failure
      : null;
  const previous = lastReady.current;
  const shown =
    (listing.status === 'loading' || queryFailure) &&
    previous &&
    previous.key === locationKey
      ? previous.listing
      : listing;
  useEffect(() => {
    selection.clear();
    void listing.ensure(pageSize - 1);
    return () => listing.dispose();
  }, [listing]);

  const rowAt = useCallback(
    (index: number): IRow | undefined => {
      const item = shown.at(index);
      return item ? toRow(location.level, item) : undefined;
    },
    [shown, location.level]
  );
  const onVisible = useCallback(
    (lastIndex: number) => {
      void shown.ensure(lastIndex);
    },
    [shown]
  );
  const onOpen = useCallback(
    (row: IRow) => {
      if (row.kind === 'TrialComponent') {
        onOpenComponent(row.name);
      } else {
        locationModel.drillDown(row.name);
      }
    },
    [locationModel, onOpenComponent]
  );
  const onUp = useCallback(() => locationModel.up(), [locationModel]);
  const navigate = useCallback(
    (target: Location) => {
      locationModel.location = target;
    },
    [locationModel]
  );

  const queryError = queryFailure
    ? { text: query, body: queryFailure.body }
    : null;
  const searching = query.trim() !== '';

  let body: JSX.Element;
  if (shown.error && !queryFailure) {
    body = (
      <ErrorState error={shown.error} onRetry={() => void shown.retry()} />
    );
  } else if (shown.error) {
    body = <div className="smx-Browser-spacer" />;
  } else if (shown.status === 'loading') {
    body = <LoadingState what={levelNoun(location.level)} />;
  } else if (shown.count === 0) {
    body = <EmptyState level={location.level} searching={searching} />;
  } else {
    body = (
      <Table
        columns={COLUMNS[location.level]}
        count={shown.count}
        rowAt={rowAt}
        selection={selection}
        sort={sort}
        onSort={setSort}
        onVisible={onVisible}
        onOpen={onOpen}
        onUp={onUp}
        label={locationModel.crumbs.map(crumb => crumb.label).join(' › ')}
      />
    );
  }

  return (
    <div className="smx-Browser" data-level={location.level}>
      <div className="smx-Browser-toolbar">
        <SearchBox value={text} onChange={setText} error={queryError} />
        <button
          className="smx-Browser-refresh jp-ToolbarButtonComponent"
          title="Refresh"
          aria-label="Refresh"
          onClick={() => setRefreshes(count => count + 1)}
        >
          <refreshIcon.react tag="span" />
        </button>
      </div>
      <Breadcrumb crumbs={locationModel.crumbs} onNavigate={navigate} />
      {location.level === 'experiments' && (
        <button
          className="smx-Browser-unassigned"
          onClick={() => navigate({ level: 'unassigned' })}
        >
          Unassigned trial components
        </button>
      )}
      <div className="smx-Browser-body">{body}</div>
      {shown.status === 'ready' && shown.count > 0 && (
        <div className="smx-Browser-footer" aria-live="polite">
          {selection.size > 1 ? `${selection.size} selected · ` : ''}
          {shown.complete
            ? `${shown.count} ${shown.count === 1 ? 'row' : 'rows'}`
            : `${shown.items.length} of ${shown.count} loaded`}
        </div>
      )}
    </div>
  );
}
