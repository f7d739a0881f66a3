import type { LocalBackend } from '@serverless-app/testing';
import { type ConnectionWatch, extraPortFlags, freePort, watchConnections } from './connection-watch';
import { count, num, percent, renderTable } from './markdown';
import type { BenchSection } from './section';
import { summarise } from './stats';
import { startProxyThread } from './proxy-thread';
import { type ApiEnvironment, apiEnvironment, sleep, startBenchBackend } from './world';

const SIZES = (process.env['BENCH_STORM_SIZES'] ?? '30,100,300,1000').split(',').map(Number);
const REQUESTS_PER_ENV = Number(process.env['BENCH_STORM_REQUESTS'] ?? 3);
const MAX_CONNECTIONS = 30;
const COLD_START_WAVE = 50;

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
  /** CPU time of this process (all environments, and the proxy when in the path) over the wall time, in %: 200 is both cores. */
  cpuPercent: number;
  proxyDbPeak?: number;
  borrowTimeouts?: number;
  /** Client connections the proxy accepted, and those that completed TLS and login. */
  proxyClients?: { received: number; loggedIn: number };
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
  const envs: ApiEnvironment[] = [];
  try {
    // Cold starts in waves: a thousand secret fetches at once would overrun the local endpoint that shares this
    // process (the api's SDK timeouts are short on purpose), which Secrets Manager itself would not suffer.
    while (envs.length < n) {
      envs.push(...Array.from({ length: Math.min(COLD_START_WAVE, n - envs.length) }, () => apiEnvironment(env)));
      await until(() => backend.secrets.count('GetSecretValue') - fetched >= envs.length, 30_000, 'every secret prefetch');
    }
    await sleep(200);
    await watch.reset();
    const poll = watch.poll();
    const statuses = new Map<number, number>();
    const ok: number[] = [];
    const all: number[] = [];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
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
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPercent = (100 * (cpu.user + cpu.system)) / 1_000 / wallMs;
    const peakThreads = await poll.stop();
    const s = summarise(ok);
    return { n, requests: all.length, ok: ok.length, statuses, okLatency: { p50: s.p50, p99: s.p99 }, allP99: summarise(all).p99, wallMs, cpuPercent, peakThreads, maxUsed: await watch.maxUsed() };
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
      { header: 'bench CPU %', align: 'right' },
      { header: 'peak Threads_connected', align: 'right' },
      { header: 'Max_used_connections', align: 'right' },
      { header: 'proxy: DB conns peak / 9501s / clients logged in of accepted', align: 'right' },
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
      num(r.cpuPercent, 0),
      String(r.peakThreads),
      String(r.maxUsed),
      r.proxyDbPeak === undefined ? '—' : `${r.proxyDbPeak} / ${r.borrowTimeouts ?? 0} / ${count(r.proxyClients?.loggedIn ?? 0)} of ${count(r.proxyClients?.received ?? 0)}`,
    ]),
  );
}

