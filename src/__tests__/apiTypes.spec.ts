/**
 * The hand-written interfaces of src/api.ts held to the types generated from the OpenAPI document
 * (src/api/schema.d.ts, named in src/api/types.ts). The checks are types: ts-jest compiles this
 * file with type checking, so a drift fails this suite before any test runs.
 *
 * - Records the server answers: the generated type must fit the hand-written one (what the server
 *   sends is what the frontend reads).
 * - Requests the frontend sends: the hand-written type must fit the generated one (what the
 *   frontend sends is what the server accepts).
 * - Small shapes both ways.
 *
 * A check marked `@ts-expect-error` is a drift known today, with its reason. When it is fixed, the
 * directive is unused and this file stops compiling: move the check to the list above it.
 */
import type * as api from '../api';
import { parameterValue } from '../api';
import type { components } from '../api/schema';
import type * as gen from '../api/types';

type Schemas = components['schemas'];

/** Compiles only when a `From` may be used where a `To` is expected. */
type Assignable<From extends To, To> = [From, To];
/** Compiles only when `T` is never (the error names what `T` is). */
type AssertNever<T extends [never]> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Small shapes: the same both ways. */
export type SameBothWays = [
  Assignable<gen.ISource, api.ISource>,
  Assignable<api.ISource, gen.ISource>,
  Assignable<gen.IStatus, api.IStatus>,
  Assignable<api.IStatus, gen.IStatus>,
  Assignable<gen.IArtifact, api.IArtifact>,
  Assignable<api.IArtifact, gen.IArtifact>,
  Assignable<gen.IParent, api.IParent>,
  Assignable<api.IParent, gen.IParent>,
  Assignable<gen.ITag, api.ITag>,
  Assignable<api.ITag, gen.ITag>,
  Assignable<gen.IMetricSummary, api.IMetricSummary>,
  Assignable<api.IMetricSummary, gen.IMetricSummary>,
  Assignable<gen.ISeries, api.ISeries>,
  Assignable<api.ISeries, gen.ISeries>,
  Assignable<gen.IColumnDescriptor, api.IColumnDescriptor>,
  Assignable<api.IColumnDescriptor, gen.IColumnDescriptor>,
  Assignable<gen.IChartTypeDescription, api.IChartTypeDescription>,
  Assignable<api.IChartTypeDescription, gen.IChartTypeDescription>,
  Assignable<gen.IVegaLiteSpec, api.VegaLiteSpec>,
  Assignable<api.VegaLiteSpec, gen.IVegaLiteSpec>
];

/** What the server answers fits what the frontend reads. */
export type Answers = [
  Assignable<gen.IInfo, api.IInfo>,
  Assignable<gen.IErrorBody, api.IErrorBody>,
  Assignable<gen.IParameterValue, api.IParameterValue>,
  Assignable<gen.IMetricsResponse, { series: api.ISeries[] }>,
  // @ts-expect-error UserContext.UserProfileName is optional in the document, required in api.ts.
  Assignable<gen.IUserContext, api.IUserContext>,
  // @ts-expect-error CreatedBy is a UserContext (above).
  Assignable<gen.IExperiment, api.IExperiment>,
  // @ts-expect-error CreatedBy is a UserContext (above).
  Assignable<gen.ITrial, api.ITrial>,
  // @ts-expect-error CreatedBy and LastModifiedBy are UserContexts (above).
  Assignable<gen.ITrialComponent, api.ITrialComponent>,
  // @ts-expect-error PageFields' untyped `items` (unknown[]) survives the allOf, and UserContext.
  Assignable<gen.IExperimentPage, api.IPage<api.IExperiment>>,
  // @ts-expect-error TableResponse.total is `integer | null` in the document, a number in api.ts.
  Assignable<gen.ITableResponse, api.ITable>
];

/** What the frontend sends is what the server accepts. */
export type Requests = [
  Assignable<api.ISearchRequest, gen.ISearchRequest>,
  Assignable<api.IMetricsRequest, gen.IMetricsRequest>,
  Assignable<api.ITableRequest, gen.ITableRequest>,
  Assignable<api.ISelection, gen.ISelection>,
  // @ts-expect-error chart_type is any string in api.ts, one of the chart types in the document.
  Assignable<api.IChartRequest, gen.IChartRequest>
];

/** The alias of each schema in src/api/types.ts. */
interface IAliases {
  Artifact: gen.IArtifact;
  ChartRequest: gen.IChartRequest;
  ChartTypeDescription: gen.IChartTypeDescription;
  ColumnDescriptor: gen.IColumnDescriptor;
  Error: gen.IErrorBody;
  Experiment: gen.IExperiment;
  ExperimentPage: gen.IExperimentPage;
  Info: gen.IInfo;
  MetricSummary: gen.IMetricSummary;
  MetricsRequest: gen.IMetricsRequest;
  MetricsResponse: gen.IMetricsResponse;
  NameList: gen.NameList;
  PageFields: gen.IPageFields;
  ParameterValue: gen.IParameterValue;
  Parent: gen.IParent;
  SearchExpression: gen.ISearchExpression;
  SearchPage: gen.ISearchPage;
  SearchRequest: gen.ISearchRequest;
  Selection: gen.ISelection;
  Series: gen.ISeries;
  SortOrder: gen.SortOrder;
  Source: gen.ISource;
  TableRequest: gen.ITableRequest;
  TableResponse: gen.ITableResponse;
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

/** Does not compile while an alias is not exactly its schema. */
export type EveryAliasIsItsSchema = AssertNever<
  [
    {
      [K in keyof IAliases]: K extends keyof Schemas
        ? Same<IAliases[K], Schemas[K]> extends true
          ? never
          : K
        : K;
    }[keyof IAliases]
  ]
>;

describe('the REST API types generated from the OpenAPI document', () => {
  it('describe answers the hand-written helpers of src/api.ts read', () => {
    const answer: gen.ITrialComponent['Parameters'] = {
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

  it('keep an x range a pair, as the hand-written requests do', () => {
    const request: gen.IMetricsRequest = {
      queries: [{ component: 'cnn-1-training', metric: 'loss' }],
      x_range: [0, 10]
    };
    const sent: api.IMetricsRequest = {
      queries: request.queries ?? [],
      x_range: request.x_range
    };
    expect(sent.x_range).toEqual([0, 10]);
  });
});
