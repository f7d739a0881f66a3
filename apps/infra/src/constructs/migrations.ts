import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { VpcFunction } from './vpc-function';

/**
 * How long a CDK custom resource provider function — the trigger's — may run (Lambda's maximum, which
 * aws-cdk-lib gives it). The trigger waits for the runner inside it, so the runner must finish well before.
 */
export const TRIGGER_PROVIDER_TIMEOUT = Duration.minutes(15);

/**
 * What one run needs besides waiting for the database: another runner's lock (libs/db waits 120 s for it),
 * the migrations and the app user's sync, and the Lambda start.
 */
export const MIGRATION_WORK_ALLOWANCE = Duration.minutes(2);

/** Properties of {@link Migrations}. */
export interface MigrationsProps {
  /** The api build output, holding the runner and the SQL files. */
  readonly code: lambda.Code;
  /** `file.export` of the runner inside `code`. */
  readonly handler: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly environment: Record<string, string>;
  /**
   * How long the runner keeps retrying a database it cannot reach yet: a fresh proxy's target takes minutes to
   * become available on a first deployment. Passed to it as `MIGRATE_RETRY_BUDGET_MS`.
   * @default Duration.minutes(12)
   */
  readonly retryBudget?: Duration;
  /**
   * How long one run may take (the function's and the trigger's timeout): at least the retry budget plus
   * {@link MIGRATION_WORK_ALLOWANCE}, and below {@link TRIGGER_PROVIDER_TIMEOUT}.
   * @default Duration.minutes(14)
   */
  readonly timeout?: Duration;
  /**
   * How long the runner's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the runner's log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Applies the database migrations during the deployment, never on the request path: a function in the VPC runs
 * them through the proxy, invoked by a CloudFormation trigger whenever its code — the api build, SQL files
 * included — changes. A failed run fails the deployment, which rolls back.
 */
export class Migrations extends Construct {
  readonly runner: VpcFunction;
  readonly trigger: triggers.Trigger;
  readonly retryBudget: Duration;

  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    const retryBudget = props.retryBudget ?? Duration.minutes(12);
    const timeout = props.timeout ?? Duration.minutes(14);
    if (retryBudget.toSeconds() + MIGRATION_WORK_ALLOWANCE.toSeconds() > timeout.toSeconds() || timeout.toSeconds() >= TRIGGER_PROVIDER_TIMEOUT.toSeconds()) {
      throw new Error(
        `Migration timeouts must nest: retry budget (${retryBudget.toSeconds()} s) + ${MIGRATION_WORK_ALLOWANCE.toSeconds()} s of work ≤ runner timeout (${timeout.toSeconds()} s) < the trigger provider's ${TRIGGER_PROVIDER_TIMEOUT.toSeconds()} s`,
      );
    }
    this.retryBudget = retryBudget;
    this.runner = new VpcFunction(this, 'Runner', {
      code: props.code,
      handler: props.handler,
      description: 'serverless-app: applies the database migrations at deploy time',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroup: props.securityGroup,
      environment: { ...props.environment, MIGRATE_RETRY_BUDGET_MS: String(retryBudget.toMilliseconds()) },
      timeout,
      memorySize: 256,
      // No reserved concurrency: a new account cannot reserve any (it must keep 100 unreserved), and runners
      // are serialised by the database lock libs/db's migrate() takes.
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.trigger = new triggers.Trigger(this, 'RunOnDeploy', {
      handler: this.runner.function,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout,
      executeOnHandlerChange: true,
    });
    Validations.of(this.runner.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked only synchronously (RequestResponse) by the deployment trigger: a failure fails the deployment, there is no asynchronous event to keep.',
    });
  }

  /** The runner function. */
  get function(): lambda.Function {
    return this.runner.function;
  }

  /**
   * Runs the migrations only after these are deployed — the database, its proxy and every network rule on the
   * way (rules are separate resources, which the function's own settings do not wait for).
   */
  runAfter(...scopes: Construct[]): void {
    this.trigger.executeAfter(...scopes);
  }

  /** Holds these back — what serves traffic — until the migrations have succeeded. */
  runBefore(...scopes: Construct[]): void {
    this.trigger.executeBefore(...scopes);
  }
}
