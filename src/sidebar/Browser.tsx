/**
 * The Experiments panel's content: search box, Refresh, breadcrumb and the table of the current
 * level, with its loading, empty and error states. It follows its Lumino models (the location,
 * the selection and the listing in view) with `UseSignal`.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { refreshIcon, UseSignal } from '@jupyterlab/ui-components';
import React, {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState
} from 'react';
import {
  HOME,
  ILocationModel,
  PanelLocation,
  sameLocation,
  SelectionModel
} from '../model';
import { EmptyState, ErrorState, levelNoun, LoadingState } from '../states';
import type { ISmxLabClient } from '../tokens';
import { Breadcrumb } from './Breadcrumb';
import { IColumn, IRow, levelColumns, ListItem, Shown, toRow } from './columns';
import { Listing, ListingInView } from './listing';
import { SearchScope } from './scope';
import { SearchBox } from './SearchBox';
import { ISort, Table } from './Table';

/** How long typing pauses before the search is sent. */
export const SEARCH_DELAY = 250;

const DEFAULT_SORT: ISort = { key: 'LastModifiedTime', order: 'Descending' };

export interface IBrowserProps {
  client: ISmxLabClient;
  location: ILocationModel;
  selection: SelectionModel;
  pageSize: number;
  maxPageSize: number;
  /**
   * How many times a refresh was asked for from outside (the Refresh command): every change loads
   * the current level again, as the Refresh button does.
   */
  refreshes?: number;
  onOpenComponent: (name: string) => void;
  translator?: ITranslator;
}

export { fetcherFor } from './scope';

/** A place the panel left because the store does not have it (any more), and where it went. */
interface IFallback {
  note: string;
  at: PanelLocation;
}

/**
 * The nearest place above a location that the store may still have, and the note that says why
 * the panel moved there; null at Home and for the unassigned components (always there).
 */
export function fallbackFrom(
  location: PanelLocation,
  trans: TranslationBundle
): IFallback | null {
  switch (location.level) {
    case 'trials':
      return {
        at: HOME,
        note: trans.__(
          'Experiment ‘%1’ is not in the store any more: showing Home.',
          location.experiment
        )
      };
    case 'components':
      return {
        at: { level: 'trials', experiment: location.experiment },
        note: trans.__(
          'Trial ‘%1’ is not in the store any more: showing its experiment.',
          location.trial
        )
      };
    default:
      return null;
  }
}

/** The browser, drawn again whenever its location changes. */
export function Browser(props: IBrowserProps): JSX.Element {
  return (
    <UseSignal signal={props.location.changed}>
      {() => <BrowserAtLocation {...props} />}
    </UseSignal>
  );
}

