/**
 * Micro-benchmark: what the api's metrics middleware costs per invocation (`after`: Requests, the db counter
 * deltas, and when a line is due one EMF line with service and stage, one with route and status class), in-process over
 * many calls. EMF goes to stdout as in Lambda: run it with stdout piped away; the figures go to stderr.
 *
 *   npx nx run workspace-plugin:bench-metrics     (BENCH_CALLS=50000 by default)
 */
import { apiMetrics, routeManifest } from '@serverless-app/api';
import { createDbClient, type CredentialsProvider, type DbClientCounters } from '@serverless-app/db';
import { restApiEvent } from '@serverless-app/testing';
import { summarise } from './stats';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 50_000);
const BLOCK = 1_000;
const err = (line: string) => process.stderr.write(`${line}\n`);

/** Credentials for a client that must never connect: asking for them fails. */
const noCredentials = () => Promise.reject(new Error('the metrics bench never connects to a database'));
const neverConnects: CredentialsProvider = { get: noCredentials, refresh: noCredentials };

/** A real client (never connected: nothing here sends a statement) for its live counters, moved in place here. */
const client = createDbClient({ host: '127.0.0.1', port: 9, database: 'bench', credentials: neverConnects, pinning: 'off' });
const counters = client.liveCounters() as DbClientCounters;
const secret = { backgroundRefreshFailures: 0 };

/** Microseconds per call of `fn`, per block of {@link BLOCK} calls. */
function blocks(fn: () => void): number[] {
  const samples: number[] = [];
  for (let done = 0; done < CALLS; done += BLOCK) {
    const started = performance.now();
    for (let i = 0; i < BLOCK; i++) fn();
    samples.push(((performance.now() - started) * 1000) / BLOCK);
  }
  return samples;
}

function measure(flushMs: number): ReturnType<typeof summarise> {
  const middleware = apiMetrics({
    stage: 'bench',
    routes: routeManifest(),
    flushMs,
    db: () => {
      counters.poolWaitMs += 0.02; // a warm acquire moves the pool wait every time
      return counters;
    },
    secret: () => secret,
  });
  const after = middleware.after as (request: unknown) => void;
  const request = { event: restApiEvent({ path: '/items/42', route: '/items/{id}' }), response: { statusCode: 200, headers: {}, body: '{}' } };
  for (let i = 0; i < 5_000; i++) after(request); // warm-up: JIT, the route series' instance
  return summarise(blocks(() => after(request)));
}

function main(): void {
  const response = { statusCode: 200, headers: {}, body: '{}' };
  const noop = (r: typeof response) => r.statusCode;
  const empty = summarise(blocks(() => noop(response)));
  err(`metrics middleware after(), ${CALLS} calls in blocks of ${BLOCK}, node ${process.version}, stdout ${process.stdout.isTTY ? 'a terminal (pipe it away!)' : 'piped'}`);
  for (const flushMs of [0, 1_000]) {
    const measured = measure(flushMs);
    err(`  METRICS_FLUSH_MS=${flushMs}: per call p50 ${measured.p50.toFixed(2)} µs, p95 ${measured.p95.toFixed(2)} µs, mean ${measured.mean.toFixed(2)} µs (empty loop ${empty.mean.toFixed(3)} µs)`);
  }
}

main();
void client.close();
