import { componentsByName, expandSelection, inValues } from '../compare/expand';
import { component } from './compareFixtures';
import { fakeServer, page } from './fakeServer';

/** A page of `items` at `cursor` (an index), as the list routes page. */
function paged<T>(items: T[], cursor: string | null, limit: number) {
  const start = cursor ? Number(cursor) : 0;
  const end = start + limit;
  return page(
    items.slice(start, end),
    end < items.length ? String(end) : null,
    items.length
  );
}

describe('expanding the selection to trial components', () => {
  it('expands several experiments through every page of trials and components, with no cap', async () => {
    const trials: Record<string, string[]> = {
      mnist: ['m1', 'm2'],
      cifar: ['c1']
    };
    // 150 components in m1: more than a page, more than Studio's 20.
    const components: Record<string, ReturnType<typeof component>[]> = {
      m1: Array.from({ length: 150 }, (_, i) =>
        component(`m1-${i}`, i, 'sgd', [i])
      ),
      m2: [component('m2-0', 1, 'adam', [1])],
      c1: [component('c1-0', 1, 'adam', [1])]
    };
    const server = fakeServer(request => {
      const limit = Number(request.query.get('limit'));
      const cursor = request.query.get('cursor');
      const trialsOf = /^experiments\/(.+)\/trials$/.exec(request.path);
      if (trialsOf) {
        const items = trials[trialsOf[1]].map(name => ({ TrialName: name }));
        return paged(items, cursor, limit);
      }
      const componentsOf = /^trials\/(.+)\/components$/.exec(request.path);
      if (componentsOf) {
        return paged(components[componentsOf[1]], cursor, limit);
      }
      return {
        status: 404,
        body: { error: 'not_found', message: request.path }
      };
    });
    const found = await expandSelection(server.client, [
      { kind: 'Experiment', name: 'mnist' },
      { kind: 'Experiment', name: 'cifar' }
    ]);
    expect(found).toHaveLength(152);
    expect(found[0].TrialComponentName).toBe('m1-0');
    expect(found[151].TrialComponentName).toBe('c1-0');
    const m1Pages = server.requests.filter(
      r => r.path === 'trials/m1/components'
    );
    expect(m1Pages.length).toBe(2);
  });

  it('lists a component shared by two selected trials once', async () => {
    const shared = component('shared', 1, 'sgd', [1]);
    const server = fakeServer(request =>
      page(
        request.path === 'trials/t1/components'
          ? [shared, component('x', 2, 'sgd', [1])]
          : [shared]
      )
    );
    const found = await expandSelection(server.client, [
      { kind: 'Trial', name: 't1', experiment: 'e' },
      { kind: 'Trial', name: 't2', experiment: 'e' }
    ]);
    expect(found.map(c => c.TrialComponentName)).toEqual(['shared', 'x']);
  });

  it('fetches selected components by name with In searches, in the order named', async () => {
    const server = fakeServer(request => {
      const value: string =
        request.body.search_expression.SubExpressions[0].Filters[0].Value;
      return page(
        value
          .split(',')
          .reverse()
          .map(name => component(name, 1, 'sgd', [1]))
      );
    });
    const found = await componentsByName(server.client, ['b', 'a']);
    expect(found.map(c => c.TrialComponentName)).toEqual(['b', 'a']);
    expect(server.requests[0].path).toBe('search');
    expect(
      server.requests[0].body.search_expression.SubExpressions[0].Filters[0]
    ).toEqual({
      Name: 'TrialComponentName',
      Operator: 'In',
      Value: 'b,a'
    });
  });

  it('splits names into In values of at most 20 names and 1,024 characters', () => {
    const many = Array.from({ length: 45 }, (_, i) => `run-${i}`);
    expect(inValues(many).map(v => v.split(',').length)).toEqual([20, 20, 5]);
    const long = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(300)}${i}`);
    for (const value of inValues(long)) {
      expect(value.length).toBeLessThanOrEqual(1024);
    }
    expect(inValues(long).join(',').split(',')).toEqual(long);
  });
});
