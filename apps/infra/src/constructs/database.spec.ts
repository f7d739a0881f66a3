import { Match, type Template } from 'aws-cdk-lib/assertions';
import { API_FUNCTION_TIMEOUT, API_GATEWAY_TIMEOUT } from '../serverless-app-stack';
import { stageTemplate } from '../test-app.test-util';
import {
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
    const [, rotation] = onlyResource(template, 'AWS::Serverless::Application');
    const [, endpoint] = onlyResource(template, 'AWS::EC2::VPCEndpoint');
    groups = {
      database: groupOf((instance.Properties?.['VPCSecurityGroups'] as unknown[])[0]),
      proxy: groupOf((proxy.Properties?.['VpcSecurityGroupIds'] as unknown[])[0]),
      lambda: groupOf((api.Properties?.['VpcConfig'] as { SecurityGroupIds: unknown[] }).SecurityGroupIds[0]),
      rotation: groupOf((rotation.Properties?.['Parameters'] as Record<string, unknown>)['vpcSecurityGroupIds']),
      endpoint: groupOf((endpoint.Properties?.['SecurityGroupIds'] as unknown[])[0]),
    };
    rules = securityGroupRules(template).filter((r) => !isNoTrafficPlaceholder(r));
    dbPort = [3306, { 'Fn::GetAtt': [instanceId, 'Endpoint.Port'] }];
  });

  describe('no proxy bypass', () => {
    it('admits MySQL into the database only from the proxy and the rotation function', () => {
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

    it('lets the rotation function out to the database and the endpoint only', () => {
      const egress = rules.filter((r) => r.group === groups.rotation && r.direction === 'egress');

      expect(new Set(egress.map((r) => r.peer))).toEqual(new Set([groups.database, groups.endpoint]));
      expect(egress.find((r) => r.peer === groups.endpoint)).toMatchObject({ fromPort: 443, toPort: 443 });
    });
  });

  it('is RDS for MySQL 8.0 pinned to a minor version, never upgraded behind the code\'s back', () => {
    expect(instance.Properties).toMatchObject({ Engine: 'mysql', AutoMinorVersionUpgrade: false, EngineLifecycleSupport: 'open-source-rds-extended-support' });
    expect(instance.Properties?.['EngineVersion']).toMatch(/^8\.0\.\d+$/);
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

  it('generates the credentials into the serverless-app-rds-secret secret, never a literal password', () => {
    const [secretId, secret] = onlyResource(template, 'AWS::SecretsManager::Secret');

    expect(secret.Properties).toMatchObject({
      Name: 'serverless-app-rds-secret',
      GenerateSecretString: { GenerateStringKey: 'password', SecretStringTemplate: JSON.stringify({ username: 'admin', dbname: 'serverless_app' }) },
    });
    expect(secret.Properties?.['SecretString']).toBeUndefined();
    expect(JSON.stringify(instance.Properties?.['MasterUserPassword'])).toContain(`{"Ref":"${secretId}"},":SecretString:password::}}`);
  });

  it('rotates the password on a schedule with a single-user rotation function that can reach the database and the endpoint', () => {
    const [attachmentId] = onlyResource(template, 'AWS::SecretsManager::SecretTargetAttachment', (r) => logicalId(r.Properties?.['TargetId']) === instanceId);
    const [rotationAppId, rotationApp] = onlyResource(template, 'AWS::Serverless::Application');
    const parameters = rotationApp.Properties?.['Parameters'] as Record<string, unknown>;
    const mapping = template.toJSON().Mappings;

    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: attachmentId },
      RotationLambdaARN: { 'Fn::GetAtt': [rotationAppId, 'Outputs.RotationLambdaARN'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
    expect(JSON.stringify(mapping)).toContain('applications/SecretsManagerRDSMySQLRotationSingleUser');
    expect(referencedIds(parameters['vpcSubnetIds']).map((id) => subnetGroups(template)[id])).toEqual(['lambda', 'lambda']);
    expect(groups.rotation).not.toBe(groups.lambda);
  });

  it('puts an RDS Proxy in front that requires TLS, never logs SQL, and authenticates clients explicitly', () => {
    const [secretId] = onlyResource(template, 'AWS::SecretsManager::Secret');
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');

    expect(proxy.Properties).toMatchObject({
      DBProxyName: 'serverless-app-rds-proxy',
      EngineFamily: 'MYSQL',
      RequireTLS: true,
      DebugLogging: false,
      Auth: [{ AuthScheme: 'SECRETS', ClientPasswordAuthType: 'MYSQL_CACHING_SHA2_PASSWORD', IAMAuth: 'DISABLED', SecretArn: { Ref: secretId } }],
    });
    expect(referencedIds(proxy.Properties?.['VpcSubnetIds']).map((id) => subnetGroups(template)[id])).toEqual(['rds', 'rds']);
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

  it('lets the proxy read only its secret', () => {
    const [, proxy] = onlyResource(template, 'AWS::RDS::DBProxy');
    const [secretId] = onlyResource(template, 'AWS::SecretsManager::Secret');
    const statements = roleStatements(template, logicalId(proxy.Properties?.['RoleArn']));

    expect(statements).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: secretId } }]);
  });

  it('alarms when proxy sessions stay pinned', () => {
    const [proxyId] = onlyResource(template, 'AWS::RDS::DBProxy');

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/RDS',
      MetricName: 'DatabaseConnectionsCurrentlySessionPinned',
      Dimensions: [{ Name: 'ProxyName', Value: { Ref: proxyId } }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [Match.objectLike({ Ref: Match.anyValue() })],
    });
  });

  it('has no other database, proxy or secret', () => {
    for (const type of ['AWS::RDS::DBInstance', 'AWS::RDS::DBProxy', 'AWS::SecretsManager::Secret', 'AWS::RDS::DBCluster']) {
      expect([type, resourcesOf(template, type).length]).toEqual([type, type === 'AWS::RDS::DBCluster' ? 0 : 1]);
    }
  });
});

describe('Database in IAM mode', () => {
  let template: Template;

  beforeAll(() => {
    template = stageTemplate('dev', { iamAuth: true });
  });

  it('requires IAM auth at the proxy and lets the clients connect as the app user on this proxy only', () => {
    const [proxyId] = onlyResource(template, 'AWS::RDS::DBProxy');
    const [, api] = functionWithHandler(template, 'main.handler');
    const connect = roleStatements(template, logicalId(api.Properties?.['Role'])).filter((s) => [s.Action].flat().includes('rds-db:connect'));

    template.hasResourceProperties('AWS::RDS::DBProxy', { Auth: [Match.objectLike({ IAMAuth: 'REQUIRED' })] });
    expect(connect).toHaveLength(1);
    expect(connect[0]?.Action).toBe('rds-db:connect');
    const resource = JSON.stringify(connect[0]?.Resource);
    expect(resource).toContain(':rds-db:');
    expect(resource).toContain(`"Fn::GetAtt":["${proxyId}","DBProxyArn"]`);
    expect(resource).toMatch(/\/admin"\]\]\}$/);
  });

  it('tells the functions to sign tokens for the app user', () => {
    const [, api] = functionWithHandler(template, 'main.handler');

    expect((api.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables).toMatchObject({ DB_IAM_AUTH: 'true', DB_USER: 'admin' });
  });
});
