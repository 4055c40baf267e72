/**
 * Jobs as the server answers them, and a fake server for the job routes: `GET info` with or
 * without the `jobs` capability, the job of each component, its logs in pages, stop, deploy and
 * the endpoint that deployment creates.
 */
import type { IDeployRequest, IJob, IJobLogs, ITrialComponent } from '../api';
import { fakeServer, IAnswer, IRecordedRequest } from './fakeServer';

export const HTML = '<img src=x onerror=alert(1)>';

export function trainingJob(overrides: Partial<IJob> = {}): IJob {
  return {
    TrialComponentName: 'train-aws-training-job',
    JobType: 'TrainingJob',
    JobName: 'train',
    JobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/train',
    Status: 'Completed',
    SecondaryStatus: 'Completed',
    StatusTransitions: [
      {
        Status: 'Starting',
        StartTime: '2024-05-01T10:00:00+00:00',
        EndTime: '2024-05-01T10:01:30+00:00',
        StatusMessage: 'Preparing the instances for training'
      },
      {
        Status: 'Training',
        StartTime: '2024-05-01T10:01:30+00:00',
        EndTime: '2024-05-01T10:11:30+00:00',
        StatusMessage: 'Training in progress.'
      },
      {
        Status: 'Completed',
        StartTime: '2024-05-01T10:11:30+00:00',
        EndTime: '2024-05-01T10:11:30+00:00',
        StatusMessage: 'Training job completed'
      }
    ],
    CreationTime: '2024-05-01T10:00:00+00:00',
    StartTime: '2024-05-01T10:01:30+00:00',
    EndTime: '2024-05-01T10:11:30+00:00',
    InstanceType: 'ml.m5.xlarge',
    InstanceCount: 2,
    VolumeSizeInGB: 30,
    Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1',
    RoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    Inputs: [
      { Name: 'train', Uri: 's3://bucket/train', ContentType: 'text/csv' }
    ],
    Outputs: [{ Name: 'model', Uri: 's3://bucket/output' }],
    ModelArtifacts: 's3://bucket/output/train/output/model.tar.gz',
    BillableTimeInSeconds: 650,
    TrainingTimeInSeconds: 650,
    Rules: [
      {
        RuleConfigurationName: 'LossNotDecreasing',
        RuleType: 'Debugger',
        RuleEvaluationStatus: 'NoIssuesFound'
      },
      {
        RuleConfigurationName: 'Overfit',
        RuleType: 'Debugger',
        RuleEvaluationStatus: 'IssuesFound',
        StatusDetails: `validation loss rose ${HTML}`
      },
      {
        RuleConfigurationName: 'ProfilerReport-1',
        RuleType: 'Profiler',
        RuleEvaluationStatus: 'NoIssuesFound',
        ReportS3Uri: 's3://bucket/report.html',
        ReportUrl:
          'https://s3.console.aws.amazon.com/s3/object/bucket?region=us-east-1&prefix=report.html'
      }
    ],
    LogGroupName: '/aws/sagemaker/TrainingJobs',
    Actions: { Stop: false, Deploy: true },
    DeployOptions: {
      InstanceTypes: ['ml.m5.large', 'ml.m5.xlarge', 'ml.g5.xlarge'],
      DefaultInstanceType: 'ml.m5.xlarge',
      DefaultInstanceCount: 1,
      DefaultEndpointName: 'train'
    },
    Description: { TrainingJobName: 'train' },
    ...overrides
  };
}

export function runningJob(overrides: Partial<IJob> = {}): IJob {
  const job = trainingJob({
    Status: 'InProgress',
    SecondaryStatus: 'Training',
    EndTime: undefined,
    BillableTimeInSeconds: undefined,
    ModelArtifacts: undefined,
    Actions: { Stop: true, Deploy: false },
    DeployOptions: undefined,
    ...overrides
  });
  job.StatusTransitions = job.StatusTransitions.slice(0, 2).map(
    (step, index) => (index === 1 ? { ...step, EndTime: undefined } : step)
  );
  return job;
}