export const stormSection: BenchSection = {
  id: 'storm',
  title: `Connection storm: N Lambda environments at once against max_connections=${MAX_CONNECTIONS}, direct and through the proxy`,
  async run(progress) {
    const watchPort = await freePort();
    const backend = await startBenchBackend({ serverFlags: { 'max-connections': MAX_CONNECTIONS, ...extraPortFlags(watchPort) } });
    const watch = await watchConnections(backend.db, watchPort);
    const results: StormResult[] = [];
    try {
      const baseline = await watch.current();
      const settle = () => until(async () => (await watch.current()) <= baseline, 30_000, 'the server back to its baseline connections');
      for (const n of SIZES) {
        const direct = await storm(n, backend.env(), backend, watch);
        results.push({ ...direct, path: 'direct' });
        progress(`N=${n} direct: ${percent(direct.ok, direct.requests)} ok, peak ${direct.peakThreads} threads, ${num(direct.wallMs / 1_000, 1)} s`);
        await settle();
        const through = await startProxyThread(backend, __filename);
        try {
          const proxied = await storm(n, through.env, backend, watch);
          const m = await through.metrics();
          results.push({
            ...proxied,
            path: 'proxy',
            proxyDbPeak: m.DatabaseConnectionsPeak,
            borrowTimeouts: m.DatabaseConnectionsBorrowTimeouts,
            proxyClients: { received: m.ClientConnectionsReceived, loggedIn: m.ClientConnectionsSetupSucceeded },
          });
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
connections, 5 s borrow timeout). The environments start ${COLD_START_WAVE} at a time, each fetching its secret at
"cold start" (a thousand fetches at once would overrun the local Secrets Manager endpoint, which shares the
process), and the storm starts once every one holds its secret, so Secrets Manager is not part of the figures. An admin connection on the server's \`extra_port\` (so it takes none of
the 30 slots) polls \`Threads_connected\` every 20 ms and reads \`Max_used_connections\` after a \`FLUSH STATUS\`
(exact); both count the watching connection itself, so subtract 1 for the app's;
environments and proxy are closed and the server back to its baseline between storms.

**Why one process.** The environments are separate handler instances in one Node process, not worker
processes: what the storm is about — how many connections reach the server, and when — is decided by each
environment's own pool, and those are fully separate here. 1,000 worker processes would not fit this 2-core
machine (a Node process with the api loaded is tens of MB and ~0.3 s of CPU to start), and even 300 would measure
the scheduler. The proxy runs on its own worker thread (the bench bundle is its entry point), so its TLS handshakes
and relaying do not queue behind the environments' on one event loop, as they would not in AWS. What this does not
model: real Lambdas run in parallel on their own CPUs, so the environments' client-side work (TLS handshakes above
all) is serialised on one thread here; latencies in the larger storms are therefore pessimistic, above all on the
proxy path, and wall time is not what Lambda would show.

${table(results)}

"failed answers": status codes other than 200 (503 + \`Retry-After\` is the api's answer to a database it cannot
reach in time; "thrown" would be a handler that did not answer at all). "ok" latencies are of the 200s only; "all"
includes the time a failed answer took. "bench CPU %": this process's CPU time over the storm's wall time (200 % is
both cores; the machine is shared with other work, so less may be available). \`Max_used_connections\` can read
one above \`max_connections\` + the watcher: the server counts a connection it has accepted before refusing it with 1040.

${discuss(results)}`;
}

function discuss(results: readonly StormResult[]): string {
  const pick = (path: StormResult['path']) => results.filter((r) => r.path === path);
  const direct = pick('direct');
  const proxy = pick('proxy');
  const largest = direct.at(-1);
  const largestProxy = proxy.at(-1);
  if (largest === undefined || largestProxy === undefined) return '';
  const successes = (rows: readonly StormResult[]) => rows.map((r) => `${percent(r.ok, r.requests)} at N=${count(r.n)}`).join(', ');
  const dbPeak = Math.max(...proxy.map((r) => r.proxyDbPeak ?? 0));
  const timeouts = proxy.reduce((sum, r) => sum + (r.borrowTimeouts ?? 0), 0);
  return `**What it shows.** Direct, success falls with N as about ${MAX_CONNECTIONS}/N (${successes(direct)}): the
first environments to log in take the ${MAX_CONNECTIONS} slots and keep them, because a Lambda environment keeps its
pooled connection between invocations (the pool's idle timeout is 60 s and a frozen environment never closes it),
and every other environment is refused with 1040 \`Too many connections\` on every attempt. The api does what it
can with that: it retries within its budget and then answers 503 with \`Retry-After\` instead of hanging (p99 of
all answers ${num(largest.allP99 / 1_000, 1)} s at N=${count(largest.n)}${largest.allP99 > 5_000 ? ', past the 5 s budget because all the handlers share two cores here' : ''}). No client-side setting fixes this; fewer connections per environment
cannot go below one.

Through the proxy ${proxy.every((r) => r.ok === r.requests) ? `every request succeeded at every N (${successes(proxy)})` : `success was ${successes(proxy)}`}, with at most ${dbPeak} database
connections (the proxy may open 27) and ${timeouts} borrow timeouts: each \`SELECT NOW()\` holds a database
connection for well under a millisecond, so at most ${dbPeak} connections served up to ${count(largestProxy.n)} client
sessions, while the server stayed below its limit. That is the case for RDS Proxy in this design, measured. (The
proxy opens a database connection whenever a borrow finds none idle, up to its cap, so a burst of simultaneous first
requests drives it towards 27 even though steady traffic of this kind would need only a few.) ${proxyShortfall(proxy)}

What is not good: ${largestProxy.n >= 1_000 ? `the N=1,000 proxy row is not stable on this machine. Once the environments' handshakes
fall behind the api's 3 s acquire timeout, the retries make it worse, so a run lands on one side of a cliff or the
other depending on what else the machine is doing: during development it ranged from 6 % to 100 % success over
fourteen runs (a 10-minute secret cache on the proxy, tried in case its Secrets Manager re-reads were stalling logins,
did not steady it). Read this run's row as one draw. And ` : ''}the proxy path's tail grows with N (p99
${num(largestProxy.okLatency.p99 / 1_000, 1)} s at N=${count(largestProxy.n)}, p50
${num(largestProxy.okLatency.p50, 1)} ms): every environment's first request is a TLS handshake and a
\`caching_sha2_password\` login, and here all of them share two cores (the environments' ends one thread).
Part of that is this one-process set-up; part is real (a proxy's handshake rate is finite, and RDS Proxy has its
own client-connection limits, which this stand-in does not model). And the figures flatter the proxy in one way:
real statements hold connections longer than \`SELECT NOW()\`, and the connections needed grow with statement
time × request rate, so a slow query under a storm would reach the 27 and wait on borrows (5 s, then 9501 → 503).`;
}

/** What went wrong through the proxy, if anything, from the figures. */
function proxyShortfall(proxy: readonly StormResult[]): string {
  const failed = proxy.filter((r) => r.ok < r.requests);
  if (failed.length === 0) return '';
  return failed
    .map(
      (r) => `At N=${count(r.n)} through the proxy ${percent(r.requests - r.ok, r.requests)} of requests failed (${statusText(r.statuses)}), ${(r.borrowTimeouts ?? 0) === 0 ? 'yet no borrow timed out (no 9501)' : `${r.borrowTimeouts} borrows timed out (9501)`}, and the proxy used at most ${r.proxyDbPeak ?? 0} of its 27 database connections: the
database was not the limit. The proxy completed ${count(r.proxyClients?.loggedIn ?? 0)} client logins out of
${count(r.proxyClients?.received ?? 0)} connections accepted (retries included) while this process ran at ${num(r.cpuPercent, 0)} % CPU: the
failures are environments whose TLS handshake and \`caching_sha2_password\` login to the proxy did not finish within
the api's 3 s acquire timeout and 5 s retry budget (with \`BENCH_LOG_LEVEL=ERROR\` the api logs them as
\`ACQUIRE_TIMEOUT\`), because the client ends of ${count(r.n)} handshakes share one thread and the whole machine has two
shared cores.${retryNote(r)} In AWS each environment has its own CPU and RDS Proxy its own fleet, so this row says more about the
simulation than the design — but it does show the cost a cold-start storm puts on a proxy
(one TLS handshake per environment), and that the api's 3 s connect and acquire timeouts are what turn a slow handshake into a 503.`,
    )
    .join('\n\n');
}

/** When the proxy accepted far more client connections than there were environments: the retries' share of the load. */
function retryNote(r: StormResult): string {
  const received = r.proxyClients?.received ?? 0;
  if (received < 1.5 * r.n) return '';
  return ` Each environment opened ${num(received / r.n, 1)} client connections on average: an environment's pool gives up
on a connection after 3 s and starts a new one, while the proxy may still be working on the old handshake, so once
handshakes fall behind, the retries add to the load that made them fall behind (a retry storm in miniature; the
api's jittered backoff spreads the retries but cannot remove them).`;
}
