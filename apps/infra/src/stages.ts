import type { AlarmThresholds } from './alarm-thresholds';

/** The log levels the api Lambda accepts in `LOG_LEVEL`. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Everything that differs between deployment stages. */
export interface StageConfig {
  name: 'dev' | 'prod';
  /**
   * Prefix of every physical name (secret, proxy, API, instance). `dev` keeps the workshop's names
   * (`serverless-app-rds-secret`, ...); other stages add their name so two stages can share an account.
   */
  resourcePrefix: string;
  /** RDS instance class, e.g. `t4g.micro`. */
  instanceType: string;
  multiAz: boolean;
  deletionProtection: boolean;
  /** Keep the database (snapshot), its secret and its logs when the stack is deleted. */
  retainData: boolean;
  /** Days RDS keeps automated backups (1–35). */
  backupRetentionDays: number;
  logRetentionDays: number;
  /** Connect the Lambda with IAM auth tokens instead of the secret's password. */
  iamAuth: boolean;
  /** `LOG_LEVEL` of the Lambda functions. */
  logLevel: LogLevel;
  /** Memory of the api Lambda, in MB (CPU scales with it). */
  lambdaMemoryMb: number;
  /**
   * Upper bound of the api Lambda's concurrency this stage plans for, from the account's budget. The planned
   * concurrency is the smaller of this and what the proxy can serve (see `capacity.ts`); the API's throttle is
   * sized from it.
   */
  maxLambdaConcurrency: number;
  /**
   * The account's regional Lambda concurrency quota (`aws lambda get-account-settings` → `ConcurrentExecutions`)
   * this stage is deployed into, as declared here: 1,000 by default, as low as 10 in a new account. Lambda keeps
   * 100 of it unreserved, so a stage can reserve at most `quota − 100` — nothing at all below 100. Checked at synth.
   */
  accountConcurrencyQuota: number;
  /**
   * Concurrency reserved for (and capping) the api Lambda, with the reason; `undefined` reserves none (the
   * function shares the account's unreserved pool and the API's throttle keeps it near the planned concurrency).
   * At most the planned concurrency and `accountConcurrencyQuota − 100` (checked at synth).
   */
  apiReservedConcurrency: { executions: number; reason: string } | undefined;
  /** Where this stage's alarms fire (checked at synth, see `alarm-thresholds.ts`); docs/operations.md says what each means. */
  alarms: AlarmThresholds;
  /**
   * An e-mail address subscribed to the alarm topic (SNS asks it to confirm); `undefined` subscribes none — subscribe
   * to the `AlarmTopicArn` output instead.
   */
  alarmEmail: string | undefined;
  /**
   * The api's `TRACING`: `on` records an X-Ray subsegment per database statement kind (the functions trace
   * actively either way). It costs ~40 ms of cold-start init (the Powertools Tracer), so it is a stage's choice.
   */
  apiTracing: 'on' | 'off';
}

