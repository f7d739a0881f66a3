import { isAlive } from '@serverless-app/testing';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiServer, BuildFailedError, requestLine, startApiServer } from './api-server';
import { startBundler } from './bundler';
import { eventually, tempDir } from './fake-bundle.test-util';
import type { StackLog } from './stack-log';

/**
 * The rebuild loop end to end, on a throwaway project in a temp folder (never the real sources): esbuild
 * watches it, each good build gets a new environment and the traffic, a broken one leaves the last good
 * bundle serving.
 */
const temp = tempDir('local-stack-rebuild-');
const project = join(temp.path, 'project');
const bundleDir = join(temp.path, 'bundles');
const lines: string[] = [];
const log: StackLog = {
  info: (message) => lines.push(message),
  error: (message) => lines.push(`ERROR ${message}`),
  request: (message) => lines.push(`REQUEST ${message}`),
  proxy: (message) => lines.push(`PROXY ${message}`),
};

/** Writes a file in one step, so the watcher never reads half of it. */
function put(file: string, text: string): void {
  const path = join(project, file);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const greeting = (value: string) => `export const greeting: string = ${JSON.stringify(value)};\n`;

async function get(api: ApiServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api.url}/`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Waits for a log line matching `pattern` that was written after `from` lines. */
async function logged(pattern: RegExp, from: number): Promise<string> {
  await eventually(() => lines.slice(from).some((line) => pattern.test(line)));
  return lines.slice(from).find((line) => pattern.test(line)) ?? '';
}

afterAll(() => temp.cleanup());

describe('startApiServer with a watching bundler', () => {
  let api: ApiServer | undefined;

  beforeAll(() => {
    mkdirSync(project, { recursive: true });
    put('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, paths: { '@fake/greeting': ['./greeting.ts'] } } }));
    put('greeting.ts', greeting('v1'));
    put(
      'main.ts',
      [
        "import { greeting } from '@fake/greeting';",
        'export const handler = async (event: { path: string }) => ({',
        "  statusCode: 200, headers: { 'content-type': 'application/json' },",
        '  body: JSON.stringify({ greeting, path: event.path, pid: process.pid, given: process.env.GIVEN ?? null }),',
        '});',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await api?.close();
  });

  it('serves the first build through the gateway, resolving tsconfig paths', async () => {
    const bundler = startBundler({ entry: join(project, 'main.ts'), tsconfig: join(project, 'tsconfig.json'), outDir: bundleDir });
    api = await startApiServer({ bundler, bundleDir, env: { GIVEN: 'yes' }, routes: [{ method: 'GET', path: '/' }], stdio: 'pipe', log });

    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev$/);
    expect(await get(api)).toEqual({ status: 200, body: { greeting: 'v1', path: '/', pid: expect.any(Number), given: 'yes' } });
    expect(lines).toContainEqual(expect.stringMatching(/^cold start: environment \d+ \(build 1\)/));
  }, 60_000);

  it('rebuilds on change and moves traffic to a fresh environment; the old one stops', async () => {
    const server = api as ApiServer;
    const before = await get(server);
    const mark = lines.length;

    put('greeting.ts', greeting('v2'));
    await logged(/^build \d+ is live/, mark);
    const after = await get(server);

    expect(after.body['greeting']).toBe('v2');
    expect(after.body['pid']).not.toBe(before.body['pid']);
    await eventually(() => !isAlive(before.body['pid'] as number));
    expect(server.environmentPids).toEqual([after.body['pid']]);
    await eventually(() => !existsSync(join(bundleDir, '1')));
  }, 60_000);

  it('keeps serving the last good bundle when a build fails, and prints esbuild\'s error', async () => {
    const server = api as ApiServer;
    const mark = lines.length;

    put('greeting.ts', 'export const greeting: string = ;\n');
    const failure = await logged(/^ERROR rebuild \d+ failed/, mark);

    expect(failure).toMatch(/still serving build \d+/);
    expect(failure).toMatch(/greeting\.ts/);
    expect((await get(server)).body['greeting']).toBe('v2');
  }, 60_000);

  it('recovers with the next good build', async () => {
    const mark = lines.length;

    put('greeting.ts', greeting('v3'));
    await logged(/^build \d+ is live/, mark);

    expect((await get(api as ApiServer)).body['greeting']).toBe('v3');
  }, 60_000);

  it('removes the bundles and stops every environment on close', async () => {
    const server = api as ApiServer;
    const pids = server.environmentPids;

    await server.close();
    api = undefined;

    expect(existsSync(bundleDir)).toBe(false);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isAlive)).toEqual([]);
  }, 60_000);
});

describe('startApiServer with a project that does not build', () => {
  it('fails with esbuild\'s message and leaves nothing behind', async () => {
    const broken = join(temp.path, 'broken');
    const brokenBundles = join(temp.path, 'broken-bundles');
    mkdirSync(broken);
    writeFileSync(join(broken, 'tsconfig.json'), '{}');
    writeFileSync(join(broken, 'main.ts'), "import { nothing } from './missing';\nexport const handler = nothing;\n");
    const bundler = startBundler({ entry: join(broken, 'main.ts'), tsconfig: join(broken, 'tsconfig.json'), outDir: brokenBundles, watch: false });

    const start = startApiServer({ bundler, bundleDir: brokenBundles, env: {}, routes: [], stdio: 'pipe', log });

    await expect(start).rejects.toBeInstanceOf(BuildFailedError);
    await expect(start).rejects.toThrow(/Could not resolve "\.\/missing"/);
    expect(existsSync(brokenBundles)).toBe(false);
  }, 60_000);
});

describe('requestLine', () => {
  const record = { requestId: 'r', method: 'POST', rawPath: '/dev/items', resource: null, accessKeyId: null, durationMs: 1.4 };

  it('says why the gateway answered itself', () => {
    expect(requestLine({ ...record, statusCode: 403, invoked: false, errorType: 'MissingAuthenticationTokenException' })).toBe(
      'POST /dev/items → 403 (1 ms), not invoked: MissingAuthenticationTokenException',
    );
    expect(requestLine({ ...record, statusCode: 413, invoked: false, errorType: null })).toBe('POST /dev/items → 413 (1 ms), not invoked');
    expect(requestLine({ ...record, statusCode: 201, invoked: true, errorType: null })).toBe('POST /dev/items → 201 (1 ms)');
  });
});
