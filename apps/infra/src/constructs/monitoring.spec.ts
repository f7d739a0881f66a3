import type { Template } from 'aws-cdk-lib/assertions';
import { mysqlDefaultMaxConnections } from '../capacity';
import { API_FUNCTION_TIMEOUT } from '../serverless-app-stack';
import { STAGES, type StageConfig } from '../stages';
import { FIXTURE_METRICS, stageTemplate } from '../test-app.test-util';
import { type CfnResource, functionWithHandler, logicalId, onlyResource, resourcesOf, type Statement } from '../template.test-util';

const GIB = 1024 ** 3;

interface Dimension {
  Name: string;
  Value: unknown;
}

/** What each alarm of a stage should say, by its stable name: metric, namespace, dimensions, statistic, threshold. */
function expectedAlarms(template: Template, stage: StageConfig): Record<string, Record<string, unknown>> {
  const t = stage.alarms;
  const api = [
    { Name: 'ApiName', Value: `${stage.resourcePrefix}-api` },
    { Name: 'Stage', Value: { Ref: onlyResource(template, 'AWS::ApiGateway::Stage')[0] } },
  ];
  const fn = [{ Name: 'FunctionName', Value: { Ref: functionWithHandler(template, 'main.handler')[0] } }];
  const own = [
    { Name: FIXTURE_METRICS.dimensions.service, Value: FIXTURE_METRICS.service },
    { Name: FIXTURE_METRICS.dimensions.stage, Value: stage.name },
  ];
  const proxy = [{ Name: 'ProxyName', Value: { Ref: onlyResource(template, 'AWS::RDS::DBProxy')[0] } }];
  const db = [{ Name: 'DBInstanceIdentifier', Value: { Ref: onlyResource(template, 'AWS::RDS::DBInstance')[0] } }];
  const above = 'GreaterThanThreshold';
  const below = 'LessThanThreshold';
  return {
    ApiServerErrors: { Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: api, Statistic: 'Average', Period: 300, ComparisonOperator: above, Threshold: t.apiServerErrorPercent / 100 },
    ApiLatency: { Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: api, ExtendedStatistic: 'p99', Period: 300, ComparisonOperator: above, Threshold: t.apiLatencyP99Ms },
    LambdaErrors: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fn, Statistic: 'Sum', Period: 300, ComparisonOperator: above, Threshold: t.lambdaErrors },
    LambdaThrottles: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: fn, Statistic: 'Sum', Period: 300, ComparisonOperator: above, Threshold: t.lambdaThrottles },
    LambdaDuration: {
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: fn,
      ExtendedStatistic: 'p99',
      Period: 300,
      ComparisonOperator: above,
      Threshold: (API_FUNCTION_TIMEOUT.toMilliseconds() * t.lambdaDurationP99PercentOfTimeout) / 100,
    },
    CredentialRefreshFailures: { Namespace: FIXTURE_METRICS.namespace, MetricName: 'CredentialRefreshFailures', Dimensions: own, Statistic: 'Sum', Period: 300, ComparisonOperator: above, Threshold: t.credentialRefreshFailures },
    StatementOutcomeUnknown: { Namespace: FIXTURE_METRICS.namespace, MetricName: 'StatementOutcomeUnknown', Dimensions: own, Statistic: 'Sum', Period: 300, ComparisonOperator: above, Threshold: t.statementOutcomeUnknown },
    ProxySessionsPinned: {
      Namespace: 'AWS/RDS',
      MetricName: 'DatabaseConnectionsCurrentlySessionPinned',
      Dimensions: proxy,
      Statistic: 'Sum',
      Period: 60,
      ComparisonOperator: above,
      Threshold: 0,
      EvaluationPeriods: t.proxyPinnedMinutes,
      DatapointsToAlarm: t.proxyPinnedMinutes,
    },
    ProxyBorrowLatency: { Namespace: 'AWS/RDS', MetricName: 'DatabaseConnectionsBorrowLatency', Dimensions: proxy, Statistic: 'Average', Period: 300, ComparisonOperator: above, Threshold: t.proxyBorrowLatencyMs * 1000 },
    ProxyFailedAuth: { Namespace: 'AWS/RDS', MetricName: 'ClientConnectionsSetupFailedAuth', Dimensions: proxy, Statistic: 'Sum', Period: 300, ComparisonOperator: above, Threshold: t.proxyFailedAuths },
    ProxyAvailability: {
      Namespace: 'AWS/RDS',
      MetricName: 'AvailabilityPercentage',
      // The metric exists only per target group and role (the proxy's one target group is `default`).
      Dimensions: [...proxy, { Name: 'TargetGroup', Value: 'default' }, { Name: 'TargetRole', Value: 'READ_WRITE' }],
      Statistic: 'Average',
      Period: 60,
      ComparisonOperator: below,
      Threshold: t.proxyAvailabilityPercent,
      EvaluationPeriods: 3,
    },
    DatabaseCpu: { Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Dimensions: db, Statistic: 'Average', Period: 300, ComparisonOperator: above, Threshold: t.databaseCpuPercent, EvaluationPeriods: 3 },
    DatabaseFreeStorage: { Namespace: 'AWS/RDS', MetricName: 'FreeStorageSpace', Dimensions: db, Statistic: 'Minimum', Period: 300, ComparisonOperator: below, Threshold: t.databaseFreeStorageGiB * GIB },
    DatabaseConnections: {
      Namespace: 'AWS/RDS',
      MetricName: 'DatabaseConnections',
      Dimensions: db,
      Statistic: 'Maximum',
      Period: 300,
      ComparisonOperator: above,
      Threshold: Math.floor((mysqlDefaultMaxConnections(stage.instanceType) * t.databaseConnectionsPercent) / 100),
    },
  };
}

