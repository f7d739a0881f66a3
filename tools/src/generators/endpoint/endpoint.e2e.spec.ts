import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { signedFetch, type SigV4SigningOptions } from '@serverless-app/testing';

/**
 * The generator end to end, as a developer uses it: a temporary copy of this
 * workspace (the working tree, uncommitted changes included; node_modules
 * linked), committed to a fresh git repository; the real `nx g` there, twice —
 * a CRUD feature (IAM auth, the default) and a single idempotent public POST route, under names
 * the copy does not use yet (so it passes whatever was generated into this
 * workspace before); then `nx affected -t lint typecheck test` from that
 * commit, which must select api, infra and this plugin and pass (this file is
 * skipped inside the copy); then `npm start` in the copy and the new CRUD
 * routes over HTTP.
 *
 * Slow (several minutes on two cores). Skip it with SKIP_ENDPOINT_E2E=1.
 */
const skip = process.env['SKIP_ENDPOINT_E2E'] === '1';
const workspaceRoot = join(__dirname, '../../../..');

/** Not copied: installed, built, cached or local state. */
const EXCLUDED = new Set(['node_modules', '.nx', 'dist', 'tmp', 'coverage', '.local', '.git', 'cdk.out']);

/** The environment of a developer's shell: none of the outer Nx task's or Jest worker's variables. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('NX_') && key !== 'JEST_WORKER_ID' && key !== 'SKIP_ENDPOINT_E2E') env[key] = value;
  }
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NX_TUI: 'false' };
}

const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex

/** `base`, or `x2-base`, `x3-base`, …: the first name that has no folder in apps/api/src and no route in README's table. */
function unusedName(root: string, base: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const candidates = [base, ...Array.from({ length: 50 }, (_, i) => `x${i + 2}-${base}`)];
  const free = candidates.find((name) => !existsSync(join(root, 'apps/api/src', name)) && !new RegExp(`\`[A-Z]+ /${name}[/\`]`).test(readme));
  if (!free) throw new Error(`no free name like ${base} in ${root}`);
  return free;
}

