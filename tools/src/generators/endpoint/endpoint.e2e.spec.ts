import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/**
 * The generator end to end, as a developer uses it: a temporary copy of this
 * workspace (the working tree, uncommitted changes included; node_modules
 * linked), committed to a fresh git repository; the real `nx g` there; then
 * `nx affected` from that commit, which must select api, infra and this
 * plugin and pass their lint, typecheck and tests; then `npm start` in the copy
 * and the new route over HTTP.
 *
 * Slow (about two minutes on two cores). Skip it with SKIP_ENDPOINT_E2E=1.
 */
const skip = process.env['SKIP_ENDPOINT_E2E'] === '1';
const workspaceRoot = join(__dirname, '../../../..');
const NAME = 'order-lines';

/** Not copied: installed, built, cached or local state. */
const EXCLUDED = new Set(['node_modules', '.nx', 'dist', 'tmp', 'coverage', '.local', '.git', 'cdk.out']);

/** The environment of a developer's shell: none of the outer Nx task's or Jest worker's variables. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('NX_') && key !== 'JEST_WORKER_ID') env[key] = value;
  }
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NX_TUI: 'false' };
}

const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex

(skip ? describe.skip : describe)('nx g @serverless-app/workspace-plugin:endpoint, end to end in a copy of the workspace', () => {
  let copy: string;
  let base: string;
  const env = cleanEnv();
  const nxBin = require.resolve('nx/bin/nx');
  const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: copy, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const nx = (...args: string[]) => {
    const result = run(process.execPath, [nxBin, ...args]);
    return { status: result.status, output: stripAnsi(`${result.stdout}${result.stderr}`) };
  };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: copy, encoding: 'utf8' });
  let generated: { status: number | null; output: string };

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'serverless-app-endpoint-e2e-'));
    cpSync(workspaceRoot, copy, {
      recursive: true,
      filter: (source) => !relative(workspaceRoot, source).split(sep).some((segment) => EXCLUDED.has(segment)),
    });
    symlinkSync(join(workspaceRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
    git('init', '--quiet', '--initial-branch=main');
    git('add', '--all');
    git('commit', '--quiet', '--no-verify', '--message', 'the workspace before the generator');
    base = git('rev-parse', 'HEAD').trim();

    generated = nx('g', '@serverless-app/workspace-plugin:endpoint', NAME, '--no-interactive');
  }, 120_000);

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('generates the endpoint: new files under apps/api, the two registrations, nothing else', () => {
    const changes = git('status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .filter(Boolean)
      .sort();

    expect({ status: generated.status, output: generated.status === 0 ? '' : generated.output }).toEqual({ status: 0, output: '' });
    expect(generated.output).toContain(`Added GET /${NAME}, POST /${NAME}, GET /${NAME}/{id}, PATCH /${NAME}/{id}, DELETE /${NAME}/{id}`);
    expect(changes).toEqual([
      ' M apps/api/routes.json',
      ' M apps/api/src/handler.ts',
      '?? apps/api/migrations/0002_create_order_lines.sql',
      `?? apps/api/src/${NAME}/order-line.schema.spec.ts`,
      `?? apps/api/src/${NAME}/order-line.schema.ts`,
      `?? apps/api/src/${NAME}/order-line.ts`,
      `?? apps/api/src/${NAME}/${NAME}.integration.spec.ts`,
      `?? apps/api/src/${NAME}/${NAME}.repository.ts`,
      `?? apps/api/src/${NAME}/${NAME}.routes.ts`,
      `?? apps/api/src/${NAME}/${NAME}.service.ts`,
    ]);
  });

  it('refuses to run twice, and changes nothing', () => {
    const before = git('status', '--porcelain', '--untracked-files=all');
    const handler = readFileSync(join(copy, 'apps/api/src/handler.ts'), 'utf8');

    const again = nx('g', '@serverless-app/workspace-plugin:endpoint', NAME, '--no-interactive');

    expect(again.status).not.toBe(0);
    expect(again.output).toContain(`Cannot generate the endpoint "${NAME}"; nothing was written`);
    expect(again.output).toContain(`apps/api/src/${NAME} already exists`);
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe(before);
    expect(readFileSync(join(copy, 'apps/api/src/handler.ts'), 'utf8')).toBe(handler);
  }, 60_000);

  it('affects api, infra (which serves routes.json) and this plugin (which imports the api), and nothing else', () => {
    const affected = nx('show', 'projects', '--affected', `--base=${base}`, '--json');

    expect(affected.status).toBe(0);
    expect((JSON.parse(affected.output) as string[]).sort()).toEqual(['api', 'infra', 'workspace-plugin']);
  }, 60_000);

  it('is deployed by `nx affected -t deploy`, which selects infra', () => {
    const deploy = nx('show', 'projects', '--affected', `--base=${base}`, '-t', 'deploy', '--json');

    expect(JSON.parse(deploy.output)).toEqual(['infra']);
  }, 60_000);

  it('passes lint and typecheck of every affected project', () => {
    const result = nx('affected', '-t', 'lint', 'typecheck', `--base=${base}`, '--outputStyle=static', '--skip-nx-cache');

    expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
    expect(result.output).toContain('Successfully ran targets lint, typecheck for 3 projects');
  }, 600_000);

  it("passes the tests of api (the endpoint's own tests included) and infra", () => {
    // This plugin's own tests would run this file again inside the copy.
    const result = nx('affected', '-t', 'test', `--base=${base}`, '--exclude=workspace-plugin', '--outputStyle=static', '--skip-nx-cache');

    expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
    expect(result.output).toContain('Successfully ran target test for 2 projects');
    expect(result.output).toMatch(new RegExp(`PASS +api +src/${NAME}/${NAME}\\.integration\\.spec\\.ts`));
    expect(result.output).toMatch(new RegExp(`PASS +api +src/${NAME}/order-line\\.schema\\.spec\\.ts`));
    expect(result.output).toMatch(/PASS +infra +src\/constructs\/public-api\.spec\.ts/);
  }, 600_000);

  describe('npm start in the copy', () => {
    let child: ChildProcess;
    let output = '';
    let exit: Promise<number | null>;
    let apiUrl: string;

    beforeAll(async () => {
      const stackFile = join(copy, '.local/e2e-stack.json');
      child = spawn(process.execPath, ['--require', 'tsx/cjs', 'tools/src/local-stack/main.ts'], {
        cwd: copy,
        env: { ...env, PORT: '0', LOCAL_STACK_FILE: stackFile, TSX_TSCONFIG_PATH: 'tools/tsconfig.json' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      while (!existsSync(stackFile) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
      if (!existsSync(stackFile)) throw new Error(`the local stack did not start:\n${output}`);
      apiUrl = (JSON.parse(readFileSync(stackFile, 'utf8')) as { apiUrl: string }).apiUrl;
    }, 180_000);

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exit;
      }
    }, 60_000);

    it('applies the new migration and lists the new routes', () => {
      expect(output).toContain('2 migration(s) applied');
      expect(output).toContain(`GET /${NAME}/{id}`);
    });

    it('serves the new routes over HTTP: create, read, list', async () => {
      const created = await fetch(`${apiUrl}/${NAME}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from the generator e2e test' }),
      });
      const body = (await created.json()) as { id: number };
      const got = await fetch(`${apiUrl}/${NAME}/${body.id}`);
      const list = await fetch(`${apiUrl}/${NAME}?limit=5`);

      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/dev/${NAME}/${body.id}`);
      expect(got.status).toBe(200);
      expect(await got.json()).toMatchObject({ id: body.id, name: 'from the generator e2e test', description: null });
      expect(await list.json()).toEqual({ orderLines: [expect.objectContaining({ id: body.id })], nextCursor: null });
    });

    it('stops cleanly on SIGINT', async () => {
      child.kill('SIGINT');

      expect(await exit).toBe(0);
    }, 60_000);
  });
});
