import { ApiError, parameterValue } from '../api';
import { fakeServer, page } from './fakeServer';

describe('SmxLabClient', () => {
  it('lists experiments with the search text, sort, order, page size and cursor as query parameters', async () => {
    const server = fakeServer(() => page([{ ExperimentName: 'mnist' }]));
    const answer = await server.client.listExperiments({
      q: ' mnist ',
      sort: 'LastModifiedTime',
      order: 'Descending',
      limit: 50,
      cursor: 'abc'
    });
    expect(answer.items).toEqual([{ ExperimentName: 'mnist' }]);
    const [request] = server.requests;
    expect(request.method).toBe('GET');
    expect(request.path).toBe('experiments');
    expect(Object.fromEntries(request.query)).toEqual({
      q: 'mnist',
      sort: 'LastModifiedTime',
      order: 'Descending',
      limit: '50',
      cursor: 'abc'
    });
  });

  it('leaves out an empty search text and a missing cursor', async () => {
    const server = fakeServer(() => page([]));
    await server.client.listExperiments({ q: '   ', cursor: null });
    expect([...server.requests[0].query.keys()]).toEqual([]);
  });

  it('escapes names in paths', async () => {
    const server = fakeServer(() => page([]));
    await server.client.listTrials('a/b c', {});
    await server.client.getTrialComponent('tc?1');
    expect(server.requests.map(r => r.path)).toEqual([
      'experiments/a/b c/trials',
      'components/tc?1'
    ]);
  });

  it('asks for unassigned trial components with unassigned=true', async () => {
    const server = fakeServer(() => page([]));
    await server.client.listUnassignedComponents({ limit: 10 });
    expect(server.requests[0].path).toBe('components');
    expect(server.requests[0].query.get('unassigned')).toBe('true');
    expect(server.requests[0].query.get('limit')).toBe('10');
  });

  it("lists an experiment's trial components with experiment=<name> and the search text", async () => {
    const server = fakeServer(() => page([]));
    await server.client.listExperimentComponents('mnist', {
      q: 'metrics.acc.max > 0.9',
      limit: 20
    });
    expect(server.requests[0].path).toBe('components');
    expect(Object.fromEntries(server.requests[0].query)).toEqual({
      experiment: 'mnist',
      q: 'metrics.acc.max > 0.9',
      limit: '20'
    });
  });

  it('asks which resources a search text can search', async () => {
    const server = fakeServer(() => ({
      body: { resources: ['ExperimentTrialComponent'] }
    }));
    const answer = await server.client.searchResources('parameters.lr > 0');
    expect(answer.resources).toEqual(['ExperimentTrialComponent']);
    expect(server.requests[0].path).toBe('search/resources');
    expect(server.requests[0].query.get('q')).toBe('parameters.lr > 0');
  });

  it('posts a chart request as JSON and returns the spec', async () => {
    const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json' };
    const server = fakeServer(() => ({ body: spec }));
    const answer = await server.client.chart({
      chart_type: 'line',
      selection: { trials: ['t1'] },
      metrics: ['loss']
    });
    expect(answer).toEqual(spec);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: 'chart',
      body: {
        chart_type: 'line',
        selection: { trials: ['t1'] },
        metrics: ['loss']
      }
    });
  });

  it('posts a table request of a selection and returns the described table', async () => {
    const table = {
      columns: ['TrialComponentName'],
      descriptors: [
        { name: 'TrialComponentName', kind: 'name' },
        { name: 'Status', kind: 'status' }
      ],
      rows: [{ TrialComponentName: 'tc', Status: 'Completed' }],
      total: 1,
      truncated: false
    };
    const server = fakeServer(() => ({ body: table }));
    const answer = await server.client.table({
      selection: { experiments: ['mnist'], search: { query: 'lr > 0' } },
      metric_names: ['loss']
    });
    expect(answer).toEqual(table);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: 'table',
      body: {
        selection: { experiments: ['mnist'], search: { query: 'lr > 0' } },
        metric_names: ['loss']
      }
    });
  });

  it('turns an error answer into an ApiError carrying the query position', async () => {
    const server = fakeServer(() => ({
      status: 400,
      body: {
        error: 'invalid_query',
        message: 'expected a value after >',
        position: 17
      }
    }));
    const failure = server.client.listExperiments({ q: 'metrics.loss.max >' });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    const error: ApiError = await failure.catch(e => e);
    expect(error.status).toBe(400);
    expect(error.isQueryError).toBe(true);
    expect(error.body.position).toBe(17);
    expect(error.message).toBe('expected a value after >');
    expect(error.unreachable).toBe(false);
  });

  it('reports a 503 from the store as unreachable', async () => {
    const server = fakeServer(() => ({
      status: 503,
      body: { error: 'store_unavailable', message: 'AWS is down' }
    }));
    const error: ApiError = await server.client.listExperiments().catch(e => e);
    expect(error.unreachable).toBe(true);
    expect(error.message).toBe('AWS is down');
  });

  it('describes an error answer that is not JSON by its HTTP status', async () => {
    const server = fakeServer(() => ({
      status: 502,
      text: '<html>bad gateway</html>'
    }));
    const error: ApiError = await server.client.info().catch(e => e);
    expect(error.status).toBe(502);
    expect(error.body.error).toBe('http_error');
    expect(error.message).toContain('502');
  });

  it('refuses a successful answer that is not JSON', async () => {
    const server = fakeServer(() => ({ text: 'hello' }));
    const error: ApiError = await server.client.info().catch(e => e);
    expect(error.body.error).toBe('bad_response');
  });
});

describe('parameterValue', () => {
  it('reads a number parameter as a Number', () => {
    expect(parameterValue({ NumberValue: 0.01 })).toEqual({
      value: 0.01,
      type: 'Number'
    });
  });

  it('reads a string parameter as a String', () => {
    expect(parameterValue({ StringValue: 'sgd' })).toEqual({
      value: 'sgd',
      type: 'String'
    });
  });
});