export function component(name = 'train-aws-training-job'): ITrialComponent {
  return {
    TrialComponentName: name,
    DisplayName: name,
    Status: { PrimaryStatus: 'Completed' },
    Source: {
      SourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/train',
      SourceType: 'SageMakerTrainingJob'
    },
    Parameters: {},
    InputArtifacts: {},
    OutputArtifacts: {},
    Metrics: [],
    Parents: []
  };
}

/** `count` log lines "line 0" … numbered from `first`, one second apart. */
export function lines(first: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    timestamp: new Date(
      Date.UTC(2024, 4, 1, 10, 0, first + index)
    ).toISOString(),
    message: `line ${first + index}`
  }));
}

export interface IJobsWorld {
  /** The `jobs` capability in `info`. */
  offered: boolean;
  /** The job of each component; a component without one answers 404 no_job. */
  jobs: Record<string, IJob>;
  /** Pages of logs by cursor ('' for the first page). */
  logs: Record<string, IJobLogs>;
  /** What a stop answers (default: the job, Stopping); an error answer to refuse. */
  stop?: IAnswer;
  /** What a deploy answers (default: a deployment Creating); an error answer to refuse. */
  deploy?: (request: IDeployRequest) => IAnswer;
  /** The statuses the endpoint answers, one per request, the last one repeated. */
  endpointStatuses: string[];
}

export function jobsWorld(overrides: Partial<IJobsWorld> = {}): IJobsWorld {
  return {
    offered: true,
    jobs: { 'train-aws-training-job': trainingJob() },
    logs: {},
    endpointStatuses: ['Creating', 'InService'],
    ...overrides
  };
}

export function jobsServer(world: IJobsWorld) {
  let endpointAsked = 0;
  const route = (request: IRecordedRequest): IAnswer => {
    const path = request.path;
    if (path === 'info') {
      return {
        body: {
          capabilities: ['browse', ...(world.offered ? ['jobs'] : [])]
        }
      };
    }
    const job = /^components\/(.+)\/job$/.exec(path);
    if (job) {
      if (!world.offered) {
        return {
          status: 404,
          body: { error: 'not_offered', message: 'no jobs', store: 'local' }
        };
      }
      const found = world.jobs[job[1]];
      return found
        ? { body: found }
        : {
            status: 404,
            body: { error: 'no_job', message: 'no job', name: job[1] }
          };
    }
    if (/^components\/.+\/job\/logs$/.exec(path)) {
      const key =
        request.query.get('cursor') ?? request.query.get('stream') ?? '';
      return world.logs[key]
        ? { body: world.logs[key] }
        : { status: 400, body: { error: 'invalid', message: 'bad cursor' } };
    }
    if (path === 'jobs/stop') {
      if (world.stop) {
        return world.stop;
      }
      const current = world.jobs[request.body.component];
      return {
        body: {
          ...current,
          Status: 'Stopping',
          Actions: { Stop: false, Deploy: false }
        }
      };
    }
    if (path === 'jobs/deploy') {
      if (world.deploy) {
        return world.deploy(request.body);
      }
      const name = request.body.endpoint_name ?? 'train';
      return {
        body: {
          ModelName: name,
          EndpointConfigName: name,
          Endpoint: { EndpointName: name, EndpointStatus: 'Creating' }
        }
      };
    }
    const endpoint = /^endpoints\/(.+)$/.exec(path);
    if (endpoint) {
      const statuses = world.endpointStatuses;
      const status = statuses[Math.min(endpointAsked, statuses.length - 1)];
      endpointAsked++;
      return {
        body: {
          EndpointName: endpoint[1],
          EndpointStatus: status,
          ...(status === 'Failed'
            ? { FailureReason: 'the container failed its health check' }
            : {})
        }
      };
    }
    return { status: 404, body: { error: 'not_found', message: path } };
  };
  return fakeServer(route);
}
