import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_HANDLER, checkApiAsset, MIGRATE_HANDLER } from './api-asset';
import { checkAlarmEmail, checkAlarmThresholds } from './alarm-thresholds';
import { apiThrottle, checkReservedConcurrency, planConcurrency, type ConcurrencyPlan } from './capacity';
import { Database } from './constructs/database';
import { Migrations } from './constructs/migrations';
import { Monitoring } from './constructs/monitoring';
import { Network } from './constructs/network';
import { ProviderLogs } from './constructs/provider-logs';
import { PublicApi } from './constructs/public-api';
import { VpcFunction } from './constructs/vpc-function';
import type { ApiMetricsContract } from './metrics-contract';
import type { Route } from './routes';
import type { StageConfig } from './stages';

/** API Gateway's maximum integration timeout for a REST API (without a quota increase). */
export const API_GATEWAY_TIMEOUT = Duration.seconds(29);

/**
 * The api function's timeout: above `libs/db`'s statement timeout (10 s) plus its bounded retries' budget for a
 * borrow, below API Gateway's 29 s so a slow request ends as the Lambda's own 503, not the gateway's 504.
 */
export const API_FUNCTION_TIMEOUT = Duration.seconds(15);

/** The api's expected p99 latency, which turns reserved concurrency into a request rate (see `apiThrottle`). */
export const EXPECTED_P99_LATENCY_SECONDS = 0.25;

/**
 * Proxy connections kept for the migration runner (one execution, which holds a locked — pinned — session
 * and may open one more).
 */
export const MIGRATION_CONNECTIONS = 2;

/** Properties of {@link ServerlessAppStack}. */
export interface ServerlessAppStackProps extends StackProps {
  readonly stage: StageConfig;
  /** The api build output (`dist/apps/api`): `main.js`, `migrate.js`, `migrations/*.sql`. */
  readonly apiAssetDir: string;
  /** The api's routes (the route manifest `routes.json` of its build output). */
  readonly routes: readonly Route[];
  /** The api's own metrics (the metrics contract of `routes.json`), which the alarms and the dashboard use. */
  readonly metricsContract: ApiMetricsContract;
}

function retentionDays(days: number): logs.RetentionDays {
  if (!(Object.values(logs.RetentionDays) as unknown[]).includes(days)) {
    throw new Error(`logRetentionDays ${days} is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)`);
  }
  return days as logs.RetentionDays;
}

/**
 * The workshop's system for one stage: VPC and endpoint, RDS for MySQL behind RDS Proxy with a rotated secret,
 * the migrations run at deploy time, the api Lambda and its REST API, and alarms. Environment-agnostic: the
 * account and region come from the credentials at deploy time.
 */
export class ServerlessAppStack extends Stack {
  readonly network: Network;
  readonly database: Database;
  readonly migrations: Migrations;
  readonly apiFunction: VpcFunction;
  readonly api: PublicApi;
  readonly monitoring: Monitoring;
  readonly capacity: ConcurrencyPlan;
  /** The api function's reserved concurrency, when the stage asks for one. */
  readonly reservedConcurrency: number | undefined;

