/**
 * The request and answer types of src/api.ts are the ones generated from the OpenAPI document
 * (src/api/schema.ts, named in src/api/types.ts). The checks are types: ts-jest compiles this file
 * with type checking, so a failed check fails this suite before any test runs.
 *
 * - Every schema of the document has its name in src/api/types.ts, and that name is the schema.
 * - Every name src/api.ts exports for a schema (or a part of one) is exactly the generated type:
 *   a hand-written interface put back in its place, that differs from the schema in any field
 *   (a field added, dropped, made optional or typed otherwise), stops this file compiling.
 * - The few types src/api.ts builds itself are built from the generated ones, and what the
 *   frontend sends fits what the server accepts.
 * - The drift once pinned here with `@ts-expect-error` (UserContext, the pages' items, the table's
 *   total, the chart type) is gone from the document; the checks below keep it gone.
 */
import type * as api from '../api';
import { parameterValue, SUMMARY_STATISTICS } from '../api';
import type { components, operations } from '../api/schema';
import type * as gen from '../api/types';

type Schemas = components['schemas'];

/** Compiles only when a `From` may be used where a `To` is expected. */
type Assignable<From extends To, To> = [From, To];
/** Compiles only when `T` is never (the error names what `T` is). */
type AssertNever<T extends [never]> = T;
/** Compiles only when `T` is true. */
type AssertTrue<T extends true> = T;
/**
 * True when A and B are the same type, not merely assignable both ways: an optional field that
 * one has and the other lacks, or `readonly`, or `any`, makes them differ.
 */
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
    ? true
    : false;
/** The names of a map of `[exported, generated]` pairs whose two types are not the same. */
type Differing<M extends { [K in keyof M]: [unknown, unknown] }> = {
  [K in keyof M]: Equals<M[K][0], M[K][1]> extends true ? never : K;
}[keyof M];

/** The alias of each schema in src/api/types.ts. */
interface IAliases {
  Artifact: gen.IArtifact;
  ChartDataType: gen.ChartDataType;
  ChartRequest: gen.IChartRequest;
  ChartType: gen.ChartType;
  ChartTypeDescription: gen.IChartTypeDescription;
  ColumnDescriptor: gen.IColumnDescriptor;
  DeployOptions: gen.IDeployOptions;
  DeployRequest: gen.IDeployRequest;
  Deployment: gen.IDeployment;
  Endpoint: gen.IEndpoint;
  Error: gen.IErrorBody;
  Experiment: gen.IExperiment;
  ExperimentPage: gen.IExperimentPage;
  FieldsByDataType: gen.IFieldsByDataType;
  GroupBy: gen.GroupBy;
  GroupKey: gen.GroupKey;
  GroupStatistics: gen.IGroupStatistics;
  Info: gen.IInfo;
  Job: gen.IJob;
  JobActions: gen.IJobActions;
  JobChannel: gen.IJobChannel;
  JobLogs: gen.IJobLogs;
  JobRule: gen.IJobRule;
  JobType: gen.JobType;
  LogEvent: gen.ILogEvent;
  MetricSummary: gen.IMetricSummary;
  MetricsRequest: gen.IMetricsRequest;
  MetricsResponse: gen.IMetricsResponse;
  NameList: gen.NameList;
  PageFields: gen.IPageFields;
  ParameterValue: gen.IParameterValue;
  Parent: gen.IParent;
  RuleEvaluationStatus: gen.RuleEvaluationStatus;
  SearchExpression: gen.ISearchExpression;
  SearchPage: gen.ISearchPage;
  SearchRequest: gen.ISearchRequest;
  SearchResources: gen.ISearchResources;
  Selection: gen.ISelection;
  Series: gen.ISeries;
  SortOrder: gen.SortOrder;
  Source: gen.ISource;
  StatusTransition: gen.IStatusTransition;
  StopJobRequest: gen.IStopJobRequest;
  TableCsvRequest: gen.ITableCsvRequest;
  TableGroup: gen.ITableGroup;
  TableGroupsRequest: gen.ITableGroupsRequest;
  TableGroupsResponse: gen.ITableGroupsResponse;
  TableRequest: gen.ITableRequest;
  TableResponse: gen.ITableResponse;
  TableSort: gen.ITableSort;
  Tags: gen.Tags;
  Time: gen.Time;
  Trial: gen.ITrial;
  TrialComponent: gen.ITrialComponent;
  TrialComponentPage: gen.ITrialComponentPage;
  TrialPage: gen.ITrialPage;
  UserContext: gen.IUserContext;
  VegaLiteSpec: gen.IVegaLiteSpec;
}

