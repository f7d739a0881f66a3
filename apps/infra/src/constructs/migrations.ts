import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { VpcFunction } from './vpc-function';

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
   * How long one run may take: waiting for a fresh proxy's target to become available, for another runner's
   * lock, and applying the migrations.
   * @default Duration.minutes(5)
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

  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    this.runner = new VpcFunction(this, 'Runner', {
      code: props.code,
      handler: props.handler,
      description: 'serverless-app: applies the database migrations at deploy time',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroup: props.securityGroup,
      environment: props.environment,
      timeout,
      memorySize: 256,
      // One runner at a time (the runner also takes a database lock).
      reservedConcurrentExecutions: 1,
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
