import { ApiError, IListOptions, IPage } from '../api';
import { PanelLocation } from '../model';
import { Listing, ListingInView } from '../sidebar/listing';

/** A server-side list of `total` names, paged by an offset cursor. */
function pagedNames(total: number, calls: IListOptions[]) {
  return async (options: IListOptions): Promise<IPage<string>> => {
    calls.push(options);
    const start = options.cursor ? Number(options.cursor) : 0;
    const end = Math.min(total, start + (options.limit ?? 50));
    const items = Array.from(
      { length: end - start },
      (_, i) => `row-${start + i}`
    );
    return { items, next_cursor: end < total ? String(end) : null, total };
  };
}

describe('Listing', () => {
  it('keeps the notes of its pages, each once', async () => {
    const note =
      "MLflow could not check an 'or': smx-lab checked it after fetching";
    const fetch = async (options: IListOptions): Promise<IPage<string>> => ({
      items: [options.cursor ? 'b' : 'a'],
      next_cursor: options.cursor ? null : '1',
      total: 2,
      notes: [note]
    });
    const listing = new Listing(fetch, { q: 'x or y' }, 1);
    expect(listing.notes).toEqual([]);
    await listing.ensure(1);
    expect(listing.items).toEqual(['a', 'b']);
    expect(listing.notes).toEqual([note]);
  });

  it('loads the first page and knows the total from the server', async () => {
    const calls: IListOptions[] = [];
    const listing = new Listing(pagedNames(1000, calls), { q: 'x' }, 100);
    expect(listing.status).toBe('loading');
    await listing.ensure(0);
    expect(listing.status).toBe('ready');
    expect(listing.items.length).toBe(100);
    expect(listing.count).toBe(1000);
    expect(calls).toEqual([{ q: 'x', limit: 100, cursor: null }]);
  });

  it('loads the next pages with the cursor as rows are needed', async () => {
    const calls: IListOptions[] = [];
    const listing = new Listing(pagedNames(250, calls), {}, 100);
    await listing.ensure(0);
    await listing.ensure(150);
    expect(listing.at(150)).toBe('row-150');
    expect(calls.map(c => c.cursor)).toEqual([null, '100']);
    await listing.ensure(249);
    expect(listing.complete).toBe(true);
    expect(listing.items.length).toBe(250);
  });

  it('asks for a bigger page, up to the server cap, when the table jumps far ahead', async () => {
    const calls: IListOptions[] = [];
    const listing = new Listing(pagedNames(10000, calls), {}, 100, 500);
    await listing.ensure(0);
    await listing.ensure(9999);
    expect(listing.at(9999)).toBe('row-9999');
    expect(Math.max(...calls.map(c => c.limit ?? 0))).toBe(500);
    expect(calls.length).toBeLessThan(25);
  });

  it('shares one request between callers that need the same page', async () => {
    const calls: IListOptions[] = [];
    const listing = new Listing(pagedNames(1000, calls), {}, 100);
    await Promise.all([
      listing.ensure(10),
      listing.ensure(20),
      listing.ensure(30)
    ]);
    expect(calls.length).toBe(1);
  });

  it('holds a failure until Retry, then continues from where it stopped', async () => {
    let fail = true;
    const calls: IListOptions[] = [];
    const inner = pagedNames(300, calls);
    const listing = new Listing(
      async options => {
        if (fail && options.cursor) {
          throw new Error('connection reset');
        }
        return inner(options);
      },
      {},
      100
    );
    await listing.ensure(150);
    expect(listing.status).toBe('error');
    expect(listing.error?.unreachable).toBe(true);
    fail = false;
    await listing.retry();
    expect(listing.status).toBe('ready');
    expect(listing.at(150)).toBe('row-150');
  });

  it('ends on an empty page even when the server gives a cursor', async () => {
    const listing = new Listing(
      async () => ({ items: [], next_cursor: 'again', total: null }),
      {},
      100
    );
    await listing.ensure(5);
    expect(listing.complete).toBe(true);
    expect(listing.count).toBe(0);
  });

  it('ignores answers that arrive after it was disposed', async () => {
    const calls: IListOptions[] = [];
    const listing = new Listing(pagedNames(10, calls), {}, 100);
    const loading = listing.ensure(0);
    listing.dispose();
    await loading;
    expect(listing.items.length).toBe(0);
  });
});

describe('ListingInView', () => {
  const HOME: PanelLocation = { level: 'experiments' };
  const TRIALS: PanelLocation = { level: 'trials', experiment: 'mnist' };

  /** A listing whose first page waits until `answer` (or `refuse`) is called. */
  function pending(names: string[]) {
    let answer: () => void = () => undefined;
    let refuse: (error: ApiError) => void = () => undefined;
    const listing = new Listing<string>(
      () =>
        new Promise<IPage<string>>((resolve, reject) => {
          answer = () =>
            resolve({ items: names, next_cursor: null, total: names.length });
          refuse = reject;
        }),
      {},
      100
    );
    const loaded = listing.ensure(0);
    return {
      listing,
      answer: () => {
        answer();
        return loaded;
      },
      refuse: (error: ApiError) => {
        refuse(error);
        return loaded;
      }
    };
  }

  it('shows a new listing once it loads, with one signal for every listing', async () => {
    const view = new ListingInView<string>();
    let changes = 0;
    view.changed.connect(() => changes++);
    const first = pending(['a', 'b']);
    view.show(first.listing, HOME);
    expect(view.shown).toBe(first.listing);
    await first.answer();
    expect(view.shown?.items).toEqual(['a', 'b']);
    expect(changes).toBe(2);
    view.dispose();
  });

  it('keeps the last rows of the same location in view while a new search loads', async () => {
    const view = new ListingInView<string>();
    const all = pending(['a', 'b', 'ab']);
    view.show(all.listing, HOME);
    await all.answer();
    const search = pending(['ab']);
    view.show(search.listing, HOME);
    expect(view.current).toBe(search.listing);
    expect(view.shown).toBe(all.listing);
    expect(all.listing.items).toEqual(['a', 'b', 'ab']);
    await search.answer();
    expect(view.shown).toBe(search.listing);
    view.dispose();
  });

  it('does not show the rows of another level while the new one loads', async () => {
    const view = new ListingInView<string>();
    const home = pending(['mnist']);
    view.show(home.listing, HOME);
    await home.answer();
    const trials = pending(['cnn-1']);
    view.show(trials.listing, TRIALS);
    expect(view.shown).toBe(trials.listing);
    expect(view.shownLocation).toEqual(TRIALS);
    view.dispose();
  });

  it('keeps the last rows under a query the server refuses, and says why', async () => {
    const view = new ListingInView<string>();
    const all = pending(['a']);
    view.show(all.listing, HOME);
    await all.answer();
    const bad = pending([]);
    view.show(bad.listing, HOME);
    await bad.refuse(
      new ApiError(400, { error: 'invalid_query', message: 'expected a value' })
    );
    expect(view.queryFailure?.message).toBe('expected a value');
    expect(view.shown).toBe(all.listing);
    expect(view.shownLocation).toEqual(HOME);
    view.dispose();
  });

  it('disposes the listing it replaces, and the current one with itself', async () => {
    const view = new ListingInView<string>();
    const first = pending(['a']);
    view.show(first.listing, HOME);
    const second = pending(['b']);
    view.show(second.listing, HOME);
    // The first listing's late answer is ignored.
    await first.answer();
    expect(first.listing.items).toEqual([]);
    view.dispose();
    await second.answer();
    expect(second.listing.items).toEqual([]);
  });
});
