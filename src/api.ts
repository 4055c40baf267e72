/**
 * The typed client of smx-lab's REST API (`{base_url}/smx-lab/api/`).
 *
 * The interfaces mirror `smx_lab/model.py`'s `to_dict()` shapes, which are SageMaker's own
 * (PascalCase), so the words a boto3 user knows are the words used here. This module is the only
 * place in the frontend that talks to the server.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export type PrimaryStatus =
  'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export const SUMMARY_STATISTICS = [
  'Min',
  'Max',
  'Avg',
  'StdDev',
  'Last',
  'Count'
] as const;
export type SummaryStatistic = (typeof SUMMARY_STATISTICS)[number];

export type Resource =
  'Experiment' | 'ExperimentTrial' | 'ExperimentTrialComponent';

export interface ISource {
  SourceArn: string;
  SourceType?: string;
}

export interface IStatus {
  PrimaryStatus: PrimaryStatus;
  Message?: string;
}

export interface IArtifact {
  Value: string;
  MediaType?: string;
}

export interface IParent {
  TrialName: string;
  ExperimentName: string;
}

export interface IUserContext {
  UserProfileName: string;
}

export interface ITag {
  Key: string;
  Value: string;
}

export interface IMetricSummary {
  MetricName: string;
  Min: number;
  Max: number;
  Avg: number;
  StdDev: number;
  Last: number;
  Count: number;
  TimeStamp?: string;
  SourceArn?: string;
}

/** A parameter value as SageMaker writes it: exactly one of the two keys. */
export interface IParameterValue {
  NumberValue?: number;
  StringValue?: string;
}

export interface IExperiment {
  ExperimentName: string;
  ExperimentArn?: string;
  DisplayName: string;
  Description?: string;
  Source?: ISource;
  CreationTime?: string;
  CreatedBy?: IUserContext;
  LastModifiedTime?: string;
  Tags?: ITag[];
  TrialCount?: number;
}

export interface ITrial {
  TrialName: string;
  TrialArn?: string;
  DisplayName: string;
  ExperimentName: string;
  Source?: ISource;
  CreationTime?: string;
  CreatedBy?: IUserContext;
  LastModifiedTime?: string;
  Tags?: ITag[];
  TrialComponentCount?: number;
}

export interface ITrialComponent {
  TrialComponentName: string;
  TrialComponentArn?: string;
  DisplayName: string;
  Status?: IStatus;
  Source?: ISource;
  StartTime?: string;
  EndTime?: string;
  CreationTime?: string;
  CreatedBy?: IUserContext;
  LastModifiedTime?: string;
  LastModifiedBy?: IUserContext;
  Parameters: Record<string, IParameterValue>;
  InputArtifacts: Record<string, IArtifact>;
  OutputArtifacts: Record<string, IArtifact>;
  Metrics: IMetricSummary[];
  Tags?: ITag[];
  Parents: IParent[];
  /** The SageMaker job behind the component (instance type, job status, ...), when there is one. */
  SourceDetail?: Record<string, unknown>;
}

export interface IPage<T> {
  items: T[];
  next_cursor: string | null;
  total: number | null;
}

export interface IInfo {
  version: string;
  store: { kind: 'local' | 'sagemaker'; description: string } & Record<
    string,
    unknown
  >;
  capabilities: string[];
  openapi: string;
  page_size_cap: number;
  /** What each chart type of the `chart` route draws and reads (see IChartTypeDescription). */
  chart_types: IChartTypeDescription[];
}

export type SortOrder = 'Ascending' | 'Descending';

/** What the list routes take: `q` is plain words (a name substring) or the typed query language. */
export interface IListOptions {
  q?: string;
  sort?: string;
  order?: SortOrder;
  limit?: number;
  cursor?: string | null;
}

export interface ISearchRequest {
  resource: Resource;
  query?: string;
  search_expression?: Record<string, unknown>;
  sort_by?: string;
  sort_order?: SortOrder;
  limit?: number;
  cursor?: string | null;
}

export type XAxis = 'step' | 'time';

export interface IMetricsRequest {
  queries: { component: string; metric: string }[];
  x_axis?: XAxis;
  max_points?: number;
  x_range?: [number, number];
}

export interface ISeries {
  component: string;
  metric: string;
  x_axis: XAxis;
  x: number[];
  y: number[];
  raw_count: number;
  reduced: boolean;
}

// --- Compare: selection, table, chart (the trial component list and its charts) ---

/**
 * Which trial components a `table` or `chart` request is about. The named parts are a union (every
 * component of the experiments, of the trials, the components named, and with `unassigned` those
 * of no trial); `search` narrows them, or alone searches every component. At least one part.
 */
export interface ISelection {
  components?: string[];
  trials?: string[];
  experiments?: string[];
  unassigned?: boolean;
  search?: { query: string } | { search_expression: Record<string, unknown> };
}

export type ChartDataType = 'time_series' | 'summary';

