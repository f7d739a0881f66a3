import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The subnet groups of the workshop: `lambda-subnet-*`, `rds-subnet-*`, `secret-subnet-*`. */
export const SUBNET_GROUPS = { lambda: 'lambda', database: 'rds', endpoint: 'secret' } as const;

/** Properties of {@link Network}. */
export interface NetworkProps {
  /**
   * Name tag of the VPC.
   * @default - CloudFormation's generated name
   */
  readonly vpcName?: string;
  /**
   * Availability zones to span; RDS needs two for a subnet group, Multi-AZ and the proxy.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * How long VPC flow logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A VPC with no route to the internet: isolated subnets for Lambda functions, for the database and its proxy,
 * and for the Secrets Manager interface endpoint (private DNS, so the SDK's default endpoint resolves to it).
 * Every security group it makes allows nothing until a rule is added; traffic is opened with the
 * intent-level methods, one port from one group at a time. The endpoint's policy, likewise, lets through only
 * the secrets and actions given to {@link Network.allowSecretsThroughEndpoint}, for principals of this account.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;
  /** The group of the functions that reach the database through the proxy (the workshop's `lambda-sg`). */
  readonly lambdaSecurityGroup: ec2.SecurityGroup;
  readonly lambdaSubnets: ec2.SubnetSelection = { subnetGroupName: SUBNET_GROUPS.lambda };
  readonly databaseSubnets: ec2.SubnetSelection = { subnetGroupName: SUBNET_GROUPS.database };
  /** Whether the endpoint's policy has its first statement (until then AWS's default allows everything). */
  private endpointPolicyStarted = false;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const isolated = (name: string): ec2.SubnetConfiguration => ({ name, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: props.vpcName,
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: props.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: Object.values(SUBNET_GROUPS).map(isolated),
      // Private DNS of the interface endpoint needs both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.lambdaSecurityGroup = this.newSecurityGroup(this, 'LambdaSecurityGroup', 'Functions that use the database: out to the RDS Proxy and the Secrets Manager endpoint only');
    this.secretsManagerEndpoint = this.vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      privateDnsEnabled: true,
      subnets: { subnetGroupName: SUBNET_GROUPS.endpoint },
      securityGroups: [this.newSecurityGroup(this, 'SecretsManagerEndpointSecurityGroup', 'Secrets Manager endpoint: HTTPS in from the functions that read the secret only')],
      // Not `open`: no HTTPS from the whole VPC CIDR, only from the groups given to allowSecretsManagerFrom().
      open: false,
    });
  }

  /**
   * A security group in this VPC, created in `scope`, that allows nothing, in or out, until rules are added.
   *
   * @example
   * const proxyGroup = network.newSecurityGroup(this, 'ProxySecurityGroup', 'RDS Proxy: MySQL in from the functions');
   */
  newSecurityGroup(scope: Construct, id: string, description: string): ec2.SecurityGroup {
    return new ec2.SecurityGroup(scope, id, { vpc: this.vpc, description, allowAllOutbound: false });
  }

  /**
   * Lets `client` call Secrets Manager through the interface endpoint: HTTPS from its group to the endpoint's.
   *
   * @example
   * network.allowSecretsManagerFrom(apiFunction);
   */
  allowSecretsManagerFrom(client: ec2.IConnectable): void {
    this.secretsManagerEndpoint.connections.allowDefaultPortFrom(client, 'HTTPS to Secrets Manager');
  }

  /**
   * Lets principals of this account call `actions` on these secrets through the Secrets Manager endpoint. Until
   * the first call the endpoint's policy is AWS's default (everything); after it, only what is allowed here —
   * plus `GetRandomPassword`, which rotation needs and which acts on no secret.
   *
   * @example
   * network.allowSecretsThroughEndpoint([database.adminSecret, database.appSecret], ['secretsmanager:GetSecretValue']);
   */
  allowSecretsThroughEndpoint(secrets: readonly secretsmanager.ISecret[], actions: readonly string[]): void {
    const thisAccount = { StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID } };
    if (!this.endpointPolicyStarted) {
      this.endpointPolicyStarted = true;
      this.secretsManagerEndpoint.addToPolicy(
        new iam.PolicyStatement({
          sid: 'GenerateRandomPasswords',
          principals: [new iam.AnyPrincipal()],
          actions: ['secretsmanager:GetRandomPassword'],
          resources: ['*'],
          conditions: thisAccount,
        }),
      );
    }
    this.secretsManagerEndpoint.addToPolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: [...actions],
        resources: secrets.map((secret) => secret.secretArn),
        conditions: thisAccount,
      }),
    );
  }
}
