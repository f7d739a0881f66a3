import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRoutes } from './routes';
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

let standIn: string | undefined;

/**
 * A stand-in for the api build output (`dist/apps/api`): tiny `main.js` and `migrate.js` exporting `handler`,
 * and one migration. Infra tests check what the infrastructure does with the build output, not the api, so
 * they neither depend on nor wait for `api:build`. Made once per test process, removed when it exits.
 */
export function standInApiAsset(): string {
  if (standIn) return standIn;
  const dir = mkdtempSync(join(tmpdir(), 'infra-api-asset-'));
  writeFileSync(join(dir, 'main.js'), 'exports.handler = async () => ({ statusCode: 200, body: "{}" });\n');
  writeFileSync(join(dir, 'migrate.js'), 'exports.handler = async () => ({ applied: [] });\n');
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'migrations', '0001_stand_in.sql'), 'SELECT 1;\n');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  standIn = dir;
  return dir;
}

/** Options of {@link testApp}. */
export interface TestAppOptions {
  /** Stage settings to change. */
  overrides?: Partial<StageConfig>;
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation at synth (several seconds); the cdk-nag and whole-app
   * tests do, tests of what the template says need not.
   */
  validate?: boolean;
}

/** An app holding one stage's stack, as `main.ts` builds it (without the cdk-nag plugins). */
export function testApp(stageName: StageConfig['name'], { overrides = {}, validate = false }: TestAppOptions = {}): { app: App; stack: ServerlessAppStack } {
  const app = new App({ context: { ...cdkJsonContext(), stage: stageName }, builtinCloudFormationValidation: validate });
  const stage = { ...stageConfig(stageName), ...overrides };
  const stack = new ServerlessAppStack(app, stackName(stage), {
    stage,
    apiAssetDir: standInApiAsset(),
    routes: loadRoutes(join(workspaceRoot, 'apps/api/routes.json')),
  });
  return { app, stack };
}

/** The synthesised template of one stage's stack. */
export function stageTemplate(stageName: StageConfig['name'], overrides: Partial<StageConfig> = {}): Template {
  return Template.fromStack(testApp(stageName, { overrides }).stack);
}