const byName = (a: Dimension, b: Dimension) => a.Name.localeCompare(b.Name);

/** The alarms of a template by their stable name (the alarm name without the stage's prefix). */
function alarmsByName(template: Template, stage: StageConfig): Record<string, CfnResource> {
  return Object.fromEntries(
    resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => [String(alarm.Properties?.['AlarmName']).replace(`${stage.resourcePrefix}-`, ''), alarm]),
  );
}

describe.each([['dev'], ['prod']] as const)('Monitoring (%s)', (stageName) => {
  const stage = STAGES[stageName];
  let template: Template;
  let topicId: string;

  beforeAll(() => {
    template = stageTemplate(stageName);
    topicId = onlyResource(template, 'AWS::SNS::Topic')[0];
  });

  it('has exactly these alarms, each named <prefix>-<stable name>', () => {
    const names = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => String(a.Properties?.['AlarmName']));

    expect(names.sort()).toEqual(Object.keys(expectedAlarms(template, stage)).map((n) => `${stage.resourcePrefix}-${n}`).sort());
  });

  it.each(Object.keys(expectedAlarms(stageTemplate('dev'), STAGES.dev)))('alarms on %s: its metric, namespace, dimensions, statistic and the stage\'s threshold', (name) => {
    const { Dimensions, ...rest } = expectedAlarms(template, stage)[name] as { Dimensions: Dimension[] };
    const alarm = alarmsByName(template, stage)[name];

    expect(alarm?.Properties).toMatchObject({ EvaluationPeriods: 1, TreatMissingData: 'notBreaching', ...rest });
    expect([...(alarm?.Properties?.['Dimensions'] as Dimension[])].sort(byName)).toEqual([...Dimensions].sort(byName));
    expect(String(alarm?.Properties?.['AlarmDescription']).length).toBeGreaterThan(30);
  });

  it('notifies the one topic when any alarm fires and when it recovers, and nothing else', () => {
    for (const [id, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
      expect([id, alarm.Properties?.['AlarmActions'], alarm.Properties?.['OKActions']]).toEqual([id, [{ Ref: topicId }], [{ Ref: topicId }]]);
    }
  });

  it('sends Secrets Manager\'s RotationFailed service event for the admin and the app secrets, and only those, to the topic', () => {
    const [, rule] = onlyResource(template, 'AWS::Events::Rule');
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret').map(([id]) => ({ Ref: id }));
    const [queueId] = onlyResource(template, 'AWS::SQS::Queue');

    expect(secrets).toHaveLength(2);
    expect(rule.Properties).toMatchObject({
      Name: `${stage.resourcePrefix}-SecretRotationFailed`,
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['RotationFailed'], additionalEventData: { SecretId: expect.arrayContaining(secrets) } },
      },
      Targets: [expect.objectContaining({ Arn: { Ref: topicId }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } })],
    });
    expect((rule.Properties?.['EventPattern'] as { detail: { additionalEventData: { SecretId: unknown[] } } }).detail.additionalEventData.SecretId).toHaveLength(2);
  });

  it('encrypts the topic with a rotated key of its own that CloudWatch and EventBridge of this account may use, and lets both publish over TLS only', () => {
    const [, topic] = onlyResource(template, 'AWS::SNS::Topic');
    const [keyId, key] = onlyResource(template, 'AWS::KMS::Key');
    const keyStatements = (key.Properties?.['KeyPolicy'] as { Statement: (Statement & { Principal: { Service?: string } })[] }).Statement;
    const [, topicPolicy] = onlyResource(template, 'AWS::SNS::TopicPolicy');
    const topicStatements = (topicPolicy.Properties?.['PolicyDocument'] as { Statement: (Statement & { Principal: unknown })[] }).Statement;

    expect(topic.Properties).toMatchObject({ TopicName: `${stage.resourcePrefix}-alarms` });
    expect(logicalId(topic.Properties?.['KmsMasterKeyId'])).toBe(keyId);
    expect(key.Properties?.['EnableKeyRotation']).toBe(true);
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(keyStatements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: service },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
      );
      expect(topicStatements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: service }, Action: 'sns:Publish', Resource: { Ref: topicId } }));
    }
    expect(topicStatements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('subscribes no e-mail address unless the stage names one', () => {
    expect(resourcesOf(template, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it('shows every alarm on one dashboard, layer by layer: API, Lambda, the api metrics, the proxy, the database', () => {
    const [, dashboard] = onlyResource(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties?.['DashboardBody']);
    const headings = ['## API (API Gateway)', '## Lambda (the api function)', `## api metrics (${FIXTURE_METRICS.namespace})`, '## RDS Proxy', '## Database (RDS for MySQL)'];

    expect(dashboard.Properties?.['DashboardName']).toBe(`${stage.resourcePrefix}-operations`);
    const positions = headings.map((h) => body.indexOf(h));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const [id] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) expect([id, body.includes(`"${id}"`)]).toEqual([id, true]);
    for (const name of Object.keys(FIXTURE_METRICS.metrics)) expect([name, body.includes(name)]).toEqual([name, true]);
    expect(body).toContain('SecretRotationFailed');
    // The api writes its metrics as sums: none is charted as an average of sums.
    const unescaped = body.replace(/\\+"/g, '"');
    for (const name of Object.keys(FIXTURE_METRICS.metrics)) {
      const series = new RegExp(`"${FIXTURE_METRICS.namespace}","${name}",[^\\]]*"stat":"(\\w+)"`).exec(unescaped);
      if (series) expect([name, series[1]]).toEqual([name, 'Sum']);
    }
    expect(unescaped).toMatch(/"PoolWaitMs",[^\]]*"stat":"Sum"/);
  });
});

describe('Monitoring with an alarm e-mail address', () => {
  it('subscribes it to the topic', () => {
    const template = stageTemplate('prod', { alarmEmail: 'ops@example.com' });
    const [topicId] = onlyResource(template, 'AWS::SNS::Topic');

    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } });
  });
});
