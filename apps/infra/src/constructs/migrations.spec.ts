import { Duration, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stageTemplate } from '../test-app.test-util';
import { type CfnResource, functionWithHandler, logicalId, onlyResource, resourcesOf } from '../template.test-util';
import { MIGRATION_WORK_ALLOWANCE, Migrations, TRIGGER_PROVIDER_TIMEOUT } from './migrations';

describe('Migrations (dev)', () => {
  let template: Template;
  let triggerId: string;
  let trigger: CfnResource;

  beforeAll(() => {
    template = stageTemplate('dev');
    [triggerId, trigger] = onlyResource(template, 'Custom::Trigger');
  });

  const idsOf = (type: string) => resourcesOf(template, type).map(([id]) => id);

  it('invokes the runner (migrate.handler) synchronously on every change of its code, within its timeout', () => {
    const [runnerId, runner] = functionWithHandler(template, 'migrate.handler');
    const [versionId] = onlyResource(template, 'AWS::Lambda::Version', (v) => logicalId(v.Properties?.['FunctionName']) === runnerId);

    expect(trigger.Properties).toMatchObject({ HandlerArn: { Ref: versionId }, InvocationType: 'RequestResponse', ExecuteOnHandlerChange: true });
    expect(Number(trigger.Properties?.['Timeout'])).toBe((runner.Properties?.['Timeout'] as number) * 1000);
  });

  it('retries an unreachable database for 12 minutes (a fresh proxy\'s target), inside the runner\'s timeout, inside the trigger provider\'s', () => {
    const [, runner] = functionWithHandler(template, 'migrate.handler');
    const provider = template.toJSON().Resources[logicalId(trigger.Properties?.['ServiceToken'])] as CfnResource;
    const budgetMs = Number((runner.Properties?.['Environment'] as { Variables: Record<string, string> }).Variables['MIGRATE_RETRY_BUDGET_MS']);
    const runnerMs = (runner.Properties?.['Timeout'] as number) * 1000;

    expect(budgetMs).toBe(12 * 60_000);
    expect(budgetMs + MIGRATION_WORK_ALLOWANCE.toMilliseconds()).toBeLessThanOrEqual(runnerMs);
    expect(Number(trigger.Properties?.['Timeout'])).toBe(runnerMs);
    expect(provider.Properties?.['Timeout']).toBe(TRIGGER_PROVIDER_TIMEOUT.toSeconds());
    expect(runnerMs).toBeLessThan(TRIGGER_PROVIDER_TIMEOUT.toMilliseconds());
  });

  it('runs only after the database, the proxy, the secret and every network rule on the way exist', () => {
    const after = trigger.DependsOn ?? [];

    for (const type of [
      'AWS::RDS::DBInstance',
      'AWS::RDS::DBProxy',
      'AWS::RDS::DBProxyTargetGroup',
      'AWS::SecretsManager::SecretTargetAttachment',
      'AWS::SecretsManager::Secret',
      'AWS::RDS::DBParameterGroup',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::SecurityGroupIngress',
      'AWS::EC2::SecurityGroupEgress',
    ]) {
      expect([type, idsOf(type).filter((id) => !after.includes(id))]).toEqual([type, []]);
    }
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');
    expect(after).toEqual(expect.arrayContaining(proxy.DependsOn ?? [])); // the proxy's role and its policy too
  });

  it('holds back the api function and the whole API until the migrations succeeded', () => {
    const [, api] = functionWithHandler(template, 'main.handler');
    const waiting = [api, ...['AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Method'].flatMap((type) => resourcesOf(template, type).map(([, r]) => r))];

    for (const resource of waiting) expect([resource.Type, resource.DependsOn]).toEqual([resource.Type, expect.arrayContaining([triggerId])]);
  });

  it('lets the trigger invoke only the runner', () => {
    const [runnerId] = functionWithHandler(template, 'migrate.handler');
    const provider = template.toJSON().Resources[logicalId(trigger.Properties?.['ServiceToken'])];
    const role = template.toJSON().Resources[logicalId(provider.Properties.Role)];

    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'Inline',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [runnerId, 'Arn'] }, ':*']] }] }],
        },
      },
    ]);
  });
});

describe('Migrations timeouts', () => {
  const migrations = (timeouts: { retryBudget?: Duration; timeout?: Duration }) => () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new Migrations(stack, 'Migrations', {
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      handler: 'index.handler',
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }),
      environment: {},
      ...timeouts,
    });
  };

  it.each([
    ['a runner timeout that leaves no time to migrate after the retries', { timeout: Duration.minutes(12) }],
    ['a runner timeout the trigger provider cannot wait for', { timeout: Duration.minutes(15), retryBudget: Duration.minutes(5) }],
  ])('refuses %s, at synth', (_name, timeouts) => {
    expect(migrations(timeouts)).toThrow(/Migration timeouts must nest/);
  });

  it('accepts the defaults and a shorter budget', () => {
    expect(migrations({})).not.toThrow();
    expect(migrations({ retryBudget: Duration.minutes(3), timeout: Duration.minutes(5) })).not.toThrow();
  });
});
