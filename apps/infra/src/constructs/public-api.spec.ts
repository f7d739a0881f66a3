import type { Template } from 'aws-cdk-lib/assertions';
import { join } from 'node:path';
import { apiThrottle } from '../capacity';
import { loadRoutes } from '../routes';
import { EXPECTED_P99_LATENCY_SECONDS } from '../serverless-app-stack';
import { stageTemplate, workspaceRoot } from '../test-app.test-util';
import { functionWithHandler, logicalId, onlyResource, resourcesOf } from '../template.test-util';

interface ApiNode {
  pathPart: string;
  children: ApiNode[];
  methods: Map<string, { Integration?: { Type?: string; Uri?: unknown }; AuthorizationType?: string }>;
}

/** The API's resource tree, rebuilt from the template. */
function resourceTree(template: Template): ApiNode {
  const [restApiId] = onlyResource(template, 'AWS::ApiGateway::RestApi');
  const nodes = new Map<string, ApiNode>([['root', { pathPart: '', children: [], methods: new Map() }]]);
  const parentKey = (parent: unknown) => (JSON.stringify(parent) === JSON.stringify({ 'Fn::GetAtt': [restApiId, 'RootResourceId'] }) ? 'root' : logicalId(parent));
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  for (const [id, r] of resources) nodes.set(id, { pathPart: String(r.Properties?.['PathPart']), children: [], methods: new Map() });
  for (const [id, r] of resources) nodes.get(parentKey(r.Properties?.['ParentId']))?.children.push(nodes.get(id) as ApiNode);
  for (const [, m] of resourcesOf(template, 'AWS::ApiGateway::Method')) {
    nodes.get(parentKey(m.Properties?.['ResourceId']))?.methods.set(String(m.Properties?.['HttpMethod']), m.Properties as never);
  }
  return nodes.get('root') as ApiNode;
}

/** Where API Gateway routes a request: literal segments first, then a {param}, then a greedy {proxy+}; no backtracking. */
function route(tree: ApiNode, method: string, path: string): { resource: string; method: string } | undefined {
  let node = tree;
  const matched: string[] = [];
  const segments = path.split('/').filter(Boolean);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const next =
      node.children.find((c) => c.pathPart === segment) ??
      node.children.find((c) => /^\{[^+]+\}$/.test(c.pathPart)) ??
      node.children.find((c) => c.pathPart.endsWith('+}'));
    if (!next) return undefined;
    matched.push(next.pathPart);
    node = next;
    if (next.pathPart.endsWith('+}')) break;
  }
  const resource = `/${matched.join('/')}`;
  if (node.methods.has(method)) return { resource, method };
  if (node.methods.has('ANY')) return { resource, method: 'ANY' };
  return undefined;
}

describe('PublicApi (dev)', () => {
  let template: Template;
  let tree: ApiNode;
  let apiFunctionId: string;

  beforeAll(() => {
    template = stageTemplate('dev');
    tree = resourceTree(template);
    [apiFunctionId] = functionWithHandler(template, 'main.handler');
  });

  it('is the regional REST API serverless-app-api with a dev stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'serverless-app-api', EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev', TracingEnabled: true });
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
  });

  it('serves every route of apps/api/routes.json with its own method', () => {
    for (const { method, path } of loadRoutes(join(workspaceRoot, 'apps/api/routes.json'))) {
      const target = route(tree, method, path);
      expect([method, path, target?.method]).toEqual([method, path, method]);
    }
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/nope/deeper/still'],
    ['PUT', '/'],
    ['PUT', '/items'],
    ['POST', '/items/42'],
    ['GET', '/health/extra'],
    ['GET', '/items/42/extra/segments'],
  ])('hands %s %s to the Lambda (for its 404/405), never to API Gateway\'s 403', (method, path) => {
    expect(route(tree, method, path)).toBeDefined();
  });

  it('integrates every method with the api function as a public proxy integration', () => {
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method');

    expect(methods.length).toBeGreaterThan(0);
    for (const [, m] of methods) {
      expect(m.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' } });
      expect(JSON.stringify(m.Properties?.['Integration'])).toContain(`"Fn::GetAtt":["${apiFunctionId}","Arn"]`);
    }
  });

  it('lets only this API invoke the function, with one permission', () => {
    const [restApiId] = onlyResource(template, 'AWS::ApiGateway::RestApi');
    const [, permission] = onlyResource(template, 'AWS::Lambda::Permission');

    expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', FunctionName: { 'Fn::GetAtt': [apiFunctionId, 'Arn'] } });
    expect(JSON.stringify(permission.Properties?.['SourceArn'])).toContain(`{"Ref":"${restApiId}"},"/*/*/*"`);
  });

  it('throttles the stage to what the reserved concurrency can serve', () => {
    const [, fn] = functionWithHandler(template, 'main.handler');
    const throttle = apiThrottle(fn.Properties?.['ReservedConcurrentExecutions'] as number, EXPECTED_P99_LATENCY_SECONDS);

    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit, LoggingLevel: 'ERROR', DataTraceEnabled: false }],
    });
    expect(throttle).toEqual({ rateLimit: 200, burstLimit: 50 });
  });

  it('writes JSON access logs to a log group with a retention', () => {
    const [, stage] = onlyResource(template, 'AWS::ApiGateway::Stage');
    const access = stage.Properties?.['AccessLogSetting'] as { DestinationArn: unknown; Format: string };
    const logGroupId = JSON.stringify(access.DestinationArn).match(/"Ref":"([^"]+)"\}\]\]\}$/)?.[1] as string;

    expect(JSON.parse(access.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status', integrationLatency: '$context.integrationLatency', errorMessage: '$context.error.message' });
    expect(template.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } });
  });

  it('sets the account\'s API Gateway logging role, and keeps it when the stack goes (other APIs use it)', () => {
    const [, account] = onlyResource(template, 'AWS::ApiGateway::Account');

    expect(account.DeletionPolicy).toBe('Retain');
  });

  it('alarms on 5xx answers of the stage', () => {
    const [stageId] = onlyResource(template, 'AWS::ApiGateway::Stage');

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [
        { Name: 'ApiName', Value: 'serverless-app-api' },
        { Name: 'Stage', Value: { Ref: stageId } },
      ],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });
});
