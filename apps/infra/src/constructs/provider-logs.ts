import { CfnResource, Fn, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of {@link ProviderLogs}. */
export interface ProviderLogsProps {
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

const isFunction = (c: unknown): c is CfnResource => CfnResource.isCfnResource(c as CfnResource) && (c as CfnResource).cfnResourceType === 'AWS::Lambda::Function';
/** Our functions (`lambda.Function` with `logGroup`) name their group; aws-cdk-lib's providers are plain `CfnResource`s without. */
const hasOwnLogGroup = (fn: CfnResource): boolean => fn instanceof lambda.CfnFunction && fn.loggingConfig !== undefined;
const isCustomResource = (c: unknown): c is CfnResource =>
  CfnResource.isCfnResource(c as CfnResource) && /^(Custom::|AWS::CloudFormation::CustomResource$)/.test((c as CfnResource).cfnResourceType);

/**
 * Log groups, with a retention and the stage's removal policy, for the functions aws-cdk-lib creates on its own
 * (custom resource providers: the migration trigger's, the VPC's default-security-group cleanup), which have
 * no log group setting. Lambda would otherwise create `/aws/lambda/<name>` on first use, keep it forever and
 * leave it behind when the stack is deleted. Every custom resource waits for these groups, so a provider's
 * first invocation finds its group; on deletion the group outlives the provider's last invocation.
 * Add it last, once every construct of the stack exists.
 */
export class ProviderLogs extends Construct {
  readonly logGroups: logs.LogGroup[] = [];

  constructor(scope: Construct, id: string, props: ProviderLogsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const all = stack.node.findAll();
    const unlogged = all.filter(isFunction).filter((fn) => !hasOwnLogGroup(fn));
    for (const fn of unlogged) {
      const group = new logs.LogGroup(this, `Logs${this.logGroups.length + 1}`, {
        logGroupName: Fn.join('', ['/aws/lambda/', fn.ref]),
        retention: props.retention,
        removalPolicy: props.removalPolicy,
      });
      this.logGroups.push(group);
    }
    for (const resource of all.filter(isCustomResource)) {
      for (const group of this.logGroups) resource.addResourceDependency(group.node.defaultChild as CfnResource);
    }
  }
}