/** The browser's own state (search, sort, refreshes) and the listing they ask the server for. */
function BrowserAtLocation(props: IBrowserProps): JSX.Element {
  const {
    client,
    location: locationModel,
    selection,
    pageSize,
    maxPageSize,
    refreshes: outsideRefreshes = 0,
    onOpenComponent,
    translator
  } = props;
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<ISort>(DEFAULT_SORT);
  const [refreshes, setRefreshes] = useState(0);
  const listings = useMemo(() => new ListingInView<ListItem>(), []);
  // What each listing's rows are (a level's own, or trial components a search found).
  const scopes = useMemo(
    () => new WeakMap<Listing<ListItem>, SearchScope>(),
    []
  );
  const [fallback, setFallback] = useState<IFallback | null>(null);
  const location = locationModel.current;
  const locationKey = JSON.stringify(location);

  // Typing waits for a pause before asking the server.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text), SEARCH_DELAY);
    return () => clearTimeout(timer);
  }, [text]);

  // A new level starts with an empty search box; a fallback's note stays only where it led.
  useEffect(() => {
    setText('');
    setQuery('');
    setFallback(note =>
      note && sameLocation(note.at, locationModel.current) ? note : null
    );
  }, [locationKey]);

  // A new level, search, sort or refresh asks for a new listing, in view before the next paint.
  useLayoutEffect(() => {
    const scope = new SearchScope(client, location, query);
    const listing = new Listing(
      scope.fetchPage,
      { q: query, sort: sort.key, order: sort.order },
      pageSize,
      Math.max(pageSize, maxPageSize)
    );
    scopes.set(listing, scope);
    listings.show(listing, location);
    selection.clear();
    void listing.ensure(pageSize - 1);
  }, [
    client,
    locationKey,
    query,
    sort,
    pageSize,
    maxPageSize,
    refreshes,
    outsideRefreshes
  ]);

  useEffect(() => () => listings.dispose(), [listings]);

  // A place the store does not have (an experiment deleted, another store configured since it
  // was restored): the panel goes up to the nearest level that exists, and says why.
  useEffect(() => {
    const trans = (translator ?? nullTranslator).load('smx_lab');
    const onChanged = () => {
      const here = locationModel.current;
      const error = listings.current?.error;
      const up = error?.status === 404 ? fallbackFrom(here, trans) : null;
      if (up) {
        setFallback(up);
        locationModel.current = up.at;
      }
    };
    listings.changed.connect(onChanged);
    return () => {
      listings.changed.disconnect(onChanged);
    };
  }, [listings, locationModel, translator]);

  const onRefresh = useCallback(() => setRefreshes(count => count + 1), []);

  return (
    <UseSignal signal={listings.changed}>
      {() => (
        <UseSignal signal={selection.changed}>
          {() => (
            <BrowserView
              listings={listings}
              scopes={scopes}
              fallback={
                fallback && sameLocation(fallback.at, location)
                  ? fallback.note
                  : null
              }
              onDismissFallback={() => setFallback(null)}
              location={locationModel}
              selection={selection}
              text={text}
              onText={setText}
              query={query}
              sort={sort}
              onSort={setSort}
              onRefresh={onRefresh}
              onOpenComponent={onOpenComponent}
              translator={translator}
            />
          )}
        </UseSignal>
      )}
    </UseSignal>
  );
}

interface IBrowserViewProps {
  listings: ListingInView<ListItem>;
  scopes: WeakMap<Listing<ListItem>, SearchScope>;
  /** Why the panel is where it is, when it left a place the store does not have. */
  fallback: string | null;
  onDismissFallback: () => void;
  location: ILocationModel;
  selection: SelectionModel;
  /** The text of the search box, and the search last sent (after the typing pause). */
  text: string;
  onText: (text: string) => void;
  query: string;
  sort: ISort;
  onSort: (sort: ISort) => void;
  onRefresh: () => void;
  onOpenComponent: (name: string) => void;
  translator?: ITranslator;
}

