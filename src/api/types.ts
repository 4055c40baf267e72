/**
 * Friendly names for the schemas of the REST API's OpenAPI document (smx_lab/server/openapi.yaml),
 * one for each schema, from the types `jlpm generate:api` writes to ./schema.ts, and for a few
 * parts of them (an enum, a record's status). The names are the schema's own, prefixed with I for
 * objects. src/api.ts exports these as the client's request and answer types;
 * `src/__tests__/apiTypes.spec.ts` fails to compile when a schema has no name here, and when
 * src/api.ts declares a type of its own instead of these.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

// --- Errors and the server's description of itself ---

/** The body of every error answer: `{error, message, ...details}` (schema `Error`). */
export type IErrorBody = Schemas['Error'];
export type IInfo = Schemas['Info'];
/** One chart type of the `chart` route, as `GET info` describes it. */
export type IChartTypeDescription = Schemas['ChartTypeDescription'];
/** The name of a chart type (`line`, `scatter`, ...). */
export type ChartType = Schemas['ChartType'];
/** What a chart draws: metric series over steps or time, or one value per component. */
export type ChartDataType = Schemas['ChartDataType'];
/** Request field names per data type (ChartTypeDescription's `fields` and `required`). */
export type IFieldsByDataType = Schemas['FieldsByDataType'];

// --- Records (SageMaker's shapes) ---

/** ISO 8601, UTC. */
export type Time = Schemas['Time'];
export type IUserContext = Schemas['UserContext'];
export type Tags = Schemas['Tags'];
/** One tag of Tags. */
export type ITag = Tags[number];
export type ISource = Schemas['Source'];
export type IExperiment = Schemas['Experiment'];
export type ITrial = Schemas['Trial'];
/** Exactly one of NumberValue and StringValue. */
export type IParameterValue = Schemas['ParameterValue'];
export type IArtifact = Schemas['Artifact'];
export type IMetricSummary = Schemas['MetricSummary'];
/** The statistics of a metric summary, as the table's metric columns name them. */
export type SummaryStatistic = NonNullable<IColumnDescriptor['statistic']>;
export type IParent = Schemas['Parent'];
export type ITrialComponent = Schemas['TrialComponent'];
/** A trial component's status (not a schema of its own in the document). */
export type IStatus = NonNullable<ITrialComponent['Status']>;
export type PrimaryStatus = IStatus['PrimaryStatus'];

// --- Pages of the list and search routes ---

export type IPageFields = Schemas['PageFields'];
export type IExperimentPage = Schemas['ExperimentPage'];
export type ITrialPage = Schemas['TrialPage'];
export type ITrialComponentPage = Schemas['TrialComponentPage'];
export type ISearchPage = Schemas['SearchPage'];

// --- Requests and their answers ---

/** SageMaker's SearchExpression, verbatim. */
export type ISearchExpression = Schemas['SearchExpression'];
export type SortOrder = Schemas['SortOrder'];
export type ISearchRequest = Schemas['SearchRequest'];
/** The resources a search text is a valid query of (`GET search/resources`). */
export type ISearchResources = Schemas['SearchResources'];
/** The resource a search looks through (ExperimentTrialComponent when not given). */
export type Resource = NonNullable<ISearchRequest['resource']>;
export type IMetricsRequest = Schemas['MetricsRequest'];
export type ISeries = Schemas['Series'];
/** A metric series' x axis: steps, or seconds since the epoch. */
export type XAxis = ISeries['x_axis'];
export type IMetricsResponse = Schemas['MetricsResponse'];
export type NameList = Schemas['NameList'];
/** Which trial components a request is about (filled in from Python when the server loads the document). */
export type ISelection = Schemas['Selection'];
export type ITableRequest = Schemas['TableRequest'];
export type IColumnDescriptor = Schemas['ColumnDescriptor'];
/** Where a table column's values come from. */
export type ColumnKind = IColumnDescriptor['kind'];
export type ITableResponse = Schemas['TableResponse'];
/** A page's order: a property a search sorts by (for groups also `Count` and `Key`). */
export type ITableSort = Schemas['TableSort'];
/** One to three properties to group by: `Parameters.<name>`, `Tags.<key>`, ... */
export type GroupBy = Schemas['GroupBy'];
/** A group's values, one per group-by property (null: the component has none). */
export type GroupKey = Schemas['GroupKey'];
export type ITableGroupsRequest = Schemas['TableGroupsRequest'];
/** The members' mean, sample standard deviation, min and max of one metric column. */
export type IGroupStatistics = Schemas['GroupStatistics'];
export type ITableGroup = Schemas['TableGroup'];
export type ITableGroupsResponse = Schemas['TableGroupsResponse'];
export type ITableCsvRequest = Schemas['TableCsvRequest'];
/** A chart request (filled in from Python when the server loads the document). */
export type IChartRequest = Schemas['ChartRequest'];
export type IVegaLiteSpec = Schemas['VegaLiteSpec'];

// --- The SageMaker job behind a trial component (stores with the `jobs` capability) ---

/** TrainingJob, ProcessingJob or TransformJob. */
export type JobType = Schemas['JobType'];
export type IStatusTransition = Schemas['StatusTransition'];
export type IJobChannel = Schemas['JobChannel'];
export type RuleEvaluationStatus = Schemas['RuleEvaluationStatus'];
export type IJobRule = Schemas['JobRule'];
export type IJobActions = Schemas['JobActions'];
export type IDeployOptions = Schemas['DeployOptions'];
export type IJob = Schemas['Job'];
export type ILogEvent = Schemas['LogEvent'];
export type IJobLogs = Schemas['JobLogs'];
export type IStopJobRequest = Schemas['StopJobRequest'];
export type IDeployRequest = Schemas['DeployRequest'];
export type IEndpoint = Schemas['Endpoint'];
export type IDeployment = Schemas['Deployment'];
