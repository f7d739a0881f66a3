import type { Template } from 'aws-cdk-lib/assertions';
import { mysqlDefaultMaxConnections } from '../capacity';
import { MIGRATION_CONNECTIONS } from '../serverless-app-stack';
import { STAGES } from '../stages';
import { stageTemplate } from '../test-app.test-util';
import { actionsOf, type CfnResource, functionWithHandler, logicalId, onlyResource, referencedIds, roleStatements, subnetGroups } from '../template.test-util';
import { VPC_NETWORK_INTERFACE_ACTIONS } from './vpc-function';

const ENI_ACTIONS = [...VPC_NETWORK_INTERFACE_ACTIONS].sort();

let template: Template;

beforeAll(() => {
  template = stageTemplate('dev');
});

const secretNamed = (name: string) => onlyResource(template, 'AWS::SecretsManager::Secret', (r) => r.Properties?.['Name'] === name)[0];

describe.each([
  ['the api function', 'main.handler', 'serverless-app-api', 'app'],
  ['the migration runner', 'migrate.handler', 'serverless-app-migrate', 'admin'],
] as const)('%s (dev)', (_name, handler, serviceName, user) => {
  let fn: CfnResource;
  let ids: { secret: string; appSecret: string; proxy: string; logGroup: string; role: string };

  beforeAll(() => {
    [, fn] = functionWithHandler(template, handler);
    ids = {
      secret: secretNamed(user === 'app' ? 'serverless-app-rds-app-secret' : 'serverless-app-rds-secret'),
      appSecret: secretNamed('serverless-app-rds-app-secret'),
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

  it(`is configured from the stage and the database, as ${user}, with exactly the variables the api validates`, () => {
    expect((fn.Properties?.['Environment'] as { Variables: unknown }).Variables).toEqual({
      ...(user === 'admin' ? { DB_APP_SECRET_ID: { Ref: ids.appSecret }, MIGRATE_RETRY_BUDGET_MS: String(12 * 60_000) } : {}),
      DB_SECRET_ID: { Ref: ids.secret },
      DB_HOST: { 'Fn::GetAtt': [ids.proxy, 'Endpoint'] },
      DB_PORT: '3306',
      DB_NAME: 'serverless_app',
      DB_TLS: 'verify',
      DB_IAM_AUTH: 'false',
      LOG_LEVEL: 'DEBUG',
      NODE_ENV: 'production',
      POWERTOOLS_SERVICE_NAME: serviceName,
      ...(user === 'app' ? { STAGE: 'dev', TRACING: 'on' } : {}),
    });
  });

  it('logs to its own log group, kept for the stage\'s retention', () => {
    expect(template.toJSON().Resources[ids.logGroup]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' });
  });

  it(`may do exactly this: write its logs, manage its VPC interfaces, send traces, read ${user === 'app' ? 'the app secret' : 'both secrets'}`, () => {
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
      ]),
    );
    const secretReads = statements.filter((st) => st.Action.some((a) => a.startsWith('secretsmanager:')));
    expect(secretReads.map((st) => st.Action)).toEqual(secretReads.map(() => ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']));
    expect(secretReads.flatMap((st) => [st.Resource].flat())).toEqual(expect.arrayContaining(user === 'app' ? [{ Ref: ids.secret }] : [{ Ref: ids.secret }, { Ref: ids.appSecret }]));
    expect(secretReads.flatMap((st) => [st.Resource].flat())).toHaveLength(user === 'app' ? 1 : 2);
    expect(statements).toHaveLength(4 + secretReads.length);
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

  it('reserves no concurrency in dev, whose account may be new (a quota of 10 leaves nothing to reserve)', () => {
    const [, fn] = functionWithHandler(template, 'main.handler');

    expect(fn.Properties?.['ReservedConcurrentExecutions']).toBeUndefined();
  });

  it('turns the api\'s statement subsegments on or off by the stage (on in dev, off in prod)', () => {
    const api = (stage: 'dev' | 'prod') => (functionWithHandler(stageTemplate(stage), 'main.handler')[1].Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;

    expect([api('dev')['TRACING'], api('prod')['TRACING']]).toEqual([STAGES.dev.apiTracing, STAGES.prod.apiTracing]);
    expect([STAGES.dev.apiTracing, STAGES.prod.apiTracing]).toEqual(['on', 'off']);
  });

  it('reserves what prod asks for, no more than the proxy has connections for', () => {
    const prod = stageTemplate('prod');
    const [, fn] = functionWithHandler(prod, 'main.handler');
    const [, instance] = onlyResource(prod, 'AWS::RDS::DBInstance');
    const [, targetGroup] = onlyResource(prod, 'AWS::RDS::DBProxyTargetGroup');
    const percent = (targetGroup.Properties?.['ConnectionPoolConfigurationInfo'] as { MaxConnectionsPercent: number }).MaxConnectionsPercent;
    const proxyConnections = Math.floor((mysqlDefaultMaxConnections(String(instance.Properties?.['DBInstanceClass']).replace(/^db\./, '')) * percent) / 100);
    const reserved = fn.Properties?.['ReservedConcurrentExecutions'] as number;

    expect(reserved).toBe(STAGES.prod.apiReservedConcurrency?.executions);
    expect(reserved + MIGRATION_CONNECTIONS).toBeLessThanOrEqual(proxyConnections);
  });

  it('runs the migration runner with no reserved concurrency, for up to 14 minutes', () => {
    const [, runner] = functionWithHandler(template, 'migrate.handler');

    expect(runner.Properties).toMatchObject({ Timeout: 840, MemorySize: 256 });
    expect(runner.Properties?.['ReservedConcurrentExecutions']).toBeUndefined();
  });
});
