import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiMetricsContract, parseMetricsContract } from './metrics-contract';
import { ROUTE_MANIFEST, type Route } from './routes';
import { ServerlessAppStack } from './serverless-app-stack';
import { stackName, stageConfig, type StageConfig } from './stages';

/** The repository root. */
export const workspaceRoot = join(__dirname, '../../..');

/** The app's directory (where `cdk.json` is). */
export const infraRoot = join(__dirname, '..');

/** The context of `cdk.json` (feature flags), so tests synthesise exactly what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(infraRoot, 'cdk.json'), 'utf8')).context;
}

/**
 * The route table the infra tests build from: a fixture, so that they test what the infrastructure does with
 * routes, not what the api serves today. One route is IAM-authorised.
 */
export const FIXTURE_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/', auth: 'none' },
  { method: 'GET', path: '/health', auth: 'none' },
  { method: 'GET', path: '/items', auth: 'none' },
  { method: 'POST', path: '/items', auth: 'none' },
  { method: 'GET', path: '/items/{id}', auth: 'none' },
  { method: 'PATCH', path: '/items/{id}', auth: 'none' },
  { method: 'DELETE', path: '/items/{id}', auth: 'iam' },
];

/**
 * The metrics contract the infra tests build from, as the api's build output writes it (`routes.json`'s
 * `metrics`): a fixture of the same shape as `apps/api/src/observability/metrics-contract.ts`, so the tests check
 * that infra takes names from the contract, not which names the api uses today.
 */
export const FIXTURE_METRICS_JSON = {
  namespace: 'FixtureApp',
  service: 'fixture-api',
  dimensions: ['svc', 'env'],
  routeDimensions: ['route', 'statusClass'],
  metrics: {
    Requests: 'Count',
    CredentialRefreshFailures: 'Count',
    StatementOutcomeUnknown: 'Count',
    PoolWaitMs: 'Milliseconds',
  },
} as const;

/** {@link FIXTURE_METRICS_JSON}, parsed. */
export const FIXTURE_METRICS: ApiMetricsContract = parseMetricsContract(FIXTURE_METRICS_JSON, 'fixture');

let standIn: string | undefined;

/**
 * A stand-in for the api build output (`dist/apps/api`): tiny `main.js` and `migrate.js` exporting `handler`,
 * one migration, and the route manifest of {@link FIXTURE_ROUTES} and {@link FIXTURE_METRICS_JSON}. Infra tests check what the infrastructure does with the build output, not the api, so
 * they neither depend on nor wait for `api:build`. Made once per test process, removed when it exits.
 */
export function standInApiAsset(): string {
  if (standIn) return standIn;
  const dir = mkdtempSync(join(tmpdir(), 'infra-api-asset-'));
  writeFileSync(join(dir, 'main.js'), 'exports.handler = async () => ({ statusCode: 200, body: "{}" });\n');
  writeFileSync(join(dir, 'migrate.js'), 'exports.handler = async () => ({ applied: [] });\n');
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'migrations', '0001_stand_in.sql'), 'SELECT 1;\n');
  writeFileSync(join(dir, ROUTE_MANIFEST), JSON.stringify({ routes: FIXTURE_ROUTES, metrics: FIXTURE_METRICS_JSON }));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  standIn = dir;
  return dir;
}

/** Options of {@link testApp}. */
export interface TestAppOptions {
  /** Stage settings to change. */
  overrides?: Partial<StageConfig>;
  /** The api's routes. @default FIXTURE_ROUTES */
  routes?: readonly Route[];
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation at synth (several seconds); the cdk-nag and whole-app
   * tests do, tests of what the template says need not.
   */
  validate?: boolean;
}

/** An app holding one stage's stack, as `main.ts` builds it (without the cdk-nag plugins). */
export function testApp(stageName: StageConfig['name'], { overrides = {}, routes = FIXTURE_ROUTES, validate = false }: TestAppOptions = {}): { app: App; stack: ServerlessAppStack } {
  const app = new App({ context: { ...cdkJsonContext(), stage: stageName }, builtinCloudFormationValidation: validate });
  const stage = { ...stageConfig(stageName), ...overrides };
  const stack = new ServerlessAppStack(app, stackName(stage), {
    stage,
    apiAssetDir: standInApiAsset(),
    routes,
    metricsContract: FIXTURE_METRICS,
  });
  return { app, stack };
}

/** The synthesised template of one stage's stack. */
export function stageTemplate(stageName: StageConfig['name'], overrides: Partial<StageConfig> = {}): Template {
  return Template.fromStack(testApp(stageName, { overrides }).stack);
}