  constructor(scope: Construct, id: string, props: ServerlessAppStackProps) {
    super(scope, id, { description: `serverless-app (${props.stage.name}): API Gateway, Lambda, RDS Proxy, RDS for MySQL`, ...props });
    const { stage } = props;
    const prefix = stage.resourcePrefix;
    const logRetention = retentionDays(stage.logRetentionDays);
    const logRemovalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.network = new Network(this, 'Network', { vpcName: prefix, flowLogRetention: logRetention, removalPolicy: logRemovalPolicy });
    this.database = new Database(this, 'Database', {
      network: this.network,
      namePrefix: prefix,
      instanceType: new ec2.InstanceType(stage.instanceType),
      multiAz: stage.multiAz,
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.retainData ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      backupRetention: Duration.days(stage.backupRetentionDays),
      iamAuth: stage.iamAuth,
      logRetention,
    });
    if (this.database.borrowTimeout.toSeconds() >= API_FUNCTION_TIMEOUT.toSeconds() || API_FUNCTION_TIMEOUT.toSeconds() >= API_GATEWAY_TIMEOUT.toSeconds()) {
      throw new Error('Timeouts must nest: proxy borrow timeout < api function timeout < API Gateway timeout (29 s)');
    }
    const thresholds = checkAlarmThresholds(stage.name, stage.alarms, {
      borrowTimeoutMs: this.database.borrowTimeout.toMilliseconds(),
      apiGatewayTimeoutMs: API_GATEWAY_TIMEOUT.toMilliseconds(),
    });
    this.capacity = planConcurrency({
      instanceType: stage.instanceType,
      maxConnectionsPercent: this.database.maxConnectionsPercent,
      reservedConnections: MIGRATION_CONNECTIONS,
      maxLambdaConcurrency: stage.maxLambdaConcurrency,
    });
    this.reservedConcurrency =
      stage.apiReservedConcurrency &&
      checkReservedConcurrency({
        stage: stage.name,
        executions: stage.apiReservedConcurrency.executions,
        plannedConcurrency: this.capacity.lambdaConcurrency,
        accountQuota: stage.accountConcurrencyQuota,
      });

    // One asset for both functions; source maps stay out of the package (not loaded at run time).
    const code = lambda.Code.fromAsset(checkApiAsset(props.apiAssetDir), { exclude: ['*.map'] });
    const runtimeEnvironment = (service: string, database: Record<string, string>): Record<string, string> => ({
      ...database,
      LOG_LEVEL: stage.logLevel,
      NODE_ENV: 'production',
      POWERTOOLS_SERVICE_NAME: service,
    });
    const inVpc = { vpc: this.network.vpc, vpcSubnets: this.network.lambdaSubnets, securityGroup: this.network.lambdaSecurityGroup };

    this.migrations = new Migrations(this, 'Migrations', {
      ...inVpc,
      code,
      handler: MIGRATE_HANDLER,
      environment: runtimeEnvironment(`${prefix}-migrate`, this.database.adminEnvironment()),
      logRetention,
      logRemovalPolicy,
    });
    this.apiFunction = new VpcFunction(this, 'ApiFunction', {
      ...inVpc,
      code,
      handler: API_HANDLER,
      description: 'serverless-app: the api (API Gateway proxy integration)',
      // STAGE: the stage dimension of the api's own metrics (see Monitoring); TRACING: the stage's choice.
      environment: { ...runtimeEnvironment(`${prefix}-api`, this.database.appEnvironment()), STAGE: stage.name, TRACING: stage.apiTracing },
      timeout: API_FUNCTION_TIMEOUT,
      memorySize: stage.lambdaMemoryMb,
      reservedConcurrentExecutions: this.reservedConcurrency,
      logRetention,
      logRemovalPolicy,
    });
    Validations.of(this.apiFunction.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked only synchronously, by API Gateway: the caller gets the error, there is no asynchronous event to keep.',
    });
    this.database.grantAppClient(this.apiFunction.function);
    this.database.grantAdminClient(this.migrations.function);
    for (const client of [this.apiFunction.function, this.migrations.function]) this.network.allowSecretsManagerFrom(client);

    this.api = new PublicApi(this, 'Api', {
      handler: this.apiFunction.function,
      routes: props.routes,
      restApiName: `${prefix}-api`,
      stageName: stage.name,
      throttle: apiThrottle(this.capacity.lambdaConcurrency, EXPECTED_P99_LATENCY_SECONDS),
      logRetention,
      logRemovalPolicy,
    });
    this.migrations.runAfter(this.network, this.database);
    this.migrations.runBefore(this.apiFunction, this.api);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      namePrefix: prefix,
      stageName: stage.name,
      thresholds,
      alarmEmail: checkAlarmEmail(stage.name, stage.alarmEmail),
      removalPolicy: logRemovalPolicy,
      api: this.api,
      apiFunction: this.apiFunction.function,
      apiFunctionTimeout: API_FUNCTION_TIMEOUT,
      metricsContract: props.metricsContract,
      database: this.database,
      databaseMaxConnections: this.capacity.dbMaxConnections,
    });

    new CfnOutput(this, 'ApiUrl', { description: 'Invoke URL of the API stage', value: this.api.url });
    new CfnOutput(this, 'ProxyEndpoint', { description: 'RDS Proxy endpoint (reachable inside the VPC only)', value: this.database.endpoint });
    new CfnOutput(this, 'SecretArn', { description: 'The administrator\'s credentials (migrations, rotation)', value: this.database.adminSecret.secretArn });
    new CfnOutput(this, 'AppSecretArn', { description: 'The app user\'s credentials (the api: DML only)', value: this.database.appSecret.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe to be told about alarms', value: this.monitoring.alarms.topic.topicArn });
    new CfnOutput(this, 'ApiLogGroupName', { description: 'The api\'s logs (Logs Insights: docs/operations.md)', value: this.apiFunction.logGroup.logGroupName });
    new CfnOutput(this, 'DashboardName', { description: 'The operations dashboard, layer by layer', value: this.monitoring.dashboard.dashboard.dashboardName });

    // Last, once every function exists: log groups for the functions aws-cdk-lib makes on its own.
    new ProviderLogs(this, 'ProviderLogs', { retention: logRetention, removalPolicy: logRemovalPolicy });
  }
}