/** Does not compile while a schema of the document has no alias (add it to types.ts and above). */
export type EverySchemaHasAnAlias = AssertNever<
  [Exclude<keyof Schemas, keyof IAliases>]
>;

/** Does not compile while an alias is not exactly its schema, or names no schema. */
export type EveryAliasIsItsSchema = AssertNever<
  [
    {
      [K in keyof IAliases]: K extends keyof Schemas
        ? Equals<IAliases[K], Schemas[K]> extends true
          ? never
          : K
        : K;
    }[keyof IAliases]
  ]
>;

/** What src/api.ts exports under each name, and the generated type it must be. */
interface IExported {
  // Records
  IArtifact: [api.IArtifact, gen.IArtifact];
  IExperiment: [api.IExperiment, gen.IExperiment];
  IMetricSummary: [api.IMetricSummary, gen.IMetricSummary];
  IParameterValue: [api.IParameterValue, gen.IParameterValue];
  IParent: [api.IParent, gen.IParent];
  ISource: [api.ISource, gen.ISource];
  IStatus: [api.IStatus, gen.IStatus];
  ITag: [api.ITag, gen.ITag];
  ITrial: [api.ITrial, gen.ITrial];
  ITrialComponent: [api.ITrialComponent, gen.ITrialComponent];
  IUserContext: [api.IUserContext, gen.IUserContext];
  PrimaryStatus: [api.PrimaryStatus, gen.PrimaryStatus];
  SummaryStatistic: [api.SummaryStatistic, gen.SummaryStatistic];
  // Pages: one generic type, the document's page of each record.
  IPageOfExperiments: [api.IPage<api.IExperiment>, gen.IExperimentPage];
  IPageOfTrials: [api.IPage<api.ITrial>, gen.ITrialPage];
  IPageOfComponents: [api.IPage<api.ITrialComponent>, gen.ITrialComponentPage];
  // The server and the routes
  ChartDataType: [api.ChartDataType, gen.ChartDataType];
  ChartType: [api.ChartType, gen.ChartType];
  ColumnKind: [api.ColumnKind, gen.ColumnKind];
  IChartTypeDescription: [api.IChartTypeDescription, gen.IChartTypeDescription];
  IColumnDescriptor: [api.IColumnDescriptor, gen.IColumnDescriptor];
  IErrorBody: [api.IErrorBody, gen.IErrorBody];
  IInfo: [api.IInfo, gen.IInfo];
  IMetricsRequest: [api.IMetricsRequest, gen.IMetricsRequest];
  IMetricsResponse: [api.IMetricsResponse, gen.IMetricsResponse];
  ISearchRequest: [api.ISearchRequest, gen.ISearchRequest];
  ISelection: [api.ISelection, gen.ISelection];
  ISeries: [api.ISeries, gen.ISeries];
  ITable: [api.ITable, gen.ITableResponse];
  ITableGroup: [api.ITableGroup, gen.ITableGroup];
  ITableGroupsRequest: [api.ITableGroupsRequest, gen.ITableGroupsRequest];
  ITableGroupsResponse: [api.ITableGroupsResponse, gen.ITableGroupsResponse];
  ITableCsvRequest: [api.ITableCsvRequest, gen.ITableCsvRequest];
  ITableSort: [api.ITableSort, gen.ITableSort];
  IGroupStatistics: [api.IGroupStatistics, gen.IGroupStatistics];
  GroupKey: [api.GroupKey, gen.GroupKey];
  Resource: [api.Resource, gen.Resource];
  VegaLiteSpec: [api.VegaLiteSpec, gen.IVegaLiteSpec];
  XAxis: [api.XAxis, gen.XAxis];
  // The SageMaker job behind a component
  IDeployRequest: [api.IDeployRequest, gen.IDeployRequest];
  IDeployment: [api.IDeployment, gen.IDeployment];
  IEndpoint: [api.IEndpoint, gen.IEndpoint];
  IJob: [api.IJob, gen.IJob];
  IJobLogs: [api.IJobLogs, gen.IJobLogs];
  IJobRule: [api.IJobRule, gen.IJobRule];
  IStatusTransition: [api.IStatusTransition, gen.IStatusTransition];
  JobType: [api.JobType, gen.JobType];
  RuleEvaluationStatus: [api.RuleEvaluationStatus, gen.RuleEvaluationStatus];
  // The requests the frontend sends with `selection` only: the document's request without the
  // older selectors the server still takes.
  IChartRequest: [
    api.IChartRequest,
    Omit<
      gen.IChartRequest,
      'components' | 'search' | 'experiment' | 'trial' | 'selection'
    > &
      Required<Pick<gen.IChartRequest, 'selection'>>
  ];
  ITableRequest: [
    api.ITableRequest,
    Omit<gen.ITableRequest, 'components' | 'search' | 'selection'> &
      Required<Pick<gen.ITableRequest, 'selection'>>
  ];
}

