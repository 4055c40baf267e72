/**
 * The network boundary of the jest tests: a `fetch` given to the client's server settings that
 * answers like smx-lab's REST API from a function of the test, and records every request.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISelection, ITrialComponent, SmxLabClient } from '../api';

export interface IRecordedRequest {
  method: string;
  /** The path under `smx-lab/api/`, e.g. `experiments/mnist/trials`. */
  path: string;
  query: URLSearchParams;
  body: any;
}

export interface IAnswer {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
}

export type Route = (request: IRecordedRequest) => IAnswer | Promise<IAnswer>;

export interface IFakeServer {
  client: SmxLabClient;
  requests: IRecordedRequest[];
}

const BASE_URL = 'http://localhost:8888/lab-base/';

export function fakeServer(route: Route): IFakeServer {
  const requests: IRecordedRequest[] = [];
  const fetchImpl = async (
    input: RequestInfo | URL,
    init?: RequestInit
  ): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const prefix = new URL(BASE_URL).pathname + 'smx-lab/api/';
    if (!url.pathname.startsWith(prefix)) {
      return new Response('not an smx-lab route', { status: 404 });
    }
    const text = await request.text();
    const recorded: IRecordedRequest = {
      method: request.method,
      path: decodeURIComponent(url.pathname.slice(prefix.length)),
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined
    };
    requests.push(recorded);
    const answer = await route(recorded);
    const body =
      answer.text !== undefined
        ? answer.text
        : JSON.stringify(answer.body ?? {});
    return new Response(body, {
      status: answer.status ?? 200,
      headers: { 'Content-Type': 'application/json' }
    });
  };
  const settings = ServerConnection.makeSettings({
    baseUrl: BASE_URL,
    fetch: fetchImpl as typeof fetch
  });
  return { client: new SmxLabClient(settings), requests };
}

/** A page answer as the server writes it. */
export function page<T>(
  items: T[],
  next_cursor: string | null = null,
  total: number | null = items.length
): IAnswer {
  return { body: { items, next_cursor, total } };
}

/** An error answer as the server writes it. */
export function errorAnswer(
  status: number,
  error: string,
  message: string
): IAnswer {
  return { status, body: { error, message } };
}

/**
 * The components of a selection as the server resolves it: the named parts are a union (the
 * named components, those of the named trials and experiments, with `unassigned` those of no
 * trial), each component once, in the order of `components` (creation order); `search` narrows
 * them, or alone searches every component. `search` answers a query with the names it matches
 * (or throws an ApiError-shaped answer for a query it refuses).
 */
export function selectComponents(
  components: ITrialComponent[],
  selection: ISelection,
  search: (query: string) => Set<string> = () => new Set()
): ITrialComponent[] {
  const names = new Set(selection.components ?? []);
  const trials = new Set(selection.trials ?? []);
  const experiments = new Set(selection.experiments ?? []);
  const scoped =
    names.size > 0 ||
    trials.size > 0 ||
    experiments.size > 0 ||
    !!selection.unassigned;
  let selected = components.filter(
    c =>
      !scoped ||
      names.has(c.TrialComponentName) ||
      c.Parents.some(
        p => trials.has(p.TrialName) || experiments.has(p.ExperimentName)
      ) ||
      (!!selection.unassigned && c.Parents.length === 0)
  );
  const query = selection.search?.query;
  if (query !== undefined) {
    const matched = search(query);
    selected = selected.filter(c => matched.has(c.TrialComponentName));
  }
  return selected;
}