/** The stages this app deploys. `dev` is cheap and disposable; `prod` is durable. */
export const STAGES: Readonly<Record<StageConfig['name'], StageConfig>> = {
  dev: {
    name: 'dev',
    resourcePrefix: 'serverless-app',
    instanceType: 't4g.micro',
    multiAz: false,
    deletionProtection: false,
    retainData: false,
    backupRetentionDays: 1,
    logRetentionDays: 7,
    iamAuth: false,
    logLevel: 'DEBUG',
    lambdaMemoryMb: 512,
    maxLambdaConcurrency: 50,
    // What a new account may have: nothing can be reserved, and nothing is.
    accountConcurrencyQuota: 10,
    apiReservedConcurrency: undefined,
    // Loose: dev is where things break on purpose; an alarm here should still mean something is wrong.
    alarms: {
      // 5 % of requests 5xx over 5 minutes: a few failures from a test run pass, a broken deploy does not.
      apiServerErrorPercent: 5,
      // p99 at 5 s: well past what a t4g.micro serves, well before the gateway's 29 s.
      apiLatencyP99Ms: 5_000,
      // The api answers its own errors (500/503); a Lambda error is a crash or a timeout. A few while developing.
      lambdaErrors: 5,
      // No reserved concurrency in dev (quota 10): throttles happen under a load test; more than 10 is not a blip.
      lambdaThrottles: 10,
      // p99 at 80 % of the timeout: requests are close to ending as a timeout.
      lambdaDurationP99PercentOfTimeout: 80,
      // Any failed credential refresh: the api cannot log in after a rotation.
      credentialRefreshFailures: 0,
      // Any write of unknown outcome: someone must check whether it was applied.
      statementOutcomeUnknown: 0,
      // 3 minutes: the migration runner pins its own session for a moment at each deployment.
      proxyPinnedMinutes: 3,
      // 1 s on average: requests queue for connections (the borrow timeout is 5 s).
      proxyBorrowLatencyMs: 1_000,
      // A handful per 5 minutes are a rotation's race (the api re-reads the secret and retries); 10 are not.
      proxyFailedAuths: 10,
      // Below 95 %: the proxy could not reach the database for a good part of 3 minutes.
      proxyAvailabilityPercent: 95,
      // A t4g.micro at 90 % for 15 minutes: burst credits are going.
      databaseCpuPercent: 90,
      // 1 GiB free of 20 GiB: storage autoscaling (at 10 % free, up to 100 GiB) is not keeping up.
      databaseFreeStorageGiB: 1,
      // 90 % of max_connections: the proxy (90 % cap) is at its limit.
      databaseConnectionsPercent: 90,
    },
    alarmEmail: undefined,
    // Worth its init cost where code is being debugged.
    apiTracing: 'on',
  },
  prod: {
    name: 'prod',
    resourcePrefix: 'serverless-app-prod',
    instanceType: 'r7g.large',
    multiAz: true,
    deletionProtection: true,
    retainData: true,
    backupRetentionDays: 14,
    logRetentionDays: 365,
    iamAuth: false,
    logLevel: 'INFO',
    lambdaMemoryMb: 1024,
    maxLambdaConcurrency: 500,
    accountConcurrencyQuota: 1000,
    apiReservedConcurrency: {
      executions: 500,
      reason: 'A hard cap at what the proxy can serve, so a burst never queues more borrows than the database has connections; and capacity kept for the api whatever else runs in the account.',
    },
    // Tight: each alarm is something a user notices, or soon will.
    alarms: {
      // 1 % of requests 5xx over 5 minutes.
      apiServerErrorPercent: 1,
      // p99 at 2 s: eight times the 0.25 s the throttle is sized for (capacity.ts), so the throttle no longer holds.
      apiLatencyP99Ms: 2_000,
      // Any Lambda error: the api answers its own errors, so this is a crash or a timeout.
      lambdaErrors: 0,
      // Any throttle: reserved concurrency and the API's throttle are sized so that none happens.
      lambdaThrottles: 0,
      // p99 at 60 % of the timeout: slow statements or borrow waits, before they become timeouts.
      lambdaDurationP99PercentOfTimeout: 60,
      // Any failed credential refresh: the api cannot log in after a rotation.
      credentialRefreshFailures: 0,
      // Any write of unknown outcome: someone must check whether it was applied.
      statementOutcomeUnknown: 0,
      // 3 minutes: the migration runner pins its own session for a moment at each deployment.
      proxyPinnedMinutes: 3,
      // 200 ms on average: connections are running short (the borrow timeout is 5 s).
      proxyBorrowLatencyMs: 200,
      // 3 per 5 minutes: more than a rotation's race, which the api answers by re-reading the secret.
      proxyFailedAuths: 3,
      // Below 99 %: the proxy could not reach the database (a failover takes about a minute).
      proxyAvailabilityPercent: 99,
      // 80 % for 15 minutes on an r7g.large: time to look at the slow queries or the class.
      databaseCpuPercent: 80,
      // 2 GiB free: storage autoscaling (at 10 % free, up to 100 GiB) is not keeping up, or is at its maximum.
      databaseFreeStorageGiB: 2,
      // 85 % of max_connections: the proxy (90 % cap) is close to its limit.
      databaseConnectionsPercent: 85,
    },
    alarmEmail: undefined,
    // Cold starts stay ~40 ms shorter; turn on while investigating (a deploy).
    apiTracing: 'off',
  },
};

/**
 * Looks a stage up by name (from `cdk -c stage=...`), failing with the list of
 * valid names.
 *
 * @example
 * const stage = stageConfig(app.node.tryGetContext('stage'));
 */
export function stageConfig(name: unknown): StageConfig {
  if (typeof name === 'string' && Object.hasOwn(STAGES, name)) {
    return STAGES[name as StageConfig['name']];
  }
  throw new Error(`Unknown stage ${JSON.stringify(name)}; expected one of: ${Object.keys(STAGES).join(', ')}`);
}

/**
 * The CloudFormation stack name of a stage, e.g. `ServerlessApp-dev`.
 *
 * @example
 * new ServerlessAppStack(app, stackName(stage), { stage, ... });
 */
export function stackName(stage: Pick<StageConfig, 'name'>): string {
  return `ServerlessApp-${stage.name}`;
}
