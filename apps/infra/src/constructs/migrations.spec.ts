import type { Template } from 'aws-cdk-lib/assertions';
import { stageTemplate } from '../test-app.test-util';
import { type CfnResource, functionWithHandler, logicalId, onlyResource, resourcesOf } from '../template.test-util';

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

  it('runs only after the database, the proxy, the secret and every network rule on the way exist', () => {
    const after = trigger.DependsOn ?? [];

    for (const type of [
      'AWS::RDS::DBInstance',
      'AWS::RDS::DBProxy',
      'AWS::RDS::DBProxyTargetGroup',
      'AWS::SecretsManager::SecretTargetAttachment',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::SecurityGroupIngress',
      'AWS::EC2::SecurityGroupEgress',
    ]) {
      expect([type, idsOf(type).filter((id) => !after.includes(id))]).toEqual([type, []]);
    }
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
