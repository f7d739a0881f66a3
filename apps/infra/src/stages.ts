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