(skip ? describe.skip : describe)('nx g @serverless-app/workspace-plugin:endpoint, end to end in a copy of the workspace', () => {
  let copy: string;
  let base: string;
  let crud: string;
  let single: string;
  let firstMigration: number;
  let migrationsBefore: number;
  const env = cleanEnv();
  const nxBin = require.resolve('nx/bin/nx');
  const run = (command: string, args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync(command, args, { cwd: copy, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const nx = (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = run(process.execPath, [nxBin, ...args], extraEnv);
    return { status: result.status, output: stripAnsi(`${result.stdout}${result.stderr}`) };
  };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: copy, encoding: 'utf8' });
  const generate = (...args: string[]) => nx(['g', '@serverless-app/workspace-plugin:endpoint', ...args, '--no-interactive']);
  const migration = (offset: number, table: string) => `apps/api/migrations/${String(firstMigration + offset).padStart(4, '0')}_create_${table}.sql`;
  let generated: Array<{ status: number | null; output: string }>;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'serverless-app-endpoint-e2e-'));
    cpSync(workspaceRoot, copy, {
      recursive: true,
      // Same mtimes: the set-up check compares package-lock.json's with the linked node_modules' install.
      preserveTimestamps: true,
      filter: (source) => !relative(workspaceRoot, source).split(sep).some((segment) => EXCLUDED.has(segment)),
    });
    symlinkSync(join(workspaceRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
    git('init', '--quiet', '--initial-branch=main');
    git('add', '--all');
    git('commit', '--quiet', '--no-verify', '--message', 'the workspace before the generator');
    base = git('rev-parse', 'HEAD').trim();

    crud = unusedName(copy, 'order-lines');
    single = unusedName(copy, 'signups');
    const migrations = readdirSync(join(copy, 'apps/api/migrations')).filter((f) => f.endsWith('.sql'));
    migrationsBefore = migrations.length;
    firstMigration = Math.max(0, ...migrations.map((f) => Number(/^(\d+)_/.exec(f)?.[1] ?? 0))) + 1;
    generated = [generate(crud), generate(single, '--crud=false', '--method=POST', `--path=/${single}/{campaign}`, '--table', '--auth=none')];
  }, 180_000);

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('generates both: new files under apps/api, features.ts and README.md extended, nothing else', () => {
    const changes = git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort();
    const singular = crud.replace(/s$/, '');

    expect(generated.map((g) => ({ status: g.status, output: g.status === 0 ? '' : g.output }))).toEqual([
      { status: 0, output: '' },
      { status: 0, output: '' },
    ]);
    expect(generated[0]?.output).toContain(`Added GET /${crud}, POST /${crud}, GET /${crud}/{id}, PATCH /${crud}/{id}, DELETE /${crud}/{id}`);
    expect(generated[1]?.output).toContain(`Added POST /${single}/{campaign}`);
    expect(changes).toEqual(
      [
        ' M README.md',
        ' M apps/api/src/features.ts',
        `?? ${migration(0, crud.replace(/-/g, '_'))}`,
        `?? ${migration(1, single.replace(/-/g, '_'))}`,
        `?? apps/api/src/${crud}/${crud}.integration.spec.ts`,
        `?? apps/api/src/${crud}/${crud}.repository.ts`,
        `?? apps/api/src/${crud}/${crud}.routes.ts`,
        `?? apps/api/src/${crud}/${crud}.service.spec.ts`,
        `?? apps/api/src/${crud}/${crud}.service.ts`,
        `?? apps/api/src/${crud}/${singular}.schema.ts`,
        `?? apps/api/src/${crud}/${singular}.ts`,
        ...['integration.spec', 'repository', 'routes', 'schema.spec', 'schema', 'service'].map((role) => `?? apps/api/src/${single}/${single}.${role}.ts`),
      ].sort(),
    );
  });

  it('writes services that throw domain errors and import nothing of HTTP', () => {
    const services = [`apps/api/src/${crud}/${crud}.service.ts`, `apps/api/src/${single}/${single}.service.ts`].map((f) => readFileSync(join(copy, f), 'utf8'));

    expect(services.filter((s) => s.includes("from '../http"))).toEqual([]);
  });

  it('refuses to run twice, and changes nothing', () => {
    const before = git('status', '--porcelain', '--untracked-files=all');
    const features = readFileSync(join(copy, 'apps/api/src/features.ts'), 'utf8');

    const again = generate(crud);

    expect(again.status).not.toBe(0);
    expect(again.output).toContain(`Cannot generate the endpoint "${crud}"; nothing was written`);
    expect(again.output).toContain(`apps/api/src/${crud} already exists`);
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe(before);
    expect(readFileSync(join(copy, 'apps/api/src/features.ts'), 'utf8')).toBe(features);
  }, 60_000);

  it('affects api, infra (built from the route table) and this plugin (which imports the api), and nothing else; deploy selects infra', () => {
    const affected = nx(['show', 'projects', '--affected', `--base=${base}`, '--json']);
    const deploy = nx(['show', 'projects', '--affected', `--base=${base}`, '-t', 'deploy', '--json']);

    expect(affected.status).toBe(0);
    expect((JSON.parse(affected.output) as string[]).sort()).toEqual(['api', 'infra', 'workspace-plugin']);
    expect(JSON.parse(deploy.output)).toEqual(['infra']);
  }, 120_000);

  it('passes lint, typecheck and the tests of every affected project, the new features\' own tests and the README check included', () => {
    // Inside the copy this file is skipped: it would run itself again.
    const result = nx(['affected', '-t', 'lint', 'typecheck', 'test', `--base=${base}`, '--outputStyle=static', '--skip-nx-cache'], { SKIP_ENDPOINT_E2E: '1' });

    expect({ status: result.status, output: result.status === 0 ? '' : result.output.slice(-20_000) }).toEqual({ status: 0, output: '' });
    expect(result.output).toContain('Successfully ran targets lint, typecheck, test for 3 projects');
    for (const spec of [`${crud}/${crud}.integration.spec.ts`, `${crud}/${crud}.service.spec.ts`, `${single}/${single}.integration.spec.ts`, `${single}/${single}.schema.spec.ts`, 'readme-routes.spec.ts']) {
      expect(result.output).toMatch(new RegExp(`PASS +api +(?:apps/api/)?src/${spec.replace(/\./g, '\\.')}`));
    }
    expect(result.output).toMatch(/PASS +infra /);
    expect(result.output).toMatch(/PASS +workspace-plugin +(?:tools\/)?src\/generators\/endpoint\/generator\.spec\.ts/);
  }, 1_500_000);

  describe('npm start in the copy', () => {
    let child: ChildProcess;
    let output = '';
    let exit: Promise<number | null>;
    let apiUrl: string;
    let signing: SigV4SigningOptions;

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
      const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as { apiUrl: string; region: string; credentials: SigV4SigningOptions['credentials'] };
      apiUrl = stack.apiUrl;
      signing = { credentials: stack.credentials, region: stack.region };
    }, 180_000);

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exit;
      }
    }, 60_000);

    it('applies the new migrations and lists the new routes', () => {
      expect(output).toContain(`${migrationsBefore + 2} migration(s) applied`);
      expect(output).toContain(`GET /${crud}/{id}`);
      expect(output).toContain(`POST /${single}/{campaign}`);
    });

    it('serves the new CRUD routes over HTTP, IAM-authorised by default: an idempotent create, read, list', async () => {
      const post = (sign: boolean) => {
        const init = {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'e2e-1' },
          body: JSON.stringify({ name: 'from the generator e2e test' }),
        };
        return sign ? signedFetch(`${apiUrl}/${crud}`, init, signing) : fetch(`${apiUrl}/${crud}`, init);
      };
      const unsigned = await post(false);
      const created = await post(true);
      const body = (await created.json()) as { id: number };
      const retried = await post(true);
      const got = await signedFetch(`${apiUrl}/${crud}/${body.id}`, {}, signing);
      const list = await signedFetch(`${apiUrl}/${crud}?limit=5`, {}, signing);

      expect(unsigned.status).toBe(403);
      expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/dev/${crud}/${body.id}`);
      expect([retried.status, retried.headers.get('idempotent-replayed'), ((await retried.json()) as { id: number }).id]).toEqual([201, 'true', body.id]);
      expect(got.status).toBe(200);
      expect(await got.json()).toMatchObject({ id: body.id, name: 'from the generator e2e test', description: null });
      expect(await list.json()).toEqual({ items: [expect.objectContaining({ id: body.id })], nextCursor: null });
    });

    it('stops cleanly on SIGINT', async () => {
      child.kill('SIGINT');

      expect(await exit).toBe(0);
    }, 60_000);
  });
});