/** What the browser shows of its models, as they are now. */
function BrowserView(props: IBrowserViewProps): JSX.Element {
  const {
    listings,
    scopes,
    fallback,
    onDismissFallback,
    location: locationModel,
    selection,
    text,
    onText,
    query,
    sort,
    onSort,
    onRefresh,
    onOpenComponent,
    translator
  } = props;
  const trans = useMemo(
    () => (translator ?? nullTranslator).load('smx_lab'),
    [translator]
  );
  const columns = useMemo(() => levelColumns(translator), [translator]);
  const location = locationModel.current;
  const shown = listings.shown;
  // The level of the rows in view (they stay while the listing of a new search loads), and what
  // the rows are: the level's own, or trial components a search found there.
  const level = (listings.shownLocation ?? location).level;
  const rowsShown: Shown = (shown && scopes.get(shown)?.shown) || level;
  const queryFailure = listings.queryFailure;

  const rowAt = useCallback(
    (index: number): IRow | undefined => {
      const item = shown?.at(index);
      return item ? toRow(rowsShown, item) : undefined;
    },
    [shown, rowsShown]
  );
  const onVisible = useCallback(
    (lastIndex: number) => {
      void shown?.ensure(lastIndex);
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
    (target: PanelLocation) => {
      locationModel.current = target;
    },
    [locationModel]
  );

  const queryError = queryFailure
    ? { text: query, body: queryFailure.body }
    : null;
  const crumbs = locationModel.crumbs;

  return (
    <div className="smx-Browser" data-level={location.level}>
      <div className="smx-Browser-toolbar">
        <SearchBox
          value={text}
          onChange={onText}
          error={queryError}
          translator={translator}
        />
        <button
          className="smx-Browser-refresh jp-ToolbarButtonComponent"
          title={trans.__('Refresh')}
          aria-label={trans.__('Refresh')}
          onClick={onRefresh}
        >
          <refreshIcon.react tag="span" />
        </button>
      </div>
      <Breadcrumb
        crumbs={crumbs}
        onNavigate={navigate}
        translator={translator}
      />
      {location.level === 'experiments' && (
        <button
          className="smx-Browser-unassigned"
          onClick={() => navigate({ level: 'unassigned' })}
        >
          {trans.__('Unassigned trial components')}
        </button>
      )}
      {fallback && (
        <div className="smx-Browser-fallback" role="status">
          <span className="smx-Browser-fallbackText">{fallback}</span>
          <button
            className="smx-IconButton smx-Browser-fallbackDismiss"
            aria-label={trans.__('Dismiss')}
            title={trans.__('Dismiss')}
            onClick={onDismissFallback}
          >
            ×
          </button>
        </div>
      )}
      {rowsShown === 'found' && shown?.status === 'ready' && (
        <div className="smx-Browser-found" role="status">
          {level === 'trials'
            ? trans.__('Trial components of this experiment that match:')
            : trans.__('Trial components of every experiment that match:')}
        </div>
      )}
      <div className="smx-Browser-body">
        <Body
          shown={shown}
          queryFailed={queryFailure !== null}
          level={rowsShown === 'found' ? 'components' : level}
          searching={query.trim() !== ''}
          columns={columns[rowsShown].filter(
            column => !column.home || level === 'experiments'
          )}
          rowAt={rowAt}
          selection={selection}
          sort={sort}
          onSort={onSort}
          onVisible={onVisible}
          onOpen={onOpen}
          onUp={onUp}
          label={crumbs.map(crumb => crumb.label).join(' › ')}
          translator={translator}
        />
      </div>
      {shown && shown.status === 'ready' && shown.count > 0 && (
        <Footer listing={shown} selected={selection.size} trans={trans} />
      )}
    </div>
  );
}

/** The table of the rows in view, or the state that stands in for it. */
function Body(props: {
  shown: Listing<ListItem> | null;
  queryFailed: boolean;
  level: PanelLocation['level'];
  searching: boolean;
  columns: IColumn[];
  rowAt: (index: number) => IRow | undefined;
  selection: SelectionModel;
  sort: ISort;
  onSort: (sort: ISort) => void;
  onVisible: (lastIndex: number) => void;
  onOpen: (row: IRow) => void;
  onUp: () => void;
  label: string;
  translator?: ITranslator;
}): JSX.Element {
  const { shown, queryFailed, level, translator } = props;
  if (shown?.error && !queryFailed) {
    return (
      <ErrorState
        error={shown.error}
        onRetry={() => void shown.retry()}
        translator={translator}
      />
    );
  }
  if (shown?.error) {
    // The query's explanation is under the search box; nothing was ready to keep in view.
    return <div className="smx-Browser-spacer" />;
  }
  if (!shown || shown.status === 'loading') {
    return (
      <LoadingState
        what={levelNoun(level, translator)}
        translator={translator}
      />
    );
  }
  if (shown.count === 0) {
    return (
      <EmptyState
        level={level}
        searching={props.searching}
        translator={translator}
      />
    );
  }
  return (
    <Table
      columns={props.columns}
      count={shown.count}
      rowAt={props.rowAt}
      selection={props.selection}
      sort={props.sort}
      onSort={props.onSort}
      onVisible={props.onVisible}
      onOpen={props.onOpen}
      onUp={props.onUp}
      label={props.label}
      translator={translator}
    />
  );
}

function Footer(props: {
  listing: Listing<ListItem>;
  selected: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { listing, selected, trans } = props;
  return (
    <div className="smx-Browser-footer" aria-live="polite">
      {selected > 1 ? trans.__('%1 selected · ', selected) : ''}
      {listing.complete
        ? trans._n('%1 row', '%1 rows', listing.count)
        : trans.__('%1 of %2 loaded', listing.items.length, listing.count)}
      {listing.notes.map(note => (
        <div key={note} className="smx-Browser-note" title={note}>
          {note}
        </div>
      ))}
    </div>
  );
}
