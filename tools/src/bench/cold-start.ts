/**
 * Bench section `cold`: init of the api bundle (dist/apps/api/main.js) over an empty handler's, in fresh Node
 * processes, and where it goes: compile versus evaluation, and each big dependency bundled alone.
 */
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restApiEvent } from '@serverless-app/testing';
import { type FirstRequestTiming, timeFirstRequest, timeFreshRequire, type InitTiming } from './fresh-process';
import type { BenchSection } from './section';
import { workspaceRoot } from './workspace-root';
import { startBenchBackend } from './world';

const RUNS = Math.max(10, Number(process.env['BENCH_COLD_RUNS'] ?? 15));
const root = workspaceRoot();
/** The deployed bundle, and its row in the tables. */
const API_ROW = 'dist/apps/api/main.js';
const BUNDLE = join(root, API_ROW);

/** The environment of the api in Lambda (credentials from the execution role, as Lambda sets them); nothing is called. */
const LAMBDA_ENV: Record<string, string> = {
  PATH: process.env['PATH'] ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE00',
  AWS_SECRET_ACCESS_KEY: 'example-secret',
  AWS_SESSION_TOKEN: 'example-token',
  AWS_LAMBDA_FUNCTION_NAME: 'serverless-app-api',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  // The function runs on Node 24 (apps/infra's NODE_RUNTIME), where the SDK has no Node version warning to emit;
  // on this machine's Node 20 emitting it (an Error and its stack) would add about 10 ms that Lambda never spends.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // A closed port: the secret prefetch starts during init and fails later, after the measurement.
  AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
  NODE_ENV: 'production',
  DB_SECRET_ID: 'serverless-app-rds-secret',
  DB_HOST: 'proxy.proxy-example.us-east-1.rds.amazonaws.com',
  DB_NAME: 'app',
  STAGE: 'dev',
};

/** Each dependency that matters at init, bundled alone the way the api bundle is (same esbuild options). */
const DEPENDENCIES: Array<{ name: string; source: string }> = [
  { name: '@aws-sdk/client-secrets-manager (import + new client)', source: "const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager'); new SecretsManagerClient({});" },
  { name: 'mysql2', source: "require('mysql2');" },
  { name: '@aws-lambda-powertools/logger (import + new Logger)', source: "const { Logger } = require('@aws-lambda-powertools/logger'); new Logger({ serviceName: 'x' });" },
  { name: '@middy/core', source: "require('@middy/core');" },
  { name: 'valibot', source: "require('valibot');" },
];

/** The packages Lambda's Node.js runtimes ship (AWS SDK for JavaScript v3 and its Smithy core). */
const SDK_PACKAGES = ['@aws-sdk/*', '@smithy/*'] as const;
const SDK_BUNDLED = 'api built here, AWS SDK bundled';
const SDK_EXTERNAL = 'api built here, AWS SDK external (the runtime\'s, from NODE_PATH)';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.9))] as number;
const f = (n: number) => n.toFixed(1);
const kb = (file: string) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;

async function apiBuildOptions() {
  const config = require(join(root, 'apps/api/esbuild.config.cjs')) as Record<string, unknown>;
  return { ...config, bundle: true, format: 'cjs' as const, platform: 'node' as const, target: 'node22', minify: true, absWorkingDir: root, logLevel: 'silent' as const };
}

