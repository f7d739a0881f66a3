import { lambdaContext } from '@serverless-app/testing';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRuntime } from './build-runtime';
import type { Bundle } from './bundler';
import { eventually, fakeFunctionSource, tempDir, writeBundle } from './fake-bundle.test-util';
import { LambdaEnvironment } from './lambda-environment';
import { LambdaPool, type LambdaPoolOptions, PoolUnavailableError } from './lambda-pool';

const temp = tempDir('local-stack-pool-');
let runtimeFile: string;
let pool: LambdaPool;
let build = 0;
const retired: Bundle[] = [];
const lost: number[] = [];

beforeAll(async () => {
  runtimeFile = await buildRuntime(temp.path);
}, 60_000);

afterEach(async () => {
  await pool?.close(1_000);
  retired.length = 0;
  lost.length = 0;
});

afterAll(() => temp.cleanup());

function newPool(options: Partial<LambdaPoolOptions> = {}): LambdaPool {
  pool = new LambdaPool({
    spawn: (bundle) => new LambdaEnvironment({ runtimeFile, taskRoot: bundle.dir, env: {}, stdio: 'pipe' }),
    onRetired: (bundle) => retired.push(bundle),
    onEnvironmentLost: ({ environment }) => lost.push(environment),
    ...options,
  });
  return pool;
}

const bundle = (source: string) => writeBundle(temp.path, ++build, source);
const call = (event: Record<string, unknown> = {}) => pool.invoke(event, lambdaContext()) as Promise<Record<string, unknown>>;
const gate = () => join(temp.path, `gate-${++build}`);

describe('LambdaPool', () => {
  it('refuses invocations before anything is deployed', async () => {
    newPool();

    await expect(call()).rejects.toBeInstanceOf(PoolUnavailableError);
  });

  it('reuses one warm environment for invocations that come one after another', async () => {
    newPool();
    await expect(pool.deploy(bundle(fakeFunctionSource('v1')))).resolves.toMatchObject({ status: 'live' });

    const results = [await call(), await call(), await call()];

    expect(results.map((r) => r['count'])).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => r['pid'])).size).toBe(1);
    expect(pool.environments).toHaveLength(1);
  });

  it('starts another environment for a concurrent invocation, up to the limit; the rest wait', async () => {
    newPool({ maxEnvironments: 2 });
    await pool.deploy(bundle(fakeFunctionSource('v1')));
    const first = gate();
    const second = gate();

    const a = call({ action: 'wait', file: first });
    const b = call({ action: 'wait', file: second });
    const c = call();
    await eventually(() => pool.environments.filter((e) => e.busy).length === 2);

    expect(pool.environments).toHaveLength(2);
    writeFileSync(second, '');
    const [rb, rc] = [await b, await c];
    expect(rc['pid']).toBe(rb['pid']); // c waited for b's environment
    writeFileSync(first, '');
    expect((await a)['pid']).not.toBe(rb['pid']);
    expect(pool.environments).toHaveLength(2);
  });

  it('switches traffic to a new bundle once it has started, and stops the old one after its invocation in flight', async () => {
    newPool();
    const v1 = bundle(fakeFunctionSource('v1'));
    await pool.deploy(v1);
    const held = gate();
    const inFlight = call({ action: 'wait', file: held });
    await eventually(() => pool.environments.some((e) => e.busy));
    const [oldEnvironment] = pool.environments;

    const v2 = bundle(fakeFunctionSource('v2'));
    await expect(pool.deploy(v2)).resolves.toMatchObject({ status: 'live' });

    expect(await call()).toMatchObject({ version: 'v2', count: 1 });
    expect(oldEnvironment?.hasExited).toBe(false);
    expect(retired).toEqual([]);
    writeFileSync(held, '');
    expect(await inFlight).toMatchObject({ version: 'v1' });
    await oldEnvironment?.closed;
    await eventually(() => retired.length === 1);
    expect(retired[0]?.build).toBe(v1.build);
    expect(pool.liveBundle).toBe(v2);
    expect(lost).toEqual([]);
  });

  it('keeps serving the old bundle when the new one fails to initialise', async () => {
    newPool();
    await pool.deploy(bundle(fakeFunctionSource('v1')));
    const broken = bundle("throw new Error('cannot load');");

    const outcome = await pool.deploy(broken);

    expect(outcome).toMatchObject({ status: 'failed', servingPrevious: true, error: { message: expect.stringContaining('cannot load') } });
    expect(await call()).toMatchObject({ version: 'v1' });
    await eventually(() => retired.some((b) => b.build === broken.build));
    expect(lost).toEqual([]); // a failed cold start is the deploy's outcome, not a lost environment
  });

  it('goes live with a broken first bundle so each request retries the cold start and fails', async () => {
    newPool();

    await expect(pool.deploy(bundle("throw new Error('broken from the start');"))).resolves.toMatchObject({ status: 'failed', servingPrevious: false });
    await expect(call()).rejects.toMatchObject({ phase: 'init', payload: { errorMessage: 'broken from the start' } });
    await expect(pool.deploy(bundle(fakeFunctionSource('fixed')))).resolves.toMatchObject({ status: 'live' });
    expect(await call()).toMatchObject({ version: 'fixed' });
  });

  it('replaces an environment that crashed with a new one (a new cold start) on the next request', async () => {
    newPool();
    await pool.deploy(bundle(fakeFunctionSource('v1')));
    const before = await call();

    await expect(call({ action: 'crash' })).rejects.toMatchObject({ phase: 'runtime' });
    const after = await call();

    expect(after['pid']).not.toBe(before['pid']);
    expect(after['count']).toBe(1);
    expect(lost).toHaveLength(1);
  });

  it('skips a deploy overtaken by a newer one', async () => {
    newPool();
    const older = bundle(fakeFunctionSource('older'));
    const newer = bundle(fakeFunctionSource('newer'));

    const [a, b] = await Promise.all([pool.deploy(newer), pool.deploy(older)]);

    expect(a).toMatchObject({ status: 'live' });
    expect(b).toEqual({ status: 'skipped' });
    expect(await call()).toMatchObject({ version: 'newer' });
  });

  it('on close, rejects waiting requests and stops every environment', async () => {
    newPool({ maxEnvironments: 1 });
    await pool.deploy(bundle(fakeFunctionSource('v1')));
    const held = gate();
    const inFlight = call({ action: 'wait', file: held });
    await eventually(() => pool.environments.some((e) => e.busy));
    const waiting = call();
    const environments = pool.environments;

    const closing = pool.close(30_000);
    await expect(waiting).rejects.toBeInstanceOf(PoolUnavailableError);
    writeFileSync(held, '');
    await expect(inFlight).resolves.toMatchObject({ version: 'v1' });
    await closing;

    expect(environments.every((e) => e.hasExited)).toBe(true);
    expect(existsSync(held)).toBe(true);
  });
});
