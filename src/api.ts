/**
 * The typed client of smx-lab's REST API (`{base_url}/smx-lab/api/`).
 *
 * Its request and answer types are generated from the API's OpenAPI document
 * (smx_lab/server/openapi.yaml, as `python -m smx_lab.server.openapi` serves it) by
 * `jlpm generate:api` into ./api/schema.ts and named in ./api/types.ts: this module exports them
 * under the names the rest of the frontend uses and keeps no copy of a schema, so what the frontend
 * reads and sends is what the document says (and the server's tests hold its answers to the
 * document). The records are SageMaker's shapes (PascalCase, as `smx_lab/model.py`'s `to_dict()`
 * writes them), so the words a boto3 user knows are the words used here. This module is the only
 * place in the frontend that talks to the server.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type * as gen from './api/types';
import type {
  ChartDataType,
  ChartType,
  ColumnKind,
  GroupKey,
  IArtifact,
  IChartTypeDescription,
  IColumnDescriptor,
  IDeployment,
  IDeployRequest,
  IEndpoint,
  IErrorBody,
  IExperiment,
  IGroupStatistics,
  IInfo,
  IJob,
  IJobLogs,
  IJobRule,
  ILogEvent,
  IMetricsRequest,
  IMetricsResponse,
  IMetricSummary,
  IParameterValue,
  IParent,
  ISearchRequest,
  ISearchResources,
  ISelection,
  ISeries,
  ISource,
  IStatus,
  IStatusTransition,
  IStopJobRequest,
  ITableCsvRequest,
  ITableGroup,
  ITableGroupsRequest,
  ITableGroupsResponse,
  ITableSort,
  ITag,
  ITrial,
  ITrialComponent,
  IUserContext,
  JobType,
  PrimaryStatus,
  Resource,
  RuleEvaluationStatus,
  SummaryStatistic,
  XAxis
} from './api/types';

// --- Records (SageMaker's shapes) ---

export type {
  IArtifact,
  IExperiment,
  IMetricSummary,
  IParameterValue,
  IParent,
  ISource,
  IStatus,
  ITag,
  ITrial,
  ITrialComponent,
  IUserContext,
  PrimaryStatus,
  SummaryStatistic
};

/** The statistics of a metric summary, in the order the table's metric columns come. */
export const SUMMARY_STATISTICS = [
  'Min',
  'Max',
  'Avg',
  'StdDev',
  'Last',
  'Count'
] as const satisfies readonly SummaryStatistic[];

/**
 * One page of a list or a search: its records (`items`, typed per record as the document's
 * ExperimentPage, TrialPage and TrialComponentPage type them) and the document's PageFields.
 */
export type IPage<T> = { items: T[] } & gen.IPageFields;

/** The records a search of each resource answers. */
export type SearchRecord<R extends Resource> = R extends 'Experiment'
  ? IExperiment
  : R extends 'ExperimentTrial'
    ? ITrial
    : ITrialComponent;

// --- The server, and the routes' requests and answers ---

export type {
  ChartDataType,
  ChartType,
  ColumnKind,
  GroupKey,
  IChartTypeDescription,
  IColumnDescriptor,
  IErrorBody,
  IGroupStatistics,
  IInfo,
  IMetricsRequest,
  IMetricsResponse,
  ISearchRequest,
  ISearchResources,
  ISelection,
  ISeries,
  ITableCsvRequest,
  ITableGroup,
  ITableGroupsRequest,
  ITableGroupsResponse,
  ITableSort,
  Resource,
  XAxis
};

// --- The SageMaker job behind a trial component (the `jobs` capability of `info`) ---

export type {
  IDeployment,
  IDeployRequest,
  IEndpoint,
  IJob,
  IJobLogs,
  IJobRule,
  ILogEvent,
  IStatusTransition,
  IStopJobRequest,
  JobType,
  RuleEvaluationStatus
};

/** What the logs route takes: a stream of the job, a cursor of an earlier page, a page size. */
export interface IJobLogsOptions {
  stream?: string;
  cursor?: string | null;
  limit?: number;
}

/**
 * The spellings of a sort order the panel sends; the API's SortOrder also takes `asc`, `desc`
 * and any case.
 */
export type SortOrder = 'Ascending' | 'Descending';

/** What the list routes take: `q` is plain words (a name substring) or the typed query language. */
export interface IListOptions {
  q?: string;
  sort?: string;
  order?: SortOrder;
  limit?: number;
  cursor?: string | null;
}

/**
 * A `table` request: the selection, optionally narrowed by name lists. The server still takes
 * the older `components` and `search` instead of `selection` (one-part selections); the frontend
 * sends `selection`.
 */
