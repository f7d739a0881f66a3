import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { AlarmThresholds } from '../alarm-thresholds';
import type { ApiMetricsContract } from '../metrics-contract';
import { Alarms } from './alarms';
import { apiMetric } from './api-metrics';
import type { Database } from './database';
import { type DashboardLayer, OperationsDashboard } from './operations-dashboard';
import type { PublicApi } from './public-api';

const GIB = 1024 ** 3;

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** Prefix of the topic's, the alarms', the rule's and the dashboard's names. */
  readonly namePrefix: string;
  /** The stage name: the api metrics' stage dimension. */
  readonly stageName: string;
  readonly thresholds: AlarmThresholds;
  /** @default - no e-mail subscription */
  readonly alarmEmail?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly api: PublicApi;
  readonly apiFunction: lambda.IFunction;
  /** The api function's timeout, which its p99 duration is compared with. */
  readonly apiFunctionTimeout: Duration;
  /** The api's own metrics, as its build output declares them. */
  readonly metricsContract: ApiMetricsContract;
  readonly database: Database;
  /** The instance class's `max_connections` (see `capacity.ts`). */
  readonly databaseMaxConnections: number;
}

/**
 * The stage's alarms, layer by layer (API Gateway, the api Lambda, the api's own metrics, RDS Proxy, RDS), the
 * rotation-failure rule, all notifying one topic, and a dashboard that shows them in that order. Every alarm is
 * documented in docs/operations.md under its stable name.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarms;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const t = props.thresholds;
    const { api, apiFunction, database, metricsContract: contract, stageName } = props;
    const five = Duration.minutes(5);
    this.alarms = new Alarms(this, 'Alarms', { topicName: `${props.namePrefix}-alarms`, namePrefix: props.namePrefix, email: props.alarmEmail, removalPolicy: props.removalPolicy });
    const a = this.alarms;
    const contractMetric = (name: string) => apiMetric(contract, name, stageName);

    const apiLayer = [
      a.alarm('ApiServerErrors', {
        description: `More than ${t.apiServerErrorPercent} % of the API's requests answered 5xx over 5 minutes (the database unavailable, a bug, or the Lambda failing or throttled)`,
        metric: api.metricServerErrorRate(),
        threshold: t.apiServerErrorPercent / 100,
        when: 'above',
      }),
      a.alarm('ApiLatency', {
        description: `The API's p99 latency above ${t.apiLatencyP99Ms} ms over 5 minutes`,
        metric: api.metricLatencyP99(),
        threshold: t.apiLatencyP99Ms,
        when: 'above',
      }),
    ];
    const lambdaLayer = [
      a.alarm('LambdaErrors', {
        description: `More than ${t.lambdaErrors} api Lambda invocations failed in 5 minutes (a crash, a timeout or an error the api did not answer itself)`,
        metric: apiFunction.metricErrors({ period: five, statistic: cloudwatch.Stats.SUM }),
        threshold: t.lambdaErrors,
        when: 'above',
      }),
      a.alarm('LambdaThrottles', {
        description: `More than ${t.lambdaThrottles} api Lambda invocations throttled in 5 minutes (concurrency exhausted; API Gateway answered 500)`,
        metric: apiFunction.metricThrottles({ period: five, statistic: cloudwatch.Stats.SUM }),
        threshold: t.lambdaThrottles,
        when: 'above',
      }),
      a.alarm('LambdaDuration', {
        description: `The api Lambda's p99 duration above ${t.lambdaDurationP99PercentOfTimeout} % of its ${props.apiFunctionTimeout.toSeconds()} s timeout over 5 minutes`,
        metric: apiFunction.metricDuration({ period: five, statistic: cloudwatch.Stats.p(99) }),
        threshold: Math.round((props.apiFunctionTimeout.toMilliseconds() * t.lambdaDurationP99PercentOfTimeout) / 100),
        when: 'above',
      }),
    ];
    const apiMetricsLayer = [
      a.alarm('CredentialRefreshFailures', {
        description: `More than ${t.credentialRefreshFailures} credential refreshes failed in 5 minutes: the api cannot log in to the proxy with the app secret (a rotation gone wrong, or the proxy's copy of the secret out of date)`,
        metric: contractMetric('CredentialRefreshFailures'),
        threshold: t.credentialRefreshFailures,
        when: 'above',
      }),
      a.alarm('StatementOutcomeUnknown', {
        description: `More than ${t.statementOutcomeUnknown} writes of unknown outcome in 5 minutes: the connection died after the statement was sent, the caller got 503 and the write may or may not be applied`,
        metric: contractMetric('StatementOutcomeUnknown'),
        threshold: t.statementOutcomeUnknown,
        when: 'above',
      }),
    ];
    const proxyLayer = [
      a.alarm('ProxySessionsPinned', {
        description: `RDS Proxy sessions pinned for ${t.proxyPinnedMinutes} minutes: a statement pins its connection, the pool stops sharing it. The migration runner pins its own session briefly during deployments.`,
        metric: database.metricSessionsPinned(),
        threshold: 0,
        when: 'above',
        periods: t.proxyPinnedMinutes,
      }),
      a.alarm('ProxyBorrowLatency', {
        description: `Clients waited on average more than ${t.proxyBorrowLatencyMs} ms for a database connection at the proxy over 5 minutes (connections running short; the borrow timeout is ${database.borrowTimeout.toSeconds()} s)`,
        metric: database.metricBorrowLatency(),
        threshold: t.proxyBorrowLatencyMs * 1000, // the metric is in microseconds
        when: 'above',
      }),
      a.alarm('ProxyFailedAuth', {
        description: `The proxy refused more than ${t.proxyFailedAuths} client logins in 5 minutes (a password out of date after a rotation, or a client without TLS)`,
        metric: database.metricFailedAuths(),
        threshold: t.proxyFailedAuths,
        when: 'above',
      }),
      a.alarm('ProxyAvailability', {
        description: `The proxy's target (the instance, READ_WRITE) below ${t.proxyAvailabilityPercent} % available for 3 minutes: the proxy cannot reach the database`,
        metric: database.metricAvailability(),
        threshold: t.proxyAvailabilityPercent,
        when: 'below',
        periods: 3,
      }),
    ];
    const databaseLayer = [
      a.alarm('DatabaseCpu', {
        description: `The database's CPU above ${t.databaseCpuPercent} % for 15 minutes`,
        metric: database.instance.metricCPUUtilization({ period: five, statistic: cloudwatch.Stats.AVERAGE }),
        threshold: t.databaseCpuPercent,
        when: 'above',
        periods: 3,
      }),
      a.alarm('DatabaseFreeStorage', {
        description: `The database has less than ${t.databaseFreeStorageGiB} GiB of storage free (storage autoscaling not keeping up, or at its maximum)`,
        metric: database.instance.metricFreeStorageSpace({ period: five, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: t.databaseFreeStorageGiB * GIB,
        when: 'below',
      }),
      a.alarm('DatabaseConnections', {
        description: `The database has more than ${t.databaseConnectionsPercent} % of its ${props.databaseMaxConnections} max_connections open (the proxy at its cap, or clients that bypass it)`,
        metric: database.instance.metricDatabaseConnections({ period: five, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: Math.floor((props.databaseMaxConnections * t.databaseConnectionsPercent) / 100),
        when: 'above',
      }),
    ];
    a.rotationFailureRule('SecretRotationFailed', [database.adminSecret, database.appSecret]);

    const layers: DashboardLayer[] = [
      { title: 'API (API Gateway)', alarms: apiLayer, metrics: [api.api.deploymentStage.metricCount({ period: five, statistic: cloudwatch.Stats.SUM })] },
      { title: 'Lambda (the api function)', alarms: lambdaLayer, metrics: [apiFunction.metricInvocations({ period: five, statistic: cloudwatch.Stats.SUM })] },
      {
        title: `api metrics (${contract.namespace})`,
        alarms: apiMetricsLayer,
        metrics: Object.keys(contract.metrics)
          .filter((name) => !apiMetricsLayer.some((alarm) => alarm.node.id === name))
          // The api writes sums (of up to a second each), so every one is charted as a sum; PoolWaitMs / Requests is the mean wait.
          .map((name) => apiMetric(contract, name, stageName)),
      },
      { title: 'RDS Proxy', alarms: proxyLayer, metrics: [] },
      { title: 'Database (RDS for MySQL)', alarms: databaseLayer, metrics: [] },
    ];
    this.dashboard = new OperationsDashboard(this, 'Dashboard', { dashboardName: `${props.namePrefix}-operations`, layers, rules: [...a.rules.keys()] });
  }
}
