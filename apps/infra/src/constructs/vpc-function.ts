import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The runtime of every function of ours: the newest Node.js LTS Lambda offers. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** What Lambda needs to attach a function to a VPC (the actions of AWSLambdaVPCAccessExecutionRole). */
export const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** Properties of {@link VpcFunction}. */
export interface VpcFunctionProps {
  readonly code: lambda.Code;
  /** `file.export` inside `code`. */
  readonly handler: string;
  readonly description: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  /**
   * Memory in MB; CPU is allocated in proportion.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Concurrent executions reserved for (and capping) this function.
   * @default - none reserved; the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A Node.js function on arm64 inside a VPC, with its own log group (explicit retention) and a role that holds
 * exactly what running in a VPC needs — no AWS managed policies. Everything else is granted by the constructs
 * it uses (`Database.grantClient`, ...).
 */
export class VpcFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: VpcFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of: ${props.description}`,
      // Inline in the role resource, so they exist before the function is created (Lambda checks them then).
      inlinePolicies: {
        logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
        vpc: new iam.PolicyDocument({
          statements: [
            // `*` is required: ec2:Describe* actions support no resource-level permissions, and Lambda creates
            // and deletes its network interfaces (ids unknown in advance) with this role.
            new iam.PolicyStatement({ sid: 'ManageVpcNetworkInterfaces', actions: VPC_NETWORK_INTERFACE_ACTIONS, resources: ['*'] }),
            // Lambda's own network-interface calls carry no lambda:SourceFunctionArn; calls made by the function's
            // code do. So the code itself can never create, delete or inspect network interfaces.
            new iam.PolicyStatement({
              sid: 'DenyNetworkInterfacesToFunctionCode',
              effect: iam.Effect.DENY,
              actions: VPC_NETWORK_INTERFACE_ACTIONS,
              resources: ['*'],
              conditions: { Null: { 'lambda:SourceFunctionArn': 'false' } },
            }),
          ],
        }),
      },
    });

    this.function = new lambda.Function(this, 'Function', {
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      code: props.code,
      handler: props.handler,
      description: props.description,
      role: this.role,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      environment: props.environment,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [props.securityGroup],
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // Adds xray:PutTraceSegments and xray:PutTelemetryRecords on `*`: X-Ray has no resource-level permissions.
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
    });

    const starReason =
      'Resource "*" only where AWS offers no narrower resource: the VPC network-interface actions (ec2:Describe* has no resource-level permissions; Lambda creates interfaces whose ids are unknown in advance — and the function code itself is denied them) and X-Ray PutTraceSegments/PutTelemetryRecords.';
    Validations.of(this.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: starReason },
      { id: 'Serverless-LambdaStarPermissions', reason: starReason },
    );
  }
}