export type ITableRequest = Omit<
  gen.ITableRequest,
  'components' | 'search' | 'selection'
> &
  Required<Pick<gen.ITableRequest, 'selection'>>;

/**
 * The components of a selection as rows. `columns` are ExperimentAnalytics' (named and ordered as
 * it names them); `descriptors` describe them in the same order, then the record columns every row
 * also carries: `Status` (the PrimaryStatus), `CreationTime` and `LastModifiedTime` (ISO or null).
 * `total` is null when the server's cap (10,000 rows) cut the rows (`truncated`).
 */
export type ITable = gen.ITableResponse;

/**
 * A chart request (`smx_lab.charts.CHART_REQUEST_SCHEMA`); the server builds the spec. The server
 * still takes the older selectors `components`, `search`, `experiment` and `trial` instead of
 * `selection` (one-part selections); the frontend sends `selection`.
 */
export type IChartRequest = Omit<
  gen.IChartRequest,
  'components' | 'search' | 'experiment' | 'trial' | 'selection'
> &
  Required<Pick<gen.IChartRequest, 'selection'>>;

/** A Vega-Lite v5 spec as the server builds it. */
export type VegaLiteSpec = gen.IVegaLiteSpec;

/** An error answer of the API, or a failure to reach it (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: IErrorBody
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  /** True when the store or the server could not be reached (network, 503): worth a Retry. */
  get unreachable(): boolean {
    return this.status === 0 || this.status === 503 || this.status === 502;
  }

  /** True when AWS refused the action to the store's credentials (IAM). */
  get denied(): boolean {
    return this.status === 403 && this.body.error === 'access_denied';
  }

  /** True when AWS kept throttling the store's calls after its retries. */
  get throttled(): boolean {
    return this.status === 503 && (this.body as any).reason === 'throttled';
  }

  /** True for a typed query that does not parse or names an unknown field. */
  get isQueryError(): boolean {
    return this.body.error === 'invalid_query';
  }
}

const API_PATH = 'smx-lab/api';

/** One request/answer over the server connection; every method of the client goes through it. */
export class SmxLabClient {
  constructor(
    readonly serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  info(): Promise<IInfo> {
    return this.request('GET', 'info');
  }

  listExperiments(options: IListOptions = {}): Promise<IPage<IExperiment>> {
    return this.request('GET', 'experiments', listQuery(options));
  }

  getExperiment(name: string): Promise<IExperiment> {
    return this.request('GET', `experiments/${encodeURIComponent(name)}`);
  }

  listTrials(
    experiment: string,
    options: IListOptions = {}
  ): Promise<IPage<ITrial>> {
    return this.request(
      'GET',
      `experiments/${encodeURIComponent(experiment)}/trials`,
      listQuery(options)
    );
  }

  getTrial(name: string): Promise<ITrial> {
    return this.request('GET', `trials/${encodeURIComponent(name)}`);
  }

  listTrialComponents(
    trial: string,
    options: IListOptions = {}
  ): Promise<IPage<ITrialComponent>> {
    return this.request(
      'GET',
      `trials/${encodeURIComponent(trial)}/components`,
      listQuery(options)
    );
  }

  listUnassignedComponents(
    options: IListOptions = {}
  ): Promise<IPage<ITrialComponent>> {
    return this.request('GET', 'components', {
      unassigned: 'true',
      ...listQuery(options)
    });
  }

  /** The components of every trial of an experiment, filtered by `q` like any listing. */
  listExperimentComponents(
    experiment: string,
    options: IListOptions = {}
  ): Promise<IPage<ITrialComponent>> {
    return this.request('GET', 'components', {
      experiment,
      ...listQuery(options)
    });
  }

  getTrialComponent(name: string): Promise<ITrialComponent> {
    return this.request('GET', `components/${encodeURIComponent(name)}`);
  }

  /** A page of the records of one resource (trial components when `resource` is not given). */
  search<R extends Resource = 'ExperimentTrialComponent'>(
    request: ISearchRequest & { resource?: R }
  ): Promise<IPage<SearchRecord<R>>> {
    return this.request('POST', 'search', {}, request);
  }

  /** Which resources a search text is a valid query of; the store is not asked. */
  searchResources(q: string): Promise<ISearchResources> {
    return this.request('GET', 'search/resources', { q });
  }

  metrics(request: IMetricsRequest): Promise<IMetricsResponse> {
    return this.request('POST', 'metrics', {}, request);
  }

  table(request: ITableRequest): Promise<ITable> {
    return this.request('POST', 'table', {}, request);
  }

  /** A page of the selection's groups: one row per group, its count and metric statistics. */
  tableGroups(request: ITableGroupsRequest): Promise<ITableGroupsResponse> {
    return this.request('POST', 'table/groups', {}, request);
  }

  /**
   * The whole selection as CSV (no cap), read as the server streams it; `onProgress` hears the
   * bytes read so far.
   */
  async tableCsv(
    request: ITableCsvRequest,
    onProgress?: (bytes: number) => void
  ): Promise<Blob> {
    const response = await this.send('POST', 'table/csv', {}, request);
    if (!response.ok) {
      throw await errorOf(response);
    }
    const reader = response.body?.getReader();
    if (!reader) {
      return response.blob();
    }
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
      onProgress?.(bytes);
    }
    return new Blob(chunks, { type: 'text/csv' });
  }

