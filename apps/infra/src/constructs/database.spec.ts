import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { dirname, join } from 'node:path';
import { API_FUNCTION_TIMEOUT, API_GATEWAY_TIMEOUT } from '../serverless-app-stack';
import { stageTemplate } from '../test-app.test-util';
import {
  actionsOf,
  type CfnResource,
  functionWithHandler,
  isNoTrafficPlaceholder,
  logicalId,
  onlyResource,
  referencedIds,
  resourcesOf,
  roleStatements,
  securityGroupRules,
  type SecurityGroupRule,
  type Statement,
  subnetGroups,
} from '../template.test-util';

const groupOf = (value: unknown) => logicalId(value);
const rule = ({ peer, protocol, fromPort, toPort }: SecurityGroupRule) => ({ peer, protocol, fromPort, toPort });
const byPeer = (a: { peer: string }, b: { peer: string }) => a.peer.localeCompare(b.peer);

describe('Database (dev)', () => {
  let template: Template;
  let instanceId: string;
  let instance: CfnResource;
  let groups: { database: string; proxy: string; lambda: string; rotation: string; endpoint: string };
  let rules: SecurityGroupRule[];
  /** The database port as the rules reference it: the literal, or the instance's Endpoint.Port. */
  let dbPort: unknown[];

  beforeAll(() => {
    template = stageTemplate('dev');
    [instanceId, instance] = onlyResource(template, 'AWS::RDS::DBInstance');
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');
    const [, api] = functionWithHandler(template, 'main.handler');
    const [, endpoint] = onlyResource(template, 'AWS::EC2::VPCEndpoint');
    const rotationGroups = [...new Set(resourcesOf(template, 'AWS::Serverless::Application').map(([, r]) => groupOf((r.Properties?.['Parameters'] as Record<string, unknown>)['vpcSecurityGroupIds'])))];
    expect(rotationGroups).toHaveLength(1);
    groups = {
      database: groupOf((instance.Properties?.['VPCSecurityGroups'] as unknown[])[0]),
      proxy: groupOf((proxy.Properties?.['VpcSecurityGroupIds'] as unknown[])[0]),
      lambda: groupOf((api.Properties?.['VpcConfig'] as { SecurityGroupIds: unknown[] }).SecurityGroupIds[0]),
      rotation: rotationGroups[0] as string,
      endpoint: groupOf((endpoint.Properties?.['SecurityGroupIds'] as unknown[])[0]),
    };
    rules = securityGroupRules(template).filter((r) => !isNoTrafficPlaceholder(r));
    dbPort = [3306, { 'Fn::GetAtt': [instanceId, 'Endpoint.Port'] }];
  });

  describe('no proxy bypass', () => {
    it('admits MySQL into the database only from the proxy and the rotation functions', () => {
      const ingress = rules.filter((r) => r.group === groups.database && r.direction === 'ingress');

      expect(new Set(ingress.map((r) => r.peer))).toEqual(new Set([groups.proxy, groups.rotation]));
      for (const r of ingress) {
        expect(r.protocol).toBe('tcp');
        expect(dbPort).toContainEqual(r.fromPort);
        expect(r.toPort).toEqual(r.fromPort);
      }
      expect(instance.Properties?.['Port']).toBe('3306');
    });

    it('lets the functions\' group out to the proxy on 3306 and to the endpoint on 443, nowhere else', () => {
      const egress = rules.filter((r) => r.group === groups.lambda && r.direction === 'egress').map(rule).sort(byPeer);

      expect(egress).toEqual(
        [
          { peer: groups.proxy, protocol: 'tcp', fromPort: 3306, toPort: 3306 },
          { peer: groups.endpoint, protocol: 'tcp', fromPort: 443, toPort: 443 },
        ].sort(byPeer),
      );
      expect(rules.filter((r) => r.group === groups.lambda && r.direction === 'ingress')).toEqual([]);
    });

    it('admits only the functions\' group into the proxy, and lets the proxy out to the database only', () => {
      const ingress = rules.filter((r) => r.group === groups.proxy && r.direction === 'ingress').map(rule);
      const egress = rules.filter((r) => r.group === groups.proxy && r.direction === 'egress');

      expect(ingress).toEqual([{ peer: groups.lambda, protocol: 'tcp', fromPort: 3306, toPort: 3306 }]);
      expect(new Set(egress.map((r) => r.peer))).toEqual(new Set([groups.database]));
    });

    it('lets the rotation functions out to the database and the endpoint only', () => {
      const egress = rules.filter((r) => r.group === groups.rotation && r.direction === 'egress');

      expect(new Set(egress.map((r) => r.peer))).toEqual(new Set([groups.database, groups.endpoint]));
      expect(egress.find((r) => r.peer === groups.endpoint)).toMatchObject({ fromPort: 443, toPort: 443 });
    });
  });

  it('is RDS for MySQL 8.4 pinned to a minor version, never upgraded behind the code\'s back, never billed for Extended Support', () => {
    expect(instance.Properties).toMatchObject({ Engine: 'mysql', AutoMinorVersionUpgrade: false, EngineLifecycleSupport: 'open-source-rds-extended-support-disabled' });
    expect(instance.Properties?.['EngineVersion']).toMatch(/^8\.4\.\d+$/);
  });

  it('uses a mysql8.4 parameter group (not the 8.0 family some 8.4 constants mapped to) that requires TLS for every connection', () => {
    const [groupId, group] = onlyResource(template, 'AWS::RDS::DBParameterGroup');

    expect(group.Properties).toMatchObject({ Family: 'mysql8.4', Parameters: { require_secure_transport: 'ON' } });
    expect(instance.Properties?.['DBParameterGroupName']).toEqual({ Ref: groupId });
  });

  it('encrypts storage, keeps backups, stays private, in the rds subnets', () => {
    const [, subnetGroup] = onlyResource(template, 'AWS::RDS::DBSubnetGroup');

    expect(instance.Properties).toMatchObject({ StorageEncrypted: true, PubliclyAccessible: false, BackupRetentionPeriod: 1, CACertificateIdentifier: 'rds-ca-rsa2048-g1' });
    expect(referencedIds(subnetGroup.Properties?.['SubnetIds']).map((id) => subnetGroups(template)[id])).toEqual(['rds', 'rds']);
  });

  it('exports the error log to a log group with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/rds/instance/serverless-app-rds/error', RetentionInDays: 7 });
    expect(instance.Properties?.['EnableCloudwatchLogsExports']).toEqual(['error']);
  });

  it.each([
    ['the administrator', 'serverless-app-rds-secret', 'admin'],
    ['the app user', 'serverless-app-rds-app-secret', 'app'],
  ])('generates %s\'s credentials into %s, never a literal password, completed with the instance\'s address', (_who, name, username) => {
    const [secretId, secret] = onlyResource(template, 'AWS::SecretsManager::Secret', (r) => r.Properties?.['Name'] === name);

    expect(secret.Properties).toMatchObject({
      Name: name,
      GenerateSecretString: { GenerateStringKey: 'password', SecretStringTemplate: JSON.stringify({ username, dbname: 'serverless_app' }) },
    });
    expect(secret.Properties?.['SecretString']).toBeUndefined();
    // The attachment adds engine, host, port and dbInstanceIdentifier: both secrets have the same shape.
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { SecretId: { Ref: secretId }, TargetId: { Ref: instanceId }, TargetType: 'AWS::RDS::DBInstance' });
  });

  it('makes the administrator the instance\'s master user', () => {
    const [adminId] = onlyResource(template, 'AWS::SecretsManager::Secret', (r) => r.Properties?.['Name'] === 'serverless-app-rds-secret');

    expect(JSON.stringify(instance.Properties?.['MasterUserPassword'])).toContain(`{"Ref":"${adminId}"},":SecretString:password::}}`);
    expect(JSON.stringify(instance.Properties?.['MasterUsername'])).toContain(`{"Ref":"${adminId}"},":SecretString:username::}}`);
  });

  it('rotates both passwords on a schedule with single-user rotation functions that can reach the database and the endpoint, each with a log group of ours', () => {
    const mapping = JSON.stringify(template.toJSON().Mappings);
    const apps = resourcesOf(template, 'AWS::Serverless::Application');

    expect(apps).toHaveLength(2);
    expect(mapping).toContain('applications/SecretsManagerRDSMySQLRotationSingleUser');
    expect(mapping).not.toContain('MultiUser');
    for (const name of ['serverless-app-rds-secret', 'serverless-app-rds-app-secret']) {
      const [secretId] = onlyResource(template, 'AWS::SecretsManager::Secret', (r) => r.Properties?.['Name'] === name);
      const [attachmentId] = onlyResource(template, 'AWS::SecretsManager::SecretTargetAttachment', (r) => logicalId(r.Properties?.['SecretId']) === secretId);
      const [, schedule] = onlyResource(template, 'AWS::SecretsManager::RotationSchedule', (r) => logicalId(r.Properties?.['SecretId']) === attachmentId);
      const app = template.toJSON().Resources[logicalId(schedule.Properties?.['RotationLambdaARN'])] as CfnResource;
      const parameters = app.Properties?.['Parameters'] as Record<string, unknown>;

      expect([name, schedule.Properties]).toEqual([name, expect.objectContaining({ RotationRules: { ScheduleExpression: 'rate(30 days)' }, RotateImmediatelyOnUpdate: false })]);
      expect(referencedIds(parameters['vpcSubnetIds']).map((id) => subnetGroups(template)[id])).toEqual(['lambda', 'lambda']);
      expect(app.Type).toBe('AWS::Serverless::Application');
      const [, logGroup] = onlyResource(template, 'AWS::Logs::LogGroup', (r) => r.Properties?.['LogGroupName'] === `/aws/lambda/${String(parameters['functionName'])}`);
      expect(logGroup).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    }
    expect(groups.rotation).not.toBe(groups.lambda);
  });

  it('puts an RDS Proxy in front that requires TLS, never logs SQL, and states the client auth type for each user\'s secret', () => {
    const secretIds = resourcesOf(template, 'AWS::SecretsManager::Secret').map(([id]) => id);
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');

    expect(proxy.Properties).toMatchObject({ DBProxyName: 'serverless-app-rds-proxy', EngineFamily: 'MYSQL', RequireTLS: true, DebugLogging: false });
    const auth = proxy.Properties?.['Auth'] as Record<string, unknown>[];
    expect(auth).toHaveLength(2);
    for (const entry of auth) expect(entry).toMatchObject({ AuthScheme: 'SECRETS', ClientPasswordAuthType: 'MYSQL_CACHING_SHA2_PASSWORD', IAMAuth: 'DISABLED' });
    expect(auth.map((a) => logicalId(a['SecretArn'])).sort()).toEqual(secretIds.sort());
    expect(referencedIds(proxy.Properties?.['VpcSubnetIds']).map((id) => subnetGroups(template)[id])).toEqual(['rds', 'rds']);
  });

  it('creates the proxy only once its role may read the secrets, and registers the target only once the instance is available', () => {
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');
    const roleId = logicalId(proxy.Properties?.['RoleArn']);
    const [policyId] = onlyResource(template, 'AWS::IAM::Policy', (p) => ((p.Properties?.['Roles'] as unknown[]) ?? []).some((r) => logicalId(r) === roleId));
    const [, targetGroup] = onlyResource(template, 'AWS::RDS::DBProxyTargetGroup');

    expect(proxy.DependsOn).toEqual(expect.arrayContaining([roleId, policyId]));
    expect(targetGroup.DependsOn).toEqual(expect.arrayContaining([instanceId]));
  });

  it('keeps the proxy\'s log in a log group of ours, with a retention, made before the proxy', () => {
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');
    const [logId] = onlyResource(template, 'AWS::Logs::LogGroup', (r) => r.Properties?.['LogGroupName'] === '/aws/rds/proxy/serverless-app-rds-proxy');

    expect(template.toJSON().Resources[logId]).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    expect(proxy.DependsOn).toContain(logId);
  });

  it('gives up a borrow well before the api function times out, which is before API Gateway does', () => {
    const [, targetGroup] = onlyResource(template, 'AWS::RDS::DBProxyTargetGroup');
    const pool = targetGroup.Properties?.['ConnectionPoolConfigurationInfo'] as Record<string, number>;
    const [, api] = functionWithHandler(template, 'main.handler');
    const apiTimeout = api.Properties?.['Timeout'] as number;

    expect(pool['ConnectionBorrowTimeout']).toBeLessThan(apiTimeout);
    expect(apiTimeout).toBe(API_FUNCTION_TIMEOUT.toSeconds());
    expect(apiTimeout).toBeLessThan(API_GATEWAY_TIMEOUT.toSeconds());
    expect(pool).toMatchObject({ MaxConnectionsPercent: 90, MaxIdleConnectionsPercent: 50 });
    expect(targetGroup.Properties?.['DBInstanceIdentifiers']).toEqual([{ Ref: instanceId }]);
  });

  it('lets the proxy read the two users\' secrets and nothing else', () => {
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');
    const secretRefs = resourcesOf(template, 'AWS::SecretsManager::Secret').map(([id]) => ({ Ref: id }));
    const statements = roleStatements(template, logicalId(proxy.Properties?.['RoleArn']));

    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow' });
    expect(actionsOf(statements[0] as Statement)).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect([statements[0]?.Resource].flat()).toEqual(expect.arrayContaining(secretRefs));
    expect([statements[0]?.Resource].flat()).toHaveLength(2);
  });

  it('has no other database, proxy or secret', () => {
    for (const [type, count] of [['AWS::RDS::DBInstance', 1], ['AWS::RDS::DBProxy', 1], ['AWS::SecretsManager::Secret', 2], ['AWS::RDS::DBCluster', 0]] as const) {
      expect([type, resourcesOf(template, type).length]).toEqual([type, count]);
    }
  });
});

