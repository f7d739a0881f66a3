import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** What one fresh Node process measured (milliseconds). */
export interface InitTiming {
  /** `require()` of the file and the microtasks it queued: compile plus module evaluation (what Lambda's init phase runs). */
  init: number;
  /** Compiling the file's source alone (`vm.Script`), in another fresh process. */
  compile: number;
}

/**
 * Init ends, as in Lambda's Node.js runtime (which awaits the handler's loading before it asks for the first
 * event), once the microtasks the module queued have run: work a module defers with a promise or a dynamic
 * `import()` (the api's Secrets Manager client, bundled as a lazily evaluated module) is init, too.
 */
const INIT_PROBE = `
  const t0 = performance.now();
  require(process.argv[1]);
  setImmediate(() => {
    process.stdout.write(JSON.stringify(performance.now() - t0));
    process.exit(0);
  });`;

const COMPILE_PROBE = `
  const { readFileSync } = require('node:fs');
  const { Script } = require('node:vm');
  const source = readFileSync(process.argv[1], 'utf8');
  const t0 = performance.now();
  new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: process.argv[1] });
  process.stdout.write(JSON.stringify(performance.now() - t0));
  process.exit(0);`;

/** Marks the probe's own output line among the handler's log lines (both go to stdout). */
const RESULT = 'BENCH_FIRST_REQUEST ';

const FIRST_REQUEST_PROBE = `
  const t0 = performance.now();
  const { handler } = require(process.argv[1]);
  setImmediate(() => {
    const t1 = performance.now();
    const context = {
      awsRequestId: 'cold-start-1', functionName: 'serverless-app-api', functionVersion: '$LATEST', memoryLimitInMB: '512',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:serverless-app-api', logGroupName: '/aws/lambda/serverless-app-api',
      logStreamName: 'cold', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000 - (performance.now() - t1),
      done() {}, fail() {}, succeed() {},
    };
    Promise.resolve(handler(JSON.parse(process.env.BENCH_EVENT), context)).then((response) => {
      const t2 = performance.now();
      process.stdout.write('\\n${RESULT}' + JSON.stringify({ init: t1 - t0, first: t2 - t1, status: response && response.statusCode }) + '\\n');
      process.exit(0);
    });
  });`;

async function probe(script: string, file: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-warnings', '-e', script, file], { env, encoding: 'utf8' });
  return JSON.parse(stdout) as number;
}

/**
 * Loads `file` in a fresh Node process and times it, then compiles it in another.
 *
 * @example
 * const { init, compile } = await timeFreshRequire('dist/apps/api/main.js', lambdaLikeEnv);
 */
export async function timeFreshRequire(file: string, env: Record<string, string>): Promise<InitTiming> {
  return { init: await probe(INIT_PROBE, file, env), compile: await probe(COMPILE_PROBE, file, env) };
}

/** What one fresh process measured of a handler's first invocation (milliseconds). */
export interface FirstRequestTiming {
  /** Init, as in {@link InitTiming}. */
  init: number;
  /** The first invocation, from the end of init to its answer (the secret fetch, connecting, the statement). */
  first: number;
}

/**
 * Loads `file` in a fresh Node process and invokes its `handler` once with `event`, timing both; the answer must
 * have status `expectStatus`.
 *
 * @example
 * const { init, first } = await timeFirstRequest('dist/apps/api/main.js', env, restApiEvent({ path: '/' }), 200);
 */
export async function timeFirstRequest(file: string, env: Record<string, string>, event: unknown, expectStatus: number): Promise<FirstRequestTiming> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-warnings', '-e', FIRST_REQUEST_PROBE, file], {
    env: { ...env, BENCH_EVENT: JSON.stringify(event) },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT));
  if (!line) throw new Error(`${file}: the first request did not answer`);
  const result = JSON.parse(line.slice(RESULT.length)) as FirstRequestTiming & { status: number };
  if (result.status !== expectStatus) throw new Error(`${file}: the first request answered ${result.status}, not ${expectStatus}`);
  return { init: result.init, first: result.first };
}
