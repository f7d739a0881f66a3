import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cdkJsonContext, testApp } from './test-app.test-util';

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string; description: string; violatingResources: { constructPath?: string }[] }[] }[];
}

/**
 * Everything synthesis reports about an app, one line each: cdk-nag findings and aws-cdk-lib's own template
 * validation (unpinned engine version, deprecated runtime, ...) of any severity, and warning annotations.
 * Synthesis failing (an unacknowledged error-level finding) is reported too.
 */
function synthFindings(app: App): string[] {
  const annotations = (root: IConstruct) =>
    root.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning' || m.type === 'aws:cdk:error').map((m) => `${c.node.path}: ${String(m.data)}`));
  let directory: string;
  try {
    directory = app.synth().directory;
  } catch (error) {
    return [(error as Error).message, ...annotations(app)];
  }
  const report = JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  const violations = report.pluginReports.flatMap((r) =>
    r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}: ${v.description} (${v.violatingResources.map((x) => x.constructPath).join(', ')})`),
  );
  return [...violations, ...annotations(app)];
}

/** The cdk-nag acknowledgements of an app: `path rule` → reason. */
function acknowledgements(app: App, stackName: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata.filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        if (/^(AwsSolutions|Serverless)-/.test(rule)) found[`${c.node.path.replace(`${stackName}/`, '')} ${rule}`] = reason;
      }
    }
  }
  return found;
}

const ACKNOWLEDGED_EVERY_STAGE = [
  'Api AwsSolutions-APIG2',
  'Api AwsSolutions-APIG3',
  'Api AwsSolutions-APIG4',
  'Api AwsSolutions-COG4',
  'Api AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  'ApiFunction/Function Serverless-LambdaDLQ',
  'ApiFunction/Role AwsSolutions-IAM5[Resource::*]',
  'ApiFunction/Role Serverless-LambdaStarPermissions',
  'Database/Instance AwsSolutions-RDS11',
  'Migrations/Runner/Function Serverless-LambdaDLQ',
  'Migrations/Runner/Role AwsSolutions-IAM5[Resource::*]',
  'Migrations/Runner/Role Serverless-LambdaStarPermissions',
  'Monitoring/Alarms/DeadLetters AwsSolutions-SQS3',
  'Monitoring/Alarms/DeadLetters Serverless-SQSRedrivePolicy',
];

describe.each([
  ['dev', [...ACKNOWLEDGED_EVERY_STAGE, 'Database/Instance AwsSolutions-RDS10', 'Database/Instance AwsSolutions-RDS3']],
  ['prod', ACKNOWLEDGED_EVERY_STAGE],
] as const)('the %s stage', (stageName, expectedAcknowledgements) => {
  let app: App;
  let findings: string[];

  beforeAll(() => {
    ({ app } = testApp(stageName, { validate: true }));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    findings = synthFindings(app);
  }, 120_000);

  it('synthesises with no unacknowledged cdk-nag finding (AwsSolutions, Serverless) and no warning of aws-cdk-lib', () => {
    expect(findings).toEqual([]);
  });

  it('acknowledges only these findings, where they arise, each with its own reason', () => {
    const found = acknowledgements(app, `ServerlessApp-${stageName}`);

    expect(Object.keys(found).sort()).toEqual([...expectedAcknowledgements].sort());
    for (const [key, reason] of Object.entries(found)) expect([key, reason.length >= 60]).toEqual([key, true]);
  });
});

describe('synthFindings', () => {
  it('reports an unpinned engine version and a deprecated runtime, so the check above can fail', () => {
    const app = new App({ context: cdkJsonContext() });
    const stack = new Stack(app, 'Careless');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new rds.DatabaseInstance(stack, 'Db', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, storageEncrypted: true, engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }) });
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });

    const findings = synthFindings(app).join('\n');

    expect(findings).toMatch(/EngineVersion: '8\.0' is not one of/);
    expect(findings).toMatch(/Runtime 'nodejs20\.x' was deprecated/);
  });
});
