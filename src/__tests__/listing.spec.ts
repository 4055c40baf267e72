import { IListOptions, IPage } from '../api';
import { Listing } from '../sidebar/listing';

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
