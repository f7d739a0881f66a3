import type { LocalBackend } from '@serverless-app/testing';
import { type ConnectionWatch, watchConnections } from './connection-watch';
import { count, num, percent, renderTable } from './markdown';
import type { BenchSection } from './section';
import { summarise } from './stats';
import { apiEnvironment, sleep, startBenchBackend, startBenchProxy } from './world';

const SIZES = (process.env['BENCH_STORM_SIZES'] ?? '30,100,300,1000').split(',').map(Number);
const REQUESTS_PER_ENV = Number(process.env['BENCH_STORM_REQUESTS'] ?? 3);
const MAX_CONNECTIONS = 30;

/** What one storm measured. */
export interface StormResult {
  n: number;
  path: 'direct' | 'proxy';
  requests: number;
  ok: number;
  statuses: Map<number, number>;
  okLatency: { p50: number; p99: number };
  allP99: number;
  wallMs: number;
  peakThreads: number;
  maxUsed: number;
  proxyDbPeak?: number;
  borrowTimeouts?: number;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`storm: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/**
 * `n` api execution environments, each its own `createHandler` (own secret cache, own libs/db pool), each
 * sending `REQUESTS_PER_ENV` `GET /` one after another, all environments at once. Starts once every
 * environment holds its secret, so the figures are the database's and the proxy's, not Secrets Manager's.
 */
async function storm(n: number, env: Record<string, string>, backend: LocalBackend, watch: ConnectionWatch): Promise<Omit<StormResult, 'path'>> {
  const fetched = backend.secrets.count('GetSecretValue');
  const envs = Array.from({ length: n }, () => apiEnvironment(env));
  try {
    await until(() => backend.secrets.count('GetSecretValue') - fetched >= n, 60_000, 'every secret prefetch');
    await sleep(200);
    await watch.reset();
    const poll = watch.poll();
    const statuses = new Map<number, number>();
    const ok: number[] = [];
    const all: number[] = [];
    const started = performance.now();
    await Promise.all(
      envs.map(async (environment) => {
        for (let i = 0; i < REQUESTS_PER_ENV; i++) {
          const t0 = performance.now();
          const status = await environment.get();
          const ms = performance.now() - t0;
          all.push(ms);
          if (status === 200) ok.push(ms);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const wallMs = performance.now() - started;
    const peakThreads = await poll.stop();
    const s = summarise(ok);
    return { n, requests: all.length, ok: ok.length, statuses, okLatency: { p50: s.p50, p99: s.p99 }, allP99: summarise(all).p99, wallMs, peakThreads, maxUsed: await watch.maxUsed() };
  } finally {
    await Promise.all(envs.map((environment) => environment.dispose()));
  }
}

const statusText = (statuses: Map<number, number>) =>
  [...statuses]
    .filter(([status]) => status !== 200)
    .sort(([a], [b]) => a - b)
    .map(([status, times]) => `${count(times)}× ${status === 0 ? 'thrown' : status}`)
    .join(', ') || '—';

function table(results: readonly StormResult[]): string {
  return renderTable(
    [
      { header: 'N', align: 'right' },
      { header: 'path' },
      { header: 'success', align: 'right' },
      { header: 'failed answers' },
      { header: 'p50 ms (ok)', align: 'right' },
      { header: 'p99 ms (ok)', align: 'right' },
      { header: 'p99 ms (all)', align: 'right' },
      { header: 'wall s', align: 'right' },
      { header: 'peak Threads_connected', align: 'right' },
      { header: 'Max_used_connections', align: 'right' },
      { header: 'proxy: DB conns peak / 9501s', align: 'right' },
    ],
    results.map((r) => [
      count(r.n),
      r.path,
      percent(r.ok, r.requests),
      statusText(r.statuses),
      num(r.okLatency.p50, 1),
      num(r.okLatency.p99, 1),
      num(r.allP99, 1),
      num(r.wallMs / 1_000, 1),
      String(r.peakThreads),
      String(r.maxUsed),
      r.proxyDbPeak === undefined ? '—' : `${r.proxyDbPeak} / ${r.borrowTimeouts ?? 0}`,
    ]),
  );
}

export const stormSection: BenchSection = {
  id: 'storm',
  title: `Connection storm: N Lambda environments at once against max_connections=${MAX_CONNECTIONS}, direct and through the proxy`,
  async run(progress) {
    const backend = await startBenchBackend({ serverFlags: { 'max-connections': MAX_CONNECTIONS } });
    const watch = await watchConnections(backend.db);
    const results: StormResult[] = [];
    try {
      const baseline = await watch.current();
      const settle = () => until(async () => (await watch.current()) <= baseline, 30_000, 'the server back to its baseline connections');
      for (const n of SIZES) {
        const direct = await storm(n, backend.env(), backend, watch);
        results.push({ ...direct, path: 'direct' });
        progress(`N=${n} direct: ${percent(direct.ok, direct.requests)} ok, peak ${direct.peakThreads} threads, ${num(direct.wallMs / 1_000, 1)} s`);
        await settle();
        const through = await startBenchProxy(backend);
        try {
          const proxied = await storm(n, through.env(), backend, watch);
          const m = through.proxy.metrics();
          results.push({ ...proxied, path: 'proxy', proxyDbPeak: m.DatabaseConnectionsPeak, borrowTimeouts: m.DatabaseConnectionsBorrowTimeouts });
          progress(`N=${n} proxy: ${percent(proxied.ok, proxied.requests)} ok, peak ${proxied.peakThreads} threads, ${num(proxied.wallMs / 1_000, 1)} s`);
        } finally {
          await through.close();
        }
        await settle();
      }
    } finally {
      await watch.close();
      await backend.stop();
    }
    return render(results, backend.db.version);
  },
};

function render(results: readonly StormResult[], version: string): string {
  return `A throwaway MariaDB (${version}) started with \`max_connections=${MAX_CONNECTIONS}\`. Each of N simulated Lambda
execution environments is its own \`createHandler\` from \`apps/api\` — its own secret cache, its own libs/db pool
(the api's defaults: up to 2 connections, 3 s connect and acquire timeouts, retries within a 5 s budget) — and
sends ${REQUESTS_PER_ENV} \`GET /\` one after another, as a Lambda environment serves one request at a time; all N
start together. **Direct**: the environments connect to MariaDB (plaintext, native password). **Proxy**: they
connect to a fresh local RDS Proxy (\`libs/local-rds-proxy\` via \`startBackendProxy\`, set up as the CDK app sets
RDS Proxy: TLS required and verified, \`caching_sha2_password\`, 90 % of \`max_connections\` = 27 database
connections, 5 s borrow timeout). The storm starts once every environment holds its secret (each fetched it at
"cold start"), so Secrets Manager is not part of the figures. An admin connection polls \`Threads_connected\` every
20 ms (itself included) and reads \`Max_used_connections\` after a \`FLUSH STATUS\` (exact, also itself included);
environments and proxy are closed and the server back to its baseline between storms.

**Why one process.** The environments are separate handler instances in one Node process, not worker
processes: what the storm is about — how many connections reach the server, and when — is decided by each
environment's own pool, and those are fully separate here. 1,000 worker processes would not fit this 2-core,
24 GB machine (a Node process with the api loaded is ~60–80 MB), and even 300 would measure the scheduler. What
this does not model: real Lambdas run in parallel on their own CPUs, so client-side CPU (TLS handshakes above all)
is serialised here, and the proxy shares that CPU too; latencies in the larger storms are therefore pessimistic
for the proxy path, and wall time is not what Lambda would show.

${table(results)}

"failed answers": status codes other than 200 (503 is the api's answer to a database it cannot reach in time;
"thrown" would be a handler that did not answer at all).`;
}
