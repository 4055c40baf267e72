/**
 * One listing of the sidebar (a level, a search text and a sort), loaded page by page from the
 * server as the table scrolls, so that 10,000 experiments cost a few requests, not one huge one.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { ApiError, IListOptions, IPage } from '../api';
import { PanelLocation, sameLocation } from '../model';

export type FetchPage<T> = (options: IListOptions) => Promise<IPage<T>>;

export type ListingStatus = 'loading' | 'ready' | 'error';

export class Listing<T> {
  private _items: T[] = [];
  private _total: number | null = null;
  private _notes: string[] = [];
  private _cursor: string | null = null;
  private _done = false;
  private _pending: Promise<void> | null = null;
  private _error: ApiError | null = null;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);

  /**
   * @param fetchPage - one page of the level (the client's list call for it)
   * @param options - search text and sort, sent with every page
   * @param pageSize - rows per request when scrolling
   * @param maxPageSize - the server's cap; a far jump asks for up to this many rows at once
   */
  constructor(
    private readonly fetchPage: FetchPage<T>,
    private readonly options: IListOptions,
    private readonly pageSize: number,
    private readonly maxPageSize: number = pageSize
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get items(): readonly T[] {
    return this._items;
  }

  /** What the store said it checked itself after fetching (a filter its backend cannot say). */
  get notes(): readonly string[] {
    return this._notes;
  }

  /** Rows the table should reserve room for: the server's total, else what is known so far. */
  get count(): number {
    if (this._total !== null) {
      return this._total;
    }
    return this._items.length + (this._done ? 0 : 1);
  }

  get status(): ListingStatus {
    if (this._error) {
      return 'error';
    }
    if (this._items.length === 0 && !this._done) {
      return 'loading';
    }
    return 'ready';
  }

  get error(): ApiError | null {
    return this._error;
  }

  get loading(): boolean {
    return this._pending !== null;
  }

  get complete(): boolean {
    return this._done;
  }

  at(index: number): T | undefined {
    return this._items[index];
  }

  /** Loads pages until the row at `index` is there (or the listing ends). */
  async ensure(index: number): Promise<void> {
    while (
      !this._disposed &&
      !this._done &&
      !this._error &&
      index >= this._items.length
    ) {
      if (!this._pending) {
        this._pending = this.loadNext(index);
      }
      await this._pending;
    }
  }

  /** Clears a failure and loads again from where it stopped. */
  retry(): Promise<void> {
    this._error = null;
    this._changed.emit();
    return this.ensure(this._items.length);
  }

  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }

  private async loadNext(index: number): Promise<void> {
    const wanted = index + 1 - this._items.length;
    const limit = Math.min(
      this.maxPageSize,
      Math.max(this.pageSize, Math.ceil(wanted / this.pageSize) * this.pageSize)
    );
    try {
      const page = await this.fetchPage({
        ...this.options,
        limit,
        cursor: this._cursor
      });
      if (this._disposed) {
        return;
      }
      this._items = this._items.concat(page.items);
      this._notes = [...new Set([...this._notes, ...(page.notes ?? [])])];
      this._cursor = page.next_cursor;
      // An empty page ends the listing even with a cursor: asking again would loop forever.
      this._done = !page.next_cursor || page.items.length === 0;
      this._total = page.total ?? (this._done ? this._items.length : null);
    } catch (reason) {
      if (this._disposed) {
        return;
      }
      this._error =
        reason instanceof ApiError
          ? reason
          : new ApiError(0, { error: 'network', message: String(reason) });
    } finally {
      this._pending = null;
    }
    this._changed.emit();
  }
}

/** A failure of the server to use the search text: the rows before it stay in view under it. */
export function isQueryFailure(error: ApiError | null): boolean {
  return !!error && (error.isQueryError || error.body.field === 'q');
}

/**
 * The listing the sidebar's table shows, across levels, searches, sorts and refreshes. While the
 * listing of a new search or sort loads, or when the server refuses its query, the rows of the
 * last listing that was ready at the same location stay in view (no flash as you type). Its
 * `changed` signal stays the same from one listing to the next, for the view's `UseSignal`.
 */
export class ListingInView<T> {
  private _current: Listing<T> | null = null;
  private _location: PanelLocation | null = null;
  private _lastReady: { listing: Listing<T>; location: PanelLocation } | null =
    null;
  private _changed = new Signal<this, void>(this);

  /** Emits when the listing in view changes, or loads, or fails. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The listing of the latest request; null before the first. */
  get current(): Listing<T> | null {
    return this._current;
  }

  /** Why the server refused the current listing's query, or null. */
  get queryFailure(): ApiError | null {
    const error = this._current?.error ?? null;
    return isQueryFailure(error) ? error : null;
  }

  /** The listing whose rows are in view: the current one, or the last ready one (see above). */
  get shown(): Listing<T> | null {
    const current = this._current;
    const previous = this._lastReady;
    if (
      current &&
      previous &&
      (current.status === 'loading' || this.queryFailure) &&
      this._location &&
      sameLocation(previous.location, this._location)
    ) {
      return previous.listing;
    }
    return current;
  }

  /** The location of the rows in view (the level decides their columns). */
  get shownLocation(): PanelLocation | null {
    const shown = this.shown;
    if (shown && shown === this._lastReady?.listing) {
      return this._lastReady.location;
    }
    return this._location;
  }

  /** Makes `listing`, the rows of `location`, the current listing; the one it replaces is disposed. */
  show(listing: Listing<T>, location: PanelLocation): void {
    if (listing === this._current) {
      return;
    }
    if (this._current) {
      this._current.changed.disconnect(this._onChanged, this);
      this._current.dispose();
    }
    this._current = listing;
    this._location = location;
    listing.changed.connect(this._onChanged, this);
    this._onChanged();
  }

  dispose(): void {
    this._current?.dispose();
    this._current = null;
    this._lastReady = null;
    Signal.clearData(this);
  }

  private _onChanged(): void {
    const current = this._current;
    if (current && this._location && current.status === 'ready') {
      this._lastReady = { listing: current, location: this._location };
    }
    this._changed.emit();
  }
}