/** Does not compile while a type src/api.ts exports is not the generated one (the error names it). */
export type EveryExportIsGenerated = AssertNever<[Differing<IExported>]>;

/** What the frontend sends is what the server accepts. */
export type Requests = [
  Assignable<api.IChartRequest, gen.IChartRequest>,
  Assignable<api.ITableRequest, gen.ITableRequest>,
  Assignable<api.SortOrder, gen.SortOrder>,
  // The options of the list routes are their query parameters (a null cursor is not sent).
  Assignable<
    { [K in keyof api.IListOptions]-?: NonNullable<api.IListOptions[K]> },
    Required<NonNullable<operations['listExperiments']['parameters']['query']>>
  >
];

/** The drift once pinned with `@ts-expect-error`, gone for good. */
export type NoDrift = [
  // UserContext always has its UserProfileName (the server leaves out a user it does not know).
  AssertTrue<Equals<api.IUserContext, { UserProfileName: string }>>,
  Assignable<gen.IExperiment, api.IExperiment>,
  // A page's items are its records, not PageFields' untyped array.
  AssertTrue<Equals<gen.IExperimentPage['items'], api.IExperiment[]>>,
  AssertTrue<
    Equals<gen.ISearchPage['items'][number], api.SearchRecord<api.Resource>>
  >,
  // A table cut by the server's cap has no total.
  AssertTrue<Equals<api.ITable['total'], number | null>>,
  // The chart types info describes are the ones a chart request takes.
  AssertTrue<
    Equals<
      api.IChartTypeDescription['chart_type'],
      api.IChartRequest['chart_type']
    >
  >,
  // The frontend sends a selection, never an older selector.
  AssertNever<
    [
      Extract<
        keyof api.IChartRequest,
        'components' | 'search' | 'experiment' | 'trial'
      >
    ]
  >,
  AssertNever<[Extract<keyof api.ITableRequest, 'components' | 'search'>]>,
  // The statistics the UI offers are every statistic of the document, and only those.
  AssertNever<
    [Exclude<gen.SummaryStatistic, (typeof SUMMARY_STATISTICS)[number]>]
  >
];

describe('the REST API types generated from the OpenAPI document', () => {
  it('describe answers the helpers of src/api.ts read', () => {
    const answer: api.ITrialComponent['Parameters'] = {
      learning_rate: { NumberValue: 0.01 },
      optimizer: { StringValue: 'sgd' }
    };
    expect(parameterValue(answer.learning_rate)).toEqual({
      value: 0.01,
      type: 'Number'
    });
    expect(parameterValue(answer.optimizer)).toEqual({
      value: 'sgd',
      type: 'String'
    });
  });

  it('keep an x range a pair', () => {
    const request: api.IMetricsRequest = {
      queries: [{ component: 'cnn-1-training', metric: 'loss' }],
      x_range: [0, 10]
    };
    expect(request.x_range).toEqual([0, 10]);
  });

  it('list each summary statistic once', () => {
    expect(new Set(SUMMARY_STATISTICS).size).toBe(SUMMARY_STATISTICS.length);
  });
});
