/**
 * A sparse cache of a listing the server answers a page at a time (rows of the list, its groups,
 * a group's members): what is loaded, by index, and the exact total. `want(start, end)` says what
 * shows; the cache fetches the pages that cover it and a page ahead, one request at a time, the
 * newest wish first. The page after a loaded one comes by the server's cursor; a page anywhere
 * else (a scrollbar dragged far) by its offset.
 */
import { ApiError } from '../api';

/** One page of a listing as the cache needs it. */
export interface IPageAnswer<T> {
  items: T[];
  total: number;
  next: string | null;
}

/** Where a page starts: the server's cursor, or an offset into the listing. */
export type PageStart = { cursor: string } | { offset: number } | null;

/** Asks the server for `limit` items from a start (null: from the beginning). */
export type PageFetcher<T> = (
  start: PageStart,
  limit: number
) => Promise<IPageAnswer<T>>;

/** Rows per request while scrolling. */
export const PAGE_SIZE = 150;
/** The largest page the server gives. */
export const MAX_PAGE_SIZE = 1000;

export class PagedCache<T> {
  private _items = new Map<number, T>();
  /** Cursors by the index of the item they start at. */
  private _cursors = new Map<number, string>();
  private _total: number | null = null;
  private _wanted: [number, number] | null = null;
  private _busy = false;
  private _running: Promise<void> = Promise.resolve();
  private _error: ApiError | null = null;
  private _disposed = false;

  /**
   * @param fetchPage - asks the server for a page
   * @param changed - called when items arrive, loading starts or stops, or an error stops it
   * @param pageSize - rows per request while scrolling
   */
  constructor(
    private readonly fetchPage: PageFetcher<T>,
    private readonly changed: () => void,
    private readonly pageSize = PAGE_SIZE
  ) {}

  /** The exact number of items; null until the first page is there. */
  get total(): number | null {
    return this._total;
  }

  /** Whether a request is under way. */
  get loading(): boolean {
    return this._busy;
  }

  /** The error that stopped loading, until `retry()`. */
  get error(): ApiError | null {
    return this._error;
  }

  get(index: number): T | undefined {
    return this._items.get(index);
  }

  /** The items loaded, in order. */
  loaded(): T[] {
    return [...this._items.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(entry => entry[1]);
  }

  get loadedCount(): number {
    return this._items.size;
  }

  /** Takes a first page the caller asked for itself (items from index 0). */
  seed(answer: IPageAnswer<T>): void {
    this.store(0, answer);
  }

  /** Items `start` to `end` (inclusive) show: fetch them, and a page ahead. */
  want(start: number, end: number): void {
    this._wanted = [Math.max(0, start), Math.max(start, end) + this.pageSize];
    this.kick();
  }

  /** Settles when no request is under way (the first page is there, or an error stopped it). */
  idle(): Promise<void> {
    this.kick();
    return this._running;
  }

  /** Loads again after an error. */
  retry(): void {
    this._error = null;
    this.changed();
    this.kick();
  }

  /** Stops: answers still on their way are dropped. */
  dispose(): void {
    this._disposed = true;
  }

  /** The first index of [start, end] not loaded, or null. */
  private missing(start: number, end: number): number | null {
    const last = this._total === null ? end : Math.min(end, this._total - 1);
    for (let index = start; index <= last; index++) {
      if (!this._items.has(index)) {
        return index;
      }
    }
    return null;
  }

  private kick(): void {
    if (!this._busy) {
      this._running = this.pump();
    }
  }

  private async pump(): Promise<void> {
    if (this._busy || this._disposed || this._error) {
      return;
    }
    const wanted = this._wanted;
    const first = wanted ? this.missing(wanted[0], wanted[1]) : null;
    if (first === null && this._total !== null) {
      return;
    }
    const target = first ?? 0;
    // The cursor that starts at the first missing item, else its offset.
    const cursor = this._cursors.get(target);
    const start: PageStart =
      target === 0 ? null : cursor ? { cursor } : { offset: target };
    // Up to the end of what is wanted and a page ahead, in one request where the server allows.
    const end = wanted ? wanted[1] : target + this.pageSize - 1;
    const limit = Math.min(
      MAX_PAGE_SIZE,
      Math.max(this.pageSize, end - target + 1)
    );
    this._busy = true;
    this.changed();
    try {
      const answer = await this.fetchPage(start, limit);
      if (this._disposed) {
        return;
      }
      this.store(target, answer);
    } catch (reason) {
      if (this._disposed) {
        return;
      }
      this._error =
        reason instanceof ApiError
          ? reason
          : new ApiError(0, { error: 'client', message: String(reason) });
    } finally {
      this._busy = false;
    }
    this.changed();
    await this.pump();
  }

  private store(start: number, answer: IPageAnswer<T>): void {
    answer.items.forEach((item, offset) =>
      this._items.set(start + offset, item)
    );
    this._total = answer.total;
    const end = start + answer.items.length;
    if (answer.next !== null && end < answer.total) {
      this._cursors.set(end, answer.next);
    }
    if (answer.items.length === 0 && start < answer.total) {
      // A page that answers nothing short of the total: stop rather than ask forever.
      this._total = start;
    }
  }
}