describe('the client driver and the proxy\'s client auth type', () => {
  // What the functions ship: libs/db connects with mysql2, bundled into the api build (the plugin is the one
  // mysql2's auth switch uses; the package exports no path to it, so it is loaded from its folder).
  const cachingSha2 = require(join(dirname(require.resolve('mysql2/package.json')), 'lib/auth_plugins/caching_sha2_password.js')) as (options?: object) => (args: { connection: { config: Record<string, unknown> } }) => (data: Buffer) => Buffer | null;
  const FULL_AUTHENTICATION = Buffer.from([4]);
  const REQUEST_PUBLIC_KEY = Buffer.from([2]);
  const scramble = Buffer.alloc(20, 7);

  it('answers caching_sha2_password over TLS by sending the password itself (no RSA key exchange with the proxy)', () => {
    const step = cachingSha2()({ connection: { config: { password: 'secret-value', ssl: {} } } });

    expect(step(scramble)).toHaveLength(32); // the scrambled token first
    expect(step(FULL_AUTHENTICATION)).toEqual(Buffer.from('secret-value\0'));
  });

  it('would ask for the server\'s RSA key without TLS, which the proxy never allows (RequireTLS)', () => {
    const step = cachingSha2()({ connection: { config: { password: 'secret-value' } } });

    step(scramble);
    expect(step(FULL_AUTHENTICATION)).toEqual(REQUEST_PUBLIC_KEY);
  });

  it('is what the template asks clients to speak', () => {
    const auth = new Capture();
    const template = stageTemplate('dev');

    template.hasResourceProperties('AWS::RDS::DBProxy', { Auth: auth, RequireTLS: true });
    expect((auth.asArray() as Record<string, unknown>[]).map((a) => a['ClientPasswordAuthType'])).toEqual(['MYSQL_CACHING_SHA2_PASSWORD', 'MYSQL_CACHING_SHA2_PASSWORD']);
  });
});

