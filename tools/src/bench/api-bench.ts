/**
 * Benchmark: the api handler (cached secret, pooled connection) against the
 * workshop's handler (secret fetched and connection opened per request), side
 * by side in one run against the same local database and Secrets Manager
 * endpoint. Prints latency percentiles, the ratio, and Secrets Manager calls.
 *
 *   npx nx run workspace-plugin:bench          (BENCH_REQUESTS=500 by default)
 */
import { createHandler, loadConfig } from '@serverless-app/api';
import { loadMigrations, migrate } from '@serverless-app/db';
import { lambdaContext, restApiEvent, startLocalBackend } from '@serverless-app/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { summarise, time } from './stats';
import { workshopHandler } from './workshop-handler';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 500);
const COLD_STARTS = Number(process.env['BENCH_COLD_STARTS'] ?? 5);
const BUNDLE = join(__dirname, '../../../dist/apps/api/main.js');

/**
 * Cold start of the deployed bundle: a fresh Node process loads `dist/apps/api/main.js`
 * (module init, config, the secret prefetch) and serves one `GET /`. Milliseconds for each.
 */
async function coldStart(env: Record<string, string>): Promise<{ init: number; first: number }> {
  const script = `
    const t0 = performance.now();
    const { handler } = require(${JSON.stringify(BUNDLE)});
    const t1 = performance.now();
    handler({ httpMethod: 'GET', path: '/', headers: {}, requestContext: { requestId: 'cold', stage: 'dev' } }, { getRemainingTimeInMillis: () => 10000, functionName: 'bench', awsRequestId: 'cold' })
      .then((r) => { if (r.statusCode !== 200) throw new Error('status ' + r.statusCode); process.stdout.write(JSON.stringify({ init: t1 - t0, first: performance.now() - t1 })); process.exit(0); })
      .catch((e) => { process.stderr.write(String(e)); process.exit(1); });`;
  // Asynchronously: the local Secrets Manager endpoint the child calls runs in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-warnings', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1)) as { init: number; first: number }; // after the api's EMF lines
}

/** Drops the api's EMF lines (two per request) from this process's stdout, so the tables stay readable; they are still built and written. */
function withoutEmfLines(): void {
  const write = process.stdout.write.bind(process.stdout) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith('{"_aws"') ? true : write(chunk, ...rest)) as typeof process.stdout.write;
}
const root = join(__dirname, '../../..');

const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number) => n.toFixed(2).padStart(8);

async function main(): Promise<void> {
  const backend = await startLocalBackend({
    migrate: (app) => migrate({ connection: app, migrations: loadMigrations(join(root, 'apps/api/migrations')) }),
  });
  try {
    withoutEmfLines();
    Object.assign(process.env, backend.secrets.env());
    const handler = createHandler({ config: loadConfig({ ...backend.env(), NODE_ENV: 'production', LOG_LEVEL: 'ERROR', STAGE: 'bench' }) });
    const workshop = workshopHandler({ secretId: backend.secretId, host: backend.db.host, port: backend.db.port, database: backend.db.database });
    const ours = () => handler(restApiEvent({ path: '/' }), lambdaContext());

    // Warm both up, then measure them alternately in blocks so machine noise hits both alike.
    await ours();
    await workshop();
    backend.secrets.resetCounts();
    const oursSamples: number[] = [];
    const workshopSamples: number[] = [];
    const block = 50;
    for (let done = 0; done < REQUESTS; done += block) {
      oursSamples.push(...(await time(block, ours)));
      workshopSamples.push(...(await time(block, workshop)));
    }
    const a = summarise(oursSamples);
    const b = summarise(workshopSamples);
    const calls = backend.secrets.count('GetSecretValue');

    out(`GET / , ${oursSamples.length} warm requests each, node ${process.version}, ${backend.db.version}`);
    out('                        p50 ms   p95 ms   p99 ms  mean ms');
    out(`api handler          ${fmt(a.p50)} ${fmt(a.p95)} ${fmt(a.p99)} ${fmt(a.mean)}`);
    out(`workshop handler     ${fmt(b.p50)} ${fmt(b.p95)} ${fmt(b.p99)} ${fmt(b.mean)}`);
    out(`ratio (workshop/api) ${fmt(b.p50 / a.p50)} ${fmt(b.p95 / a.p95)} ${fmt(b.p99 / a.p99)} ${fmt(b.mean / a.mean)}`);
    out(`GetSecretValue calls during the run: ${calls} (the api handler makes none after its cold start)`);
    out(`RSS after the run: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
    if (existsSync(BUNDLE)) {
      const runs: Array<{ init: number; first: number }> = [];
      for (let i = 0; i < COLD_STARTS; i++) runs.push(await coldStart({ ...backend.env(), NODE_ENV: 'production', LOG_LEVEL: 'ERROR', STAGE: 'bench' }));
      const init = summarise(runs.map((r) => r.init));
      const first = summarise(runs.map((r) => r.first));
      out(`cold start of dist/apps/api/main.js (${COLD_STARTS} fresh processes): init p50 ${init.p50.toFixed(0)} ms, first GET / p50 ${first.p50.toFixed(0)} ms`);
    } else {
      out('cold start: skipped (run nx run api:build first)');
    }
    await handler.dispose();
  } finally {
    await backend.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