/** One chart type of the `chart` route, as `GET info` describes it. */
export interface IChartTypeDescription {
  chart_type: string;
  label: string;
  data_types: ChartDataType[];
  /**
   * The request fields the type reads per data type, besides chart_type, data_type, selection,
   * title, width and height (the server refuses the others).
   */
  fields: Partial<Record<ChartDataType, string[]>>;
  required: Partial<Record<ChartDataType, string[]>>;
}

/** A chart request (`smx_lab.charts.CHART_REQUEST_SCHEMA`); the server builds the spec. */
export interface IChartRequest {
  chart_type: string;
  data_type?: ChartDataType;
  selection?: ISelection;
  /**
   * @deprecated The old selector, still accepted by the server (the component view's metric
   * charts use it); send `selection`.
   */
  components?: string[];
  metrics?: string[];
  x_axis?: 'step' | 'time' | 'relative_time';
  max_points?: number;
  x_range?: [number, number];
  smoothing?: number;
  /** Summary charts: chart column names (`parameters.lr`, `metrics.loss.max`, `trial`, ...). */
  x?: string;
  y?: string;
  color?: string;
  columns?: string[];
  statistic?: SummaryStatistic;
  log_y?: boolean;
  ignore_outliers?: boolean;
  bins?: number;
  title?: string;
  width?: number;
  height?: number;
}

/** A `table` request: the selection, optionally narrowed by name lists. */
export interface ITableRequest {
  selection: ISelection;
  metric_names?: string[];
  parameter_names?: string[];
  input_artifact_names?: string[];
  output_artifact_names?: string[];
}

export type ColumnKind =
  | 'name'
  | 'display_name'
  | 'source'
  | 'parameter'
  | 'metric'
  | 'input_artifact'
  | 'output_artifact'
  | 'trials'
  | 'experiments'
  | 'status'
  | 'time';

/** What a column of the `table` answer holds, so nothing has to be read out of its name. */
export interface IColumnDescriptor {
  name: string;
  kind: ColumnKind;
  /** Metric columns: the metric and the statistic of it the column holds. */
  metric?: string;
  statistic?: SummaryStatistic;
  /** Parameter columns: the parameter. */
  parameter?: string;
  /** Artifact columns: the artifact and which of its fields the column holds. */
  artifact?: string;
  field?: 'MediaType' | 'Value';
}

/**
 * The components of a selection as rows. `columns` are ExperimentAnalytics' (named and ordered as
 * it names them); `descriptors` describe them in the same order, then the record columns every row
 * also carries: `Status` (the PrimaryStatus), `CreationTime` and `LastModifiedTime` (ISO or null).
 */
export interface ITable {
  columns: string[];
  descriptors: IColumnDescriptor[];
  rows: Record<string, unknown>[];
  /** Components of the selection; more than the rows when `truncated`. */
  total: number;
  /** True when the server's cap (10,000 rows) cut the rows. */
  truncated: boolean;
}

// --- end of Compare ---

/** A Vega-Lite v5 spec as the server builds it. */
export type VegaLiteSpec = Record<string, unknown> & { $schema: string };

/** The body of every error answer: `{error, message, ...details}`. */
export interface IErrorBody {
  error: string;
  message: string;
  field?: string;
  kind?: string;
  name?: string;
  position?: number;
  expected?: string[];
  suggestions?: string[];
}

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

  getTrialComponent(name: string): Promise<ITrialComponent> {
    return this.request('GET', `components/${encodeURIComponent(name)}`);
  }

  search<T = ITrialComponent>(request: ISearchRequest): Promise<IPage<T>> {
    return this.request('POST', 'search', {}, request);
  }

  metrics(request: IMetricsRequest): Promise<{ series: ISeries[] }> {
    return this.request('POST', 'metrics', {}, request);
  }

  table(request: ITableRequest): Promise<ITable> {
    return this.request('POST', 'table', {}, request);
  }

  chart(request: IChartRequest): Promise<VegaLiteSpec> {
    return this.request('POST', 'chart', {}, request);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string> = {},
    body?: unknown
  ): Promise<T> {
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
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, settings);
    } catch (reason) {
      throw new ApiError(0, {
        error: 'network',
        message: reason instanceof Error ? reason.message : String(reason)
      });
    }
    const text = await response.text();
    let data: any = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (!response.ok) {
      const errorBody: IErrorBody =
        data && typeof data.message === 'string'
          ? data
          : {
              error: 'http_error',
              message: `${response.status} ${response.statusText}`.trim()
            };
      throw new ApiError(response.status, errorBody);
    }
    if (data === undefined) {
      throw new ApiError(response.status, {
        error: 'bad_response',
        message: `the server's answer to ${path} is not JSON`
      });
    }
    return data as T;
  }
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
  if (value.NumberValue !== undefined && value.NumberValue !== null) {
    return { value: value.NumberValue, type: 'Number' };
  }
  return { value: value.StringValue ?? '', type: 'String' };
}