  chart(request: IChartRequest): Promise<VegaLiteSpec> {
    return this.request('POST', 'chart', {}, request);
  }

  /** The SageMaker job that created a trial component (404 `no_job` when none did). */
  getJob(component: string): Promise<IJob> {
    return this.request(
      'GET',
      `components/${encodeURIComponent(component)}/job`
    );
  }

  /** A page of the log events of a component's job, oldest first. */
  jobLogs(component: string, options: IJobLogsOptions = {}): Promise<IJobLogs> {
    const query: Record<string, string> = {};
    if (options.stream) {
      query.stream = options.stream;
    }
    if (options.cursor) {
      query.cursor = options.cursor;
    }
    if (options.limit !== undefined) {
      query.limit = String(options.limit);
    }
    return this.request(
      'GET',
      `components/${encodeURIComponent(component)}/job/logs`,
      query
    );
  }

  /** Stops a component's running job; `job_name` is the job the user confirmed. */
  stopJob(request: IStopJobRequest): Promise<IJob> {
    return this.request('POST', 'jobs/stop', {}, request);
  }

  /** Deploys the model of a component's completed training job to a new endpoint. */
  deployModel(request: IDeployRequest): Promise<IDeployment> {
    return this.request('POST', 'jobs/deploy', {}, request);
  }

  /** An endpoint's status: Creating until InService or Failed. */
  getEndpoint(name: string): Promise<IEndpoint> {
    return this.request('GET', `endpoints/${encodeURIComponent(name)}`);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string> = {},
    body?: unknown
  ): Promise<T> {
    const response = await this.send(method, path, query, body);
    if (!response.ok) {
      throw await errorOf(response);
    }
    const data = parsed(await response.text());
    if (data === undefined) {
      throw new ApiError(response.status, {
        error: 'bad_response',
        message: `the server's answer to ${path} is not JSON`
      });
    }
    return data as T;
  }

  /** The server's response to a request (any status), or an ApiError when it cannot be reached. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string> = {},
    body?: unknown
  ): Promise<Response> {
    const settings = this.serverSettings;
    const search = new URLSearchParams(query).toString();
    const url =
      URLExt.join(settings.baseUrl, API_PATH, path) +
      (search ? `?${search}` : '');
    // 'no-cache' still revalidates every answer, but unlike ServerConnection's default 'no-store'
    // it adds no `?<timestamp>` cache buster, which the API's strict parameter check refuses.
    const init: RequestInit = { method, cache: 'no-cache' };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    try {
      return await ServerConnection.makeRequest(url, init, settings);
    } catch (reason) {
      throw new ApiError(0, {
        error: 'network',
        message: reason instanceof Error ? reason.message : String(reason)
      });
    }
  }
}

/** JSON text as a value; undefined when it is empty or not JSON. */
function parsed(text: string): any {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The ApiError of an error answer: its JSON body, or its status line. */
async function errorOf(response: Response): Promise<ApiError> {
  const data = parsed(await response.text());
  const errorBody: IErrorBody =
    data && typeof data.message === 'string'
      ? data
      : {
          error: 'http_error',
          message: `${response.status} ${response.statusText}`.trim()
        };
  return new ApiError(response.status, errorBody);
}

function listQuery(options: IListOptions): Record<string, string> {
  const query: Record<string, string> = {};
  if (options.q && options.q.trim()) {
    query.q = options.q.trim();
  }
  if (options.sort) {
    query.sort = options.sort;
  }
  if (options.order) {
    query.order = options.order;
  }
  if (options.limit !== undefined) {
    query.limit = String(options.limit);
  }
  if (options.cursor) {
    query.cursor = options.cursor;
  }
  return query;
}

/** A parameter's value and its type name, as the Parameters tab shows them. */
export function parameterValue(value: IParameterValue): {
  value: string | number;
  type: 'Number' | 'String';
} {
  if ('NumberValue' in value) {
    return { value: value.NumberValue, type: 'Number' };
  }
  return { value: value.StringValue, type: 'String' };
}
