import { Capture, Template } from 'aws-cdk-lib/assertions';
import { apiThrottle } from '../capacity';
import type { Route } from '../routes';
import { EXPECTED_P99_LATENCY_SECONDS } from '../serverless-app-stack';
import { FIXTURE_ROUTES, stageTemplate, testApp } from '../test-app.test-util';
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

  it('serves every route of the route table with its own method', () => {
    for (const { method, path } of FIXTURE_ROUTES) {
      const target = route(tree, method, path);
      expect([method, path, target?.method]).toEqual([method, path, method]);
    }
  });

  it("authorises with IAM exactly the routes declared `auth: 'iam'`; every other method is public", () => {
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties as { HttpMethod: string; AuthorizationType: string });
    const iam = methods.filter((m) => m.AuthorizationType === 'AWS_IAM');

    expect(iam.map((m) => m.HttpMethod)).toEqual(['DELETE']);
    expect(methods.every((m) => m.AuthorizationType === 'AWS_IAM' || m.AuthorizationType === 'NONE')).toBe(true);
    expect(tree.children.find((c) => c.pathPart === 'items')?.children.find((c) => c.pathPart === '{id}')?.methods.get('DELETE')?.AuthorizationType).toBe('AWS_IAM');
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

  it('integrates every method with the api function as a proxy integration', () => {
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method');

    expect(methods.length).toBeGreaterThan(0);
    for (const [, m] of methods) {
      expect(m.Properties).toMatchObject({ Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' } });
      expect(JSON.stringify(m.Properties?.['Integration'])).toContain(`"Fn::GetAtt":["${apiFunctionId}","Arn"]`);
    }
  });

  it('lets only this API\'s stage invoke the function, with one permission', () => {
    const [restApiId] = onlyResource(template, 'AWS::ApiGateway::RestApi');
    const [, permission] = onlyResource(template, 'AWS::Lambda::Permission');
    const [, stage] = onlyResource(template, 'AWS::ApiGateway::Stage');
    const sourceArn = new Capture();

    template.hasResourceProperties('AWS::Lambda::Permission', { SourceArn: sourceArn });
    expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', FunctionName: { 'Fn::GetAtt': [apiFunctionId, 'Arn'] } });
    expect(stage.Properties?.['StageName']).toBe('dev');
    const parts = (sourceArn.asObject() as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(parts.slice(-2)).toEqual([{ Ref: restApiId }, '/dev/*/*']);
  });

  it('writes execution logs to a log group of its own, with a retention, made before the stage', () => {
    const [restApiId] = onlyResource(template, 'AWS::ApiGateway::RestApi');
    const [logsId, logGroup] = onlyResource(template, 'AWS::Logs::LogGroup', (r) => JSON.stringify(r.Properties?.['LogGroupName'] ?? '').includes('API-Gateway-Execution-Logs_'));
    const [, stage] = onlyResource(template, 'AWS::ApiGateway::Stage');

    expect(logGroup).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7, LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, '/dev']] } } });
    expect(stage.DependsOn).toContain(logsId);
  });

  it('throttles the stage to what the planned concurrency can serve', () => {
    const throttle = apiThrottle(testApp('dev').stack.capacity.lambdaConcurrency, EXPECTED_P99_LATENCY_SECONDS);

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

  it('alarms on the share of 5xx answers of the stage (the average of 5XXError, by ApiName and Stage)', () => {
    const [stageId] = onlyResource(template, 'AWS::ApiGateway::Stage');

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [
        { Name: 'ApiName', Value: 'serverless-app-api' },
        { Name: 'Stage', Value: { Ref: stageId } },
      ],
      Statistic: 'Average',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0.05,
    });
  });
});

describe('PublicApi with another route table', () => {
  const routes: Route[] = [
    { method: 'GET', path: '/reports/{day}/summary', auth: 'iam' },
    { method: 'PUT', path: '/settings', auth: 'none' },
  ];
  let tree: ApiNode;

  beforeAll(() => {
    tree = resourceTree(Template.fromStack(testApp('dev', { routes }).stack));
  });

  it('creates the resources and methods of exactly that table', () => {
    expect(route(tree, 'GET', '/reports/2026-11-30/summary')).toEqual({ resource: '/reports/{day}/summary', method: 'GET' });
    expect(route(tree, 'PUT', '/settings')).toEqual({ resource: '/settings', method: 'PUT' });
    expect(tree.children.map((c) => c.pathPart).sort()).toEqual(['reports', 'settings', '{proxy+}']);
  });

  it('authorises the IAM route and leaves the rest (and the catch-alls) public', () => {
    const summary = tree.children.find((c) => c.pathPart === 'reports')?.children[0]?.children.find((c) => c.pathPart === 'summary');

    expect(summary?.methods.get('GET')?.AuthorizationType).toBe('AWS_IAM');
    expect(summary?.methods.get('ANY')?.AuthorizationType).toBe('NONE');
    expect(tree.children.find((c) => c.pathPart === 'settings')?.methods.get('PUT')?.AuthorizationType).toBe('NONE');
  });

  it("hands unknown paths under it to the Lambda, never to API Gateway's 403", () => {
    expect(route(tree, 'GET', '/reports')).toBeDefined();
    expect(route(tree, 'GET', '/reports/x/other')).toBeDefined();
    expect(route(tree, 'DELETE', '/nope/deeper')).toBeDefined();
  });
});
