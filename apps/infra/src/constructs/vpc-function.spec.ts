import type { Template } from 'aws-cdk-lib/assertions';
import { mysqlDefaultMaxConnections } from '../capacity';
import { MIGRATION_CONNECTIONS } from '../serverless-app-stack';
import { stageTemplate } from '../test-app.test-util';
import { actionsOf, type CfnResource, functionWithHandler, logicalId, onlyResource, referencedIds, roleStatements, subnetGroups } from '../template.test-util';
import { VPC_NETWORK_INTERFACE_ACTIONS } from './vpc-function';

const ENI_ACTIONS = [...VPC_NETWORK_INTERFACE_ACTIONS].sort();

let template: Template;

beforeAll(() => {
  template = stageTemplate('dev');
});

describe.each([
  ['the api function', 'main.handler', 'serverless-app-api'],
  ['the migration runner', 'migrate.handler', 'serverless-app-migrate'],
])('%s (dev)', (_name, handler, serviceName) => {
  let fn: CfnResource;
  let ids: { secret: string; proxy: string; logGroup: string; role: string };

  beforeAll(() => {
    [, fn] = functionWithHandler(template, handler);
    ids = {
      secret: onlyResource(template, 'AWS::SecretsManager::Secret')[0],
      proxy: onlyResource(template, 'AWS::RDS::DBProxy')[0],
      logGroup: logicalId((fn.Properties?.['LoggingConfig'] as { LogGroup: unknown }).LogGroup),
      role: logicalId(fn.Properties?.['Role']),
    };
  });

  it('runs Node.js 22 or newer on arm64, traced, in the lambda subnets with the database clients\' group', () => {
    const runtime = /^nodejs(\d+)\.x$/.exec(String(fn.Properties?.['Runtime']));
    const vpc = fn.Properties?.['VpcConfig'] as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };

    expect(Number(runtime?.[1])).toBeGreaterThanOrEqual(22);
    expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    expect(referencedIds(vpc.SubnetIds).map((id) => subnetGroups(template)[id])).toEqual(['lambda', 'lambda']);
    expect(vpc.SecurityGroupIds).toHaveLength(1);
  });

  it('is configured from the stage and the database, with exactly the variables the api validates', () => {
    expect((fn.Properties?.['Environment'] as { Variables: unknown }).Variables).toEqual({
      DB_SECRET_ID: { Ref: ids.secret },
      DB_HOST: { 'Fn::GetAtt': [ids.proxy, 'Endpoint'] },
      DB_PORT: '3306',
      DB_NAME: 'serverless_app',
      DB_TLS: 'verify',
      DB_IAM_AUTH: 'false',
      LOG_LEVEL: 'DEBUG',
      NODE_ENV: 'production',
      POWERTOOLS_SERVICE_NAME: serviceName,
    });
  });

  it('logs to its own log group, kept for the stage\'s retention', () => {
    expect(template.toJSON().Resources[ids.logGroup]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
  });

  it('may do exactly this: write its logs, manage its VPC interfaces, send traces, read the one secret', () => {
    const statements = roleStatements(template, ids.role).map((s) => ({ ...s, Action: actionsOf(s) }));
    const role = template.toJSON().Resources[ids.role];

    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(statements).toEqual(
      expect.arrayContaining([
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [ids.logGroup, 'Arn'] } },
        { Sid: 'ManageVpcNetworkInterfaces', Effect: 'Allow', Action: ENI_ACTIONS, Resource: '*' },
        {
          Sid: 'DenyNetworkInterfacesToFunctionCode',
          Effect: 'Deny',
          Action: ENI_ACTIONS,
          Resource: '*',
          Condition: { Null: { 'lambda:SourceFunctionArn': 'false' } },
        },
        { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
        { Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: ids.secret } },
      ]),
    );
    expect(statements).toHaveLength(5);
  });

  it('uses resource "*" only for the VPC interface and X-Ray actions, which AWS offers no narrower resource for', () => {
    const star = roleStatements(template, ids.role).filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')));

    for (const statement of star) {
      expect([...ENI_ACTIONS, 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']).toEqual(expect.arrayContaining(actionsOf(statement)));
    }
  });
});

describe('the api function\'s capacity (dev)', () => {
  it('has explicit memory and a timeout below API Gateway\'s 29 s', () => {
    const [, fn] = functionWithHandler(template, 'main.handler');

    expect(fn.Properties).toMatchObject({ MemorySize: 512, Timeout: 15 });
  });

  it('reserves no more concurrency than the proxy has connections for it', () => {
    const [, fn] = functionWithHandler(template, 'main.handler');
    const [, instance] = onlyResource(template, 'AWS::RDS::DBInstance');
    const [, targetGroup] = onlyResource(template, 'AWS::RDS::DBProxyTargetGroup');
    const percent = (targetGroup.Properties?.['ConnectionPoolConfigurationInfo'] as { MaxConnectionsPercent: number }).MaxConnectionsPercent;
    const proxyConnections = Math.floor((mysqlDefaultMaxConnections(String(instance.Properties?.['DBInstanceClass']).replace(/^db\./, '')) * percent) / 100);
    const reserved = fn.Properties?.['ReservedConcurrentExecutions'] as number;

    expect(reserved).toBe(50);
    expect(reserved + MIGRATION_CONNECTIONS).toBeLessThanOrEqual(proxyConnections);
  });

  it('runs one migration runner at a time, for up to five minutes', () => {
    const [, runner] = functionWithHandler(template, 'migrate.handler');

    expect(runner.Properties).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 300, MemorySize: 256 });
  });
});
