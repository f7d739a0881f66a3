import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The dev loop's promise, asked of Nx itself: a change re-runs the tests of
 * the changed project and of the projects that depend on it, nothing else; and
 * a test file is an input of its own project's tests only, so editing one never
 * invalidates another project's cached results. (The manual proof with real
 * cache hits is in docs/extending.md.)
 */
const workspaceRoot = join(__dirname, '../../..');
const nx = (...args: string[]) =>
  execFileSync(process.execPath, [require.resolve('nx/bin/nx'), ...args], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
const affectedTests = (file: string) => (JSON.parse(nx('show', 'projects', '--affected', `--files=${file}`, '-t', 'test', '--json')) as string[]).sort();

describe('which tests a change re-runs', () => {
  it('a change to libs/db: db, and what imports it — api, the infra that deploys api, the tools that run api — not testing', () => {
    expect(affectedTests('libs/db/src/retry.ts')).toEqual(['api', 'db', 'infra', 'workspace-plugin']);
  }, 60_000);

  it('a change to the harness: every project that tests with it (all but the pure rules), the local proxy built on it', () => {
    expect(affectedTests('libs/testing/src/index.ts')).toEqual(['api', 'db', 'infra', 'local-rds-proxy', 'testing', 'workspace-plugin']);
  }, 60_000);

  it('a change to the shared RDS Proxy rules: the rules, both their users (db, the local proxy) and what depends on db', () => {
    expect(affectedTests('libs/rds-proxy-rules/src/lexer.ts')).toEqual(['api', 'db', 'infra', 'local-rds-proxy', 'rds-proxy-rules', 'workspace-plugin']);
  }, 60_000);

  it("a change to the local proxy: its tests and db's (which run through it), and what depends on db", () => {
    expect(affectedTests('libs/local-rds-proxy/src/index.ts')).toEqual(['api', 'db', 'infra', 'local-rds-proxy', 'workspace-plugin']);
  }, 60_000);

  it("a change to the infrastructure: infra, and the endpoint generator's end-to-end test, which runs infra's tests", () => {
    expect(affectedTests('apps/infra/src/main.ts')).toEqual(['infra', 'workspace-plugin']);
  }, 60_000);
});

describe('what a test result depends on (its cache key)', () => {
  let inputs: Record<string, Set<string>>;
  let environment: Record<string, string[]>;

  beforeAll(() => {
    inputs = {};
    environment = {};
    for (const project of ['db', 'api', 'infra', 'testing', 'workspace-plugin']) {
      const shown = JSON.parse(nx('show', 'target', 'inputs', `${project}:test`, '--json')) as { files: string[]; environment: string[] };
      inputs[project] = new Set(shown.files);
      environment[project] = shown.environment;
    }
  }, 150_000);

  it('db source is an input of the tests of db, api and infra, not of the harness', () => {
    expect(['db', 'api', 'infra', 'testing'].map((p) => [p, inputs[p]?.has('libs/db/src/retry.ts')])).toEqual([
      ['db', true],
      ['api', true],
      ['infra', true],
      ['testing', false],
    ]);
  });

  it("a project's own test files are inputs of its tests only", () => {
    expect(['db', 'api', 'infra'].map((p) => [p, inputs[p]?.has('libs/db/src/retry.spec.ts')])).toEqual([
      ['db', true],
      ['api', false],
      ['infra', false],
    ]);
    expect(inputs['api']?.has('apps/api/src/items.integration.spec.ts')).toBe(true);
    expect(inputs['infra']?.has('apps/api/src/items.integration.spec.ts')).toBe(false);
  });

  it("the api's route table (features.ts and the feature modules it lists) and migrations are inputs of the infra tests (the stack is built from them)", () => {
    const routeSources = ['apps/api/src/features.ts', 'apps/api/src/items/items.routes.ts', 'apps/api/src/http/route.ts', 'apps/api/migrations/0001_create_items.sql'];

    expect(routeSources.filter((file) => !inputs['infra']?.has(file))).toEqual([]);
  });

  it("the endpoint generator's end-to-end test (in workspace-plugin) depends on all of apps/api and apps/infra, README.md and its skip switch", () => {
    expect(inputs['workspace-plugin']?.has('apps/api/src/items.integration.spec.ts')).toBe(true);
    expect(inputs['workspace-plugin']?.has('apps/infra/src/app.spec.ts')).toBe(true);
    expect(inputs['workspace-plugin']?.has('README.md')).toBe(true);
    expect(environment['workspace-plugin']).toContain('SKIP_ENDPOINT_E2E');
  });
});

describe('the route manifest infra reads (api:routes)', () => {
  it('is derived from features.ts and the feature modules, and cached as dist/apps/api/routes.json', () => {
    const shown = JSON.parse(nx('show', 'target', 'inputs', 'api:routes', '--json')) as { files: string[] };
    const project = JSON.parse(nx('show', 'project', 'api', '--json')) as { targets: Record<string, { outputs?: string[]; cache?: boolean }> };

    expect(['apps/api/src/features.ts', 'apps/api/src/items/items.routes.ts', 'apps/api/src/route-table.main.ts'].filter((file) => !shown.files.includes(file))).toEqual([]);
    expect(shown.files).not.toContain('apps/api/src/items.integration.spec.ts');
    expect(project.targets['routes']).toMatchObject({ cache: true, outputs: ['{workspaceRoot}/dist/apps/api/routes.json'] });
  }, 60_000);
});
