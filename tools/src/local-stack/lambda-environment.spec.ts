import { lambdaContext } from '@serverless-app/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRuntime } from './build-runtime';
import { eventually, fakeFunctionSource, tempDir, writeBundle } from './fake-bundle.test-util';
import { LambdaEnvironment, type LambdaEnvironmentOptions } from './lambda-environment';
import { LambdaError } from './lambda-errors';

const temp = tempDir('local-stack-env-');
let runtimeFile: string;
const open: LambdaEnvironment[] = [];
const output: string[] = [];

beforeAll(async () => {
  runtimeFile = await buildRuntime(temp.path);
}, 60_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((environment) => environment.stop(1_000)));
  output.length = 0;
});

afterAll(() => temp.cleanup());

function start(source: string, options: Partial<LambdaEnvironmentOptions> = {}): LambdaEnvironment {
  const bundle = writeBundle(temp.path, open.length + Math.floor(Math.random() * 1e9), source);
  const environment = new LambdaEnvironment({
    runtimeFile,
    taskRoot: bundle.dir,
    env: { PATH: process.env['PATH'] ?? '', GIVEN: 'yes' },
    stdio: 'pipe',
    onOutput: (chunk) => output.push(chunk),
    ...options,
  });
  open.push(environment);
  return environment;
}

const context = (timeoutMs = 15_000) => lambdaContext({ timeoutMs, functionName: 'fn-under-test' });

describe('the Lambda runtime in a child process', () => {
  beforeAll(() => {
    process.env['ONLY_IN_THE_TEST_PROCESS'] = 'leak';
  });
  afterAll(() => {
    delete process.env['ONLY_IN_THE_TEST_PROCESS'];
  });

  it('loads the handler once (the cold start) and keeps its state between invocations', async () => {
    const environment = start(fakeFunctionSource('v1'));

    expect(await environment.ready).toBeGreaterThanOrEqual(0);
    const first = (await environment.invoke({ n: 1 }, context())) as Record<string, unknown>;
    const second = (await environment.invoke({ n: 2 }, context())) as Record<string, unknown>;

    expect(first).toMatchObject({ version: 'v1', count: 1, event: { n: 1 }, functionName: 'fn-under-test' });
    expect(second).toMatchObject({ count: 2, pid: first['pid'] });
    expect(first['pid']).toBe(environment.pid);
    expect(environment.invocationCount).toBe(2);
  });

  it('gives the function only the environment it is given, plus the Lambda variables', async () => {
    const environment = start(fakeFunctionSource('v1'));
    const result = (await environment.invoke({}, context())) as Record<string, unknown>;

    expect(result['leaked']).toBeNull();
    expect(result['given']).toBe('yes');
    expect(result['handlerSetting']).toBe('main.handler');
    expect(result['taskRoot']).toMatch(new RegExp(`^${temp.path}`));
  });

  it('passes the request id and a context whose remaining time counts down from the deadline', async () => {
    const ctx = context(5_000);
    const result = (await start(fakeFunctionSource('v1')).invoke({}, ctx)) as Record<string, unknown>;

    expect(result['requestId']).toBe(ctx.awsRequestId);
    expect(result['remainingMs']).toBeGreaterThan(0);
    expect(result['remainingMs']).toBeLessThanOrEqual(5_000);
  });

  it('returns the result JSON-encoded as Lambda does: undefined becomes null', async () => {
    expect(await start(fakeFunctionSource('v1')).invoke({ action: 'undefined' }, context())).toBeNull();
  });

  it('reports a thrown error as a function error and stays warm', async () => {
    const environment = start(fakeFunctionSource('v1'));
    const failure = environment.invoke({ action: 'throw', detail: 'x' }, context());

    await expect(failure).rejects.toBeInstanceOf(LambdaError);
    await expect(failure).rejects.toMatchObject({ phase: 'invoke', payload: { errorType: 'TypeError', errorMessage: 'bad input: x' } });
    expect(await environment.invoke({}, context())).toMatchObject({ count: 2 });
  });

  it('runs one invocation at a time', async () => {
    const environment = start(fakeFunctionSource('v1'));
    const gate = join(temp.path, `gate-${Date.now()}`);
    const held = environment.invoke({ action: 'wait', file: gate }, context());

    await expect(environment.invoke({}, context())).rejects.toThrow(/busy/);
    expect(environment.busy).toBe(true);
    writeFileSync(gate, '');
    await expect(held).resolves.toMatchObject({ count: 1 });
    expect(environment.busy).toBe(false);
  });

  it.each([
    ['an uncaught exception', 'crash', 'Error', 'kaboom'],
    ['an unhandled rejection', 'reject', 'Error', 'nobody catches me'],
  ])('fails the invocation on %s, logs it as a JSON line and ends the environment', async (_label, action, errorType, message) => {
    const environment = start(fakeFunctionSource('v1'));

    await expect(environment.invoke({ action }, context())).rejects.toMatchObject({ phase: 'runtime', payload: { errorType, errorMessage: message } });
    const ended = await environment.closed;

    expect(ended?.payload.errorMessage).toBe(message);
    expect(environment.hasExited).toBe(true);
    const logged = output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ level: 'ERROR', errorMessage: message }));
  });

  it('kills an invocation that outlives the function timeout, as Lambda does', async () => {
    const environment = start(fakeFunctionSource('v1'));

    await expect(environment.invoke({ action: 'hang' }, context(300))).rejects.toMatchObject({
      phase: 'timeout',
      payload: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.30 seconds' },
    });
    await environment.closed;
    expect(environment.hasExited).toBe(true);
  });

  it('fails the cold start when the module throws at load, naming the error', async () => {
    const environment = start("throw new Error('DB_HOST is required but not set');");

    await expect(environment.ready).rejects.toMatchObject({ phase: 'init', payload: { errorMessage: 'DB_HOST is required but not set' } });
    await expect(environment.closed).resolves.toBeInstanceOf(LambdaError);
  });

  it('fails the cold start when the handler export is missing', async () => {
    await expect(start('exports.other = () => 1;').ready).rejects.toMatchObject({ payload: { errorType: 'Runtime.HandlerNotFound' } });
  });

  it('lets the handler dispose on stop, then the process exits', async () => {
    const marker = join(temp.path, `disposed-${Date.now()}`);
    const environment = start(fakeFunctionSource('v7'), { env: { PATH: process.env['PATH'] ?? '', DISPOSE_MARKER: marker } });
    await environment.ready;

    await environment.stop();

    expect(readFileSync(marker, 'utf8')).toBe('v7');
    expect(environment.hasExited).toBe(true);
    await expect(environment.closed).resolves.toBeUndefined();
  });

  it('finishes the invocation in flight before stopping', async () => {
    const environment = start(fakeFunctionSource('v1'));
    const gate = join(temp.path, `gate-stop-${Date.now()}`);
    const held = environment.invoke({ action: 'wait', file: gate }, context());
    await eventually(() => environment.busy);

    const stopped = environment.stop(30_000);
    writeFileSync(gate, '');

    await expect(held).resolves.toMatchObject({ version: 'v1' });
    await stopped;
    expect(environment.hasExited).toBe(true);
    expect(existsSync(gate)).toBe(true);
  });
});