describe('Database in IAM mode', () => {
  let template: Template;

  beforeAll(() => {
    template = stageTemplate('dev', { iamAuth: true });
  });

  const connectStatements = (handler: string) => {
    const [, fn] = functionWithHandler(template, handler);
    return roleStatements(template, logicalId(fn.Properties?.['Role'])).filter((s) => [s.Action].flat().includes('rds-db:connect'));
  };

  it.each([
    ['the api', 'main.handler', 'app'],
    ['the migration runner', 'migrate.handler', 'admin'],
  ])('requires IAM auth at the proxy and lets %s connect as %s on this proxy only', (_who, handler, user) => {
    const [proxyId] = onlyResource(template, 'AWS::RDS::DBProxy');
    const connect = connectStatements(handler);

    template.hasResourceProperties('AWS::RDS::DBProxy', { Auth: [Match.objectLike({ IAMAuth: 'REQUIRED' }), Match.objectLike({ IAMAuth: 'REQUIRED' })] });
    expect(connect).toHaveLength(1);
    expect(connect[0]?.Action).toBe('rds-db:connect');
    const resource = JSON.stringify(connect[0]?.Resource);
    expect(resource).toContain(':rds-db:');
    expect(resource).toContain(`"Fn::GetAtt":["${proxyId}","DBProxyArn"]`);
    expect(resource).toMatch(new RegExp(`/${user}"\\]\\]\\}$`));
  });

  it('tells each function which user to sign tokens for', () => {
    const variables = (handler: string) => (functionWithHandler(template, handler)[1].Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;

    expect(variables('main.handler')).toMatchObject({ DB_IAM_AUTH: 'true', DB_USER: 'app' });
    expect(variables('migrate.handler')).toMatchObject({ DB_IAM_AUTH: 'true', DB_USER: 'admin' });
  });
});
