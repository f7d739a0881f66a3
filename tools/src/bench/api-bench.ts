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
import { join } from 'node:path';
import { summarise, time } from './stats';
import { workshopHandler } from './workshop-handler';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 500);
const root = join(__dirname, '../../..');

const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number) => n.toFixed(2).padStart(8);

async function main(): Promise<void> {
  const backend = await startLocalBackend({
    migrate: (app) => migrate({ connection: app, migrations: loadMigrations(join(root, 'apps/api/migrations')) }),
  });
  try {
    Object.assign(process.env, backend.secrets.env());
    const handler = createHandler({ config: loadConfig({ ...backend.env(), NODE_ENV: 'production', LOG_LEVEL: 'ERROR' }) });
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
