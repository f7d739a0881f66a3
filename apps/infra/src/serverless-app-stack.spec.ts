import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGES, type StageConfig } from './stages';
import { testApp } from './test-app.test-util';
import { functionWithHandler, logicalId, onlyResource, resourcesOf } from './template.test-util';

describe('ServerlessAppStack per stage', () => {
  let devApp: ReturnType<typeof testApp>;
  let dev: Template;
  let prod: Template;

  beforeAll(() => {
    devApp = testApp('dev');
    dev = Template.fromStack(devApp.stack);
    prod = Template.fromStack(testApp('prod').stack);
  });

  it('runs prod Multi-AZ with deletion protection, a larger instance and longer backups; dev single-AZ and deletable', () => {
    expect(onlyResource(prod, 'AWS::RDS::DBInstance')[1].Properties).toMatchObject({ MultiAZ: true, DeletionProtection: true, DBInstanceClass: 'db.r7g.large', BackupRetentionPeriod: 14 });
    expect(onlyResource(dev, 'AWS::RDS::DBInstance')[1].Properties).toMatchObject({ MultiAZ: false, DeletionProtection: false, DBInstanceClass: 'db.t4g.micro', BackupRetentionPeriod: 1 });
  });

  it.each([
    ['dev', () => dev, STAGES.dev],
    ['prod', () => prod, STAGES.prod],
  ] as const)('gives every log group, secret, KMS key and bucket of %s the stage\'s removal policy, and every log group its retention', (_name, template, stage) => {
    const policy = stage.retainData ? 'Retain' : 'Delete';
    const kept = ['AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::S3::Bucket'].flatMap((type) => resourcesOf(template(), type));

    expect(kept.filter(([, r]) => r.Type === 'AWS::Logs::LogGroup').length).toBeGreaterThanOrEqual(11);
    for (const [id, resource] of kept) {
      expect([id, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([id, policy, policy]);
      if (resource.Type === 'AWS::Logs::LogGroup') expect([id, resource.Properties?.['RetentionInDays']]).toEqual([id, stage.logRetentionDays]);
    }
  });

  it('gives every function of the stack, aws-cdk-lib\'s own included, a log group of ours (nothing for Lambda to create and leave behind)', () => {
    for (const template of [dev, prod]) {
      const groups = resourcesOf(template, 'AWS::Logs::LogGroup').map(([id, r]) => ({ id, name: JSON.stringify(r.Properties?.['LogGroupName'] ?? null) }));
      for (const [fnId, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
        const own = (fn.Properties?.['LoggingConfig'] as { LogGroup?: unknown } | undefined)?.LogGroup;
        const named = groups.some((g) => g.name.includes(`"/aws/lambda/",{"Ref":"${fnId}"}`));
        expect([fnId, own !== undefined || named]).toEqual([fnId, true]);
      }
    }
  });

  it('makes every custom resource wait for the providers\' log groups', () => {
    const providerGroups = resourcesOf(dev, 'AWS::Logs::LogGroup', (r) => JSON.stringify(r.Properties?.['LogGroupName'] ?? '').includes('"/aws/lambda/",{"Ref"')).map(([id]) => id);
    const custom = Object.entries(dev.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>).filter(([, r]) => r.Type.startsWith('Custom::'));

    expect(providerGroups).toHaveLength(2); // the migration trigger's provider and the VPC's default-security-group cleanup
    expect(custom.length).toBeGreaterThanOrEqual(2);
    for (const [id, resource] of custom) expect([id, resource.DependsOn]).toEqual([id, expect.arrayContaining(providerGroups)]);
  });

  it('snapshots prod\'s database and keeps its automated backups; deletes dev\'s with them', () => {
    expect(onlyResource(prod, 'AWS::RDS::DBInstance')[1]).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot', Properties: { DeleteAutomatedBackups: false } });
    expect(onlyResource(dev, 'AWS::RDS::DBInstance')[1]).toMatchObject({ DeletionPolicy: 'Delete', Properties: { DeleteAutomatedBackups: true } });
  });

  it('prefixes prod\'s physical names with the stage and keeps the workshop\'s names for dev', () => {
    const names = (t: Template) => ({
      secrets: resourcesOf(t, 'AWS::SecretsManager::Secret').map(([, r]) => r.Properties?.['Name']).sort(),
      proxy: onlyResource(t, 'AWS::RDS::DBProxy')[1].Properties?.['DBProxyName'],
      instance: onlyResource(t, 'AWS::RDS::DBInstance')[1].Properties?.['DBInstanceIdentifier'],
      api: onlyResource(t, 'AWS::ApiGateway::RestApi')[1].Properties?.['Name'],
    });

    expect(names(dev)).toEqual({ secrets: ['serverless-app-rds-app-secret', 'serverless-app-rds-secret'], proxy: 'serverless-app-rds-proxy', instance: 'serverless-app-rds', api: 'serverless-app-api' });
    expect(names(prod)).toEqual({
      secrets: ['serverless-app-prod-rds-app-secret', 'serverless-app-prod-rds-secret'],
      proxy: 'serverless-app-prod-rds-proxy',
      instance: 'serverless-app-prod-rds',
      api: 'serverless-app-prod-api',
    });
  });

  it('refuses, at synth, a reservation the declared account quota cannot hold', () => {
    const reserve = (overrides: Partial<StageConfig>) => () => testApp('dev', { overrides: { apiReservedConcurrency: { executions: 50, reason: 'a test reservation of fifty' }, ...overrides } });

    expect(reserve({ accountConcurrencyQuota: 10 })).toThrow('dev: reserved concurrency 50 does not fit the declared account quota of 10');
    expect(reserve({ accountConcurrencyQuota: 1000, apiReservedConcurrency: { executions: 56, reason: 'more than the proxy serves' } })).toThrow('more than the proxy can serve (50)');
    expect(reserve({ accountConcurrencyQuota: 150 })).not.toThrow();
  });

  it('logs less and reserves more concurrency in prod, within the account budget', () => {
    const env = (t: Template) => (functionWithHandler(t, 'main.handler')[1].Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;

    expect(env(dev)['LOG_LEVEL']).toBe('DEBUG');
    expect(env(prod)['LOG_LEVEL']).toBe('INFO');
    expect(functionWithHandler(prod, 'main.handler')[1].Properties).toMatchObject({ ReservedConcurrentExecutions: 500, MemorySize: 1024 });
    prod.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
  });

  it('outputs the API URL, the proxy endpoint, the two secrets, the alarm topic, the api\'s log group and the dashboard, and nothing else', () => {
    const [proxyId] = onlyResource(dev, 'AWS::RDS::DBProxy');
    const outputs = dev.toJSON().Outputs;
    const secretNamed = (name: string) => onlyResource(dev, 'AWS::SecretsManager::Secret', (r) => r.Properties?.['Name'] === name)[0];

    expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'ApiLogGroupName', 'ApiUrl', 'AppSecretArn', 'DashboardName', 'ProxyEndpoint', 'SecretArn']);
    expect(outputs.ApiLogGroupName.Value).toEqual({ Ref: logicalId((functionWithHandler(dev, 'main.handler')[1].Properties?.['LoggingConfig'] as { LogGroup: unknown }).LogGroup) });
    expect(outputs.DashboardName.Value).toEqual({ Ref: onlyResource(dev, 'AWS::CloudWatch::Dashboard')[0] });
    expect(outputs.SecretArn.Value).toEqual({ Ref: secretNamed('serverless-app-rds-secret') });
    expect(outputs.AppSecretArn.Value).toEqual({ Ref: secretNamed('serverless-app-rds-app-secret') });
    expect(outputs.ProxyEndpoint.Value).toEqual({ 'Fn::GetAtt': [proxyId, 'Endpoint'] });
    expect(JSON.stringify(outputs.ApiUrl.Value)).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",.*\.execute-api\./);
  });

  it('is environment-agnostic and needs no context lookup (no AWS credentials at synth)', () => {
    const { app, stack } = devApp;

    const assembly = app.synth();

    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });
});
