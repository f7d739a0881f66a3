import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { testApp } from './test-app.test-util';
import { functionWithHandler, onlyResource, resourcesOf } from './template.test-util';

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

  it('snapshots prod\'s database and keeps its secret and logs on delete; deletes all of dev\'s', () => {
    expect(onlyResource(prod, 'AWS::RDS::DBInstance')[1]).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    expect(onlyResource(prod, 'AWS::SecretsManager::Secret')[1]).toMatchObject({ DeletionPolicy: 'Retain' });
    expect(onlyResource(prod, 'AWS::RDS::DBInstance')[1].Properties).toMatchObject({ DeleteAutomatedBackups: false });
    for (const [, logGroup] of resourcesOf(prod, 'AWS::Logs::LogGroup')) expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });

    expect(onlyResource(dev, 'AWS::RDS::DBInstance')[1]).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(onlyResource(dev, 'AWS::SecretsManager::Secret')[1]).toMatchObject({ DeletionPolicy: 'Delete' });
    for (const [, logGroup] of resourcesOf(dev, 'AWS::Logs::LogGroup')) expect(logGroup).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
  });

  it('prefixes prod\'s physical names with the stage and keeps the workshop\'s names for dev', () => {
    const names = (t: Template) => ({
      secret: onlyResource(t, 'AWS::SecretsManager::Secret')[1].Properties?.['Name'],
      proxy: onlyResource(t, 'AWS::RDS::DBProxy')[1].Properties?.['DBProxyName'],
      instance: onlyResource(t, 'AWS::RDS::DBInstance')[1].Properties?.['DBInstanceIdentifier'],
      api: onlyResource(t, 'AWS::ApiGateway::RestApi')[1].Properties?.['Name'],
    });

    expect(names(dev)).toEqual({ secret: 'serverless-app-rds-secret', proxy: 'serverless-app-rds-proxy', instance: 'serverless-app-rds', api: 'serverless-app-api' });
    expect(names(prod)).toEqual({ secret: 'serverless-app-prod-rds-secret', proxy: 'serverless-app-prod-rds-proxy', instance: 'serverless-app-prod-rds', api: 'serverless-app-prod-api' });
  });

  it('logs less and reserves more concurrency in prod, within the account budget', () => {
    const env = (t: Template) => (functionWithHandler(t, 'main.handler')[1].Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;

    expect(env(dev)['LOG_LEVEL']).toBe('DEBUG');
    expect(env(prod)['LOG_LEVEL']).toBe('INFO');
    expect(functionWithHandler(prod, 'main.handler')[1].Properties).toMatchObject({ ReservedConcurrentExecutions: 500, MemorySize: 1024 });
    prod.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
  });

  it('outputs the API URL, the proxy endpoint, the secret and the alarm topic, and nothing else', () => {
    const [proxyId] = onlyResource(dev, 'AWS::RDS::DBProxy');
    const outputs = dev.toJSON().Outputs;

    expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'ApiUrl', 'ProxyEndpoint', 'SecretArn']);
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