export const coldStartSection: BenchSection = {
  id: 'cold',
  title: 'Cold start: init of the api bundle over an empty handler',
  async run(progress) {
    if (!existsSync(BUNDLE)) throw new Error('dist/apps/api/main.js is missing: run `npx nx run api:bundle` first');
    const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
    try {
      const empty = join(dir, 'empty.js');
      writeFileSync(empty, "exports.handler = async () => ({ statusCode: 200, body: '' });\n");
      const options = await apiBuildOptions();
      const deps: Array<{ name: string; file: string }> = [];
      for (const [i, dep] of DEPENDENCIES.entries()) {
        const file = join(dir, `dep-${i}.js`);
        await build({ ...options, stdin: { contents: dep.source, resolveDir: root, loader: 'js' }, outfile: file });
        deps.push({ name: dep.name, file });
      }
      // The question of the AWS SDK "provided by the runtime": the api built here twice from one entry with the same
      // options, the SDK (@aws-sdk/*, @smithy/*) bundled or left external — then loaded as the Lambda runtime's copy
      // would be, its CommonJS builds from node_modules on NODE_PATH (this workspace's versions stand in for the runtime's).
      const sdkBundled = join(dir, 'api-sdk-bundled.js');
      const sdkExternal = join(dir, 'api-sdk-external.js');
      const entry = { entryPoints: [join(root, 'apps/api/src/main.ts')], tsconfig: join(root, 'apps/api/tsconfig.json') };
      await build({ ...options, ...entry, outfile: sdkBundled });
      // `import()` lowered to `require()`: a dynamic import of a bare name does not search NODE_PATH.
      await build({ ...options, ...entry, external: [...SDK_PACKAGES], supported: { 'dynamic-import': false }, outfile: sdkExternal });
      const runtimeSdkEnv = { ...LAMBDA_ENV, NODE_PATH: join(root, 'node_modules') };
      const targets: Array<{ name: string; file: string; env?: Record<string, string> }> = [
        { name: 'empty handler', file: empty },
        { name: API_ROW, file: BUNDLE },
        { name: SDK_BUNDLED, file: sdkBundled },
        { name: SDK_EXTERNAL, file: sdkExternal, env: runtimeSdkEnv },
        ...deps,
      ];
      const timings = new Map<string, InitTiming[]>(targets.map((t) => [t.name, []]));
      for (let run = 1; run <= RUNS; run++) {
        progress(`cold: run ${run} of ${RUNS} (${targets.length} fresh processes, interleaved)`);
        for (const target of targets) timings.get(target.name)?.push(await timeFreshRequire(target.file, target.env ?? LAMBDA_ENV));
      }
      // The first request, against a throwaway MariaDB and the local Secrets Manager endpoint: init, then one
      // `GET /` (the secret, which the api started fetching during init; a connection; the statement).
      progress('cold: starting MariaDB and the local Secrets Manager endpoint for the first requests');
      const backend = await startBenchBackend();
      const firsts = new Map<string, FirstRequestTiming[]>([
        ['empty handler', []],
        [API_ROW, []],
        [SDK_EXTERNAL, []],
      ]);
      try {
        const env = { ...LAMBDA_ENV, ...backend.env() };
        const event = restApiEvent({ path: '/' });
        for (let run = 1; run <= RUNS; run++) {
          progress(`cold: first request, run ${run} of ${RUNS} (empty handler and api, fresh processes)`);
          firsts.get('empty handler')?.push(await timeFirstRequest(empty, env, event, 200));
          firsts.get(API_ROW)?.push(await timeFirstRequest(BUNDLE, env, event, 200));
          firsts.get(SDK_EXTERNAL)?.push(await timeFirstRequest(sdkExternal, { ...env, NODE_PATH: runtimeSdkEnv.NODE_PATH }, event, 200));
        }
      } finally {
        await backend.stop();
      }
      const totalOf = (name: string) => median((firsts.get(name) ?? []).map((r) => r.init + r.first));
      const firstRows = [...firsts].map(
        ([name, runs]) =>
          `| ${name} | ${f(median(runs.map((r) => r.init)))} | ${f(median(runs.map((r) => r.first)))} | ${f(p90(runs.map((r) => r.first)))} | ${f(totalOf(name))} | ${f(totalOf(name) - totalOf('empty handler'))} |`,
      );
      const apiFirst = median((firsts.get(API_ROW) ?? []).map((r) => r.first));

      const emptyInit = median((timings.get('empty handler') ?? []).map((t) => t.init));
      const rows = targets.map((t) => {
        const runs = timings.get(t.name) ?? [];
        const init = runs.map((r) => r.init);
        const compile = median(runs.map((r) => r.compile));
        return `| ${t.name} | ${kb(t.file)} | ${f(median(init))} | ${f(p90(init))} | ${f(median(init) - emptyInit)} | ${f(compile)} |`;
      });
      const apiRuns = timings.get(API_ROW) ?? [];
      const apiInit = median(apiRuns.map((t) => t.init)) - emptyInit;
      const apiCompile = median(apiRuns.map((t) => t.compile));
      const initOverEmpty = (name: string) => median((timings.get(name) ?? []).map((t) => t.init)) - emptyInit;
      const sdkInit = initOverEmpty(DEPENDENCIES[0]?.name ?? '');
      const compileOf = (name: string) => median((timings.get(name) ?? []).map((t) => t.compile));
      const externalHelps = initOverEmpty(SDK_EXTERNAL) < initOverEmpty(SDK_BUNDLED) && totalOf(SDK_EXTERNAL) < totalOf(API_ROW);
      const mysqlInit = initOverEmpty(DEPENDENCIES[1]?.name ?? '');
      return [
        '### Method',
        '',
        `Fresh \`node\` processes (${process.version}), ${RUNS} runs of each file, interleaved (empty, api, each dependency, again). ` +
          '"init" is the time from `require()` of the file in a fresh process until the microtasks it queued have run: what ' +
          'Lambda runs in its init phase for a CommonJS handler, since the Node.js runtime awaits the handler\'s loading before ' +
          'it asks for the first event (compile and evaluate the bundle; the api also reads its configuration, builds its ' +
          'handler and starts the Secrets Manager prefetch, whose SDK module is evaluated then, by its dynamic `import()`, and ' +
          'whose network wait comes later). The environment is a Lambda one: credentials in ' +
          '`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, a region, the api\'s variables. "compile" is ' +
          '`new vm.Script()` of the same file in another fresh process: the part of init that depends only on the code\'s size. ' +
          'Each dependency is bundled alone with the api\'s esbuild options (esbuild.config.cjs, minified), so its row is what ' +
          'it adds when loaded by itself; rows overlap (the SDK and Powertools share nothing, but all share Node\'s own modules). ' +
          'Node startup itself is the same in every row and is not counted.',
        '',
        '### Figures (ms)',
        '',
        '| file | size | init p50 | init p90 | init over empty (p50) | compile p50 |',
        '|---|---:|---:|---:|---:|---:|',
        ...rows,
        '',
        `Init added by the api over an empty handler: **${f(apiInit)} ms** (median of ${RUNS}); aim < 60 ms on this machine: ` +
          `**${apiInit < 60 ? 'met' : 'not met'}**.`,
        '',
        '### The first request',
        '',
        `Init and then one \`GET /\` in a fresh process, ${RUNS} runs each, against a throwaway MariaDB on loopback (no TLS) and ` +
          'the local Secrets Manager endpoint; the api\'s first request waits for the secret it began fetching during init, ' +
          'opens a connection and sends the statement. In AWS the secret comes through a VPC endpoint and the connection is a ' +
          'TLS handshake to RDS Proxy, each a few milliseconds more.',
        '',
        '| handler | init p50 | first request p50 | first request p90 | init + first request p50 | over empty (p50) |',
        '|---|---:|---:|---:|---:|---:|',
        ...firstRows,
        '',
        `The api's first request takes **${f(apiFirst)} ms** after init (median of ${RUNS}).`,
        '',
        '### Discussion',
        '',
        `Compiling the bundle is ${f(apiCompile)} ms of it and grows with its size; the rest is evaluation: the AWS SDK ` +
          '(its modules, evaluated when the secret prefetch imports it, and the client with its configuration and ' +
          'middleware stack, built for that first call) and mysql2\'s modules, then Powertools, Middy and valibot. What was ' +
          'cut: the bundle resolves packages\' ES module builds, so esbuild tree-shakes the SDK (its CommonJS builds are one ' +
          'file per package, kept whole), and it leaves out iconv-lite\'s code pages and mysql2\'s `\'Amazon RDS\'` CA ' +
          'profile (1,610 KB → about 800 KB; `apps/api/esbuild.config.cjs`); mysql2\'s table of error names, 4,000 ' +
          'assignment statements, is bundled as one JSON text parsed at load (about 15 ms less on this machine). The IAM ' +
          'token signer is imported only when IAM database authentication is configured, the X-Ray tracer only with ' +
          '`TRACING=on`, and the SDK client uses the credentials Lambda puts in the environment through the default chain, ' +
          'whose SSO, INI, process and web-identity providers are imported only when the environment has none. What is ' +
          'left is needed by the first request: deferring mysql2 or the SDK would move their evaluation from the init ' +
          'phase into the first invocation, which waits for both either way. The first request then adds what runs once ' +
          `per environment (${f(apiFirst)} ms here): the SDK's request path and mysql2's handshake, authentication and row ` +
          'parsers compiled on first use, the secret over loopback, one login and one statement. The aim of 60 ms is ' +
          'not within reach of these dependencies on this machine: the SDK alone (import and a client) adds ' +
          `${f(sdkInit)} ms and mysql2 ${f(mysqlInit)} ms. Reaching it would mean replacing one: a Secrets Manager call ` +
          'signed with `@smithy/signature-v4` in place of the SDK client, or a smaller MySQL driver. Leaving the SDK to ' +
          `the Lambda runtime ${externalHelps ? 'would help in this run' : 'does not help'}: built alike, the api inits in ${f(initOverEmpty(SDK_EXTERNAL))} ms over the ` +
          `empty handler with the SDK external against ${f(initOverEmpty(SDK_BUNDLED))} ms with it bundled, and takes ` +
          `${f(totalOf(SDK_EXTERNAL))} ms to its first answer against ${f(totalOf(API_ROW))} ms: what is ` +
          `not compiled with the bundle (${f(compileOf(SDK_EXTERNAL))} ms against ${f(compileOf(SDK_BUNDLED))} ms) is ` +
          'spent loading the SDK\'s CommonJS builds file by file' +
          (externalHelps
            ? ', yet less than that; the SDK stays bundled all the same, its version pinned with the rest of the lock file, until runs agree. '
            : ', so the SDK stays bundled, its version pinned with the rest of the lock file. ') +
          'Node 22\'s compile ' +
          'cache (`module.enableCompileCache`), which would spare most of the compile time, cannot be measured on this ' +
          "machine's Node 20.",
        '',
      ].join('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
