import { count, num, ratio, renderTable } from './markdown';
import { monthlySecretsCost, PRICE_PER_CALL, SECONDS_PER_MONTH } from './secrets-cost';
import type { BenchSection } from './section';
import { summarise, time } from './stats';
import { apiEnvironment, startBenchBackend } from './world';
import { workshopHandler } from './workshop-handler';

const REQUESTS = Number(process.env['BENCH_WORKSHOP_REQUESTS'] ?? 500);
const BLOCK = 50;

const dollars = (value: number) => `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * The workshop's handler shape (secret fetched and a connection opened on every request) against the api
 * handler, `GET /` warm, side by side in alternating blocks, with the Secrets Manager calls each made.
 */
export const workshopSection: BenchSection = {
  id: 'workshop',
  title: "Warm `GET /`: the workshop's handler shape against the api handler",
  async run(progress) {
    const backend = await startBenchBackend();
    const api = apiEnvironment(backend.env());
    try {
      const workshop = workshopHandler({ secretId: backend.secretId, host: backend.db.host, port: backend.db.port, database: backend.db.database });
      await api.get();
      await workshop();
      const samples = { api: [] as number[], workshop: [] as number[] };
      const calls = { api: 0, workshop: 0 };
      const secretCalls = () => backend.secrets.count('GetSecretValue');
      for (let done = 0; done < REQUESTS; done += BLOCK) {
        let before = secretCalls();
        samples.api.push(...(await time(BLOCK, api.get)));
        calls.api += secretCalls() - before;
        before = secretCalls();
        samples.workshop.push(...(await time(BLOCK, workshop)));
        calls.workshop += secretCalls() - before;
        progress(`${done + BLOCK}/${REQUESTS} requests each`);
      }
      const a = summarise(samples.api);
      const w = summarise(samples.workshop);
      const perThousand = (n: number) => (1_000 * n) / REQUESTS;
      const latency = renderTable(
        [{ header: '' }, { header: 'p50 ms', align: 'right' }, { header: 'p99 ms', align: 'right' }, { header: 'mean ms', align: 'right' }],
        [
          ['api handler', num(a.p50), num(a.p99), num(a.mean)],
          ['workshop handler', num(w.p50), num(w.p99), num(w.mean)],
          ['ratio (workshop / api)', ratio(w.p50, a.p50), ratio(w.p99, a.p99), ratio(w.mean, a.mean)],
        ],
      );
      const cost = renderTable(
        [{ header: '' }, { header: 'GetSecretValue per 1,000 requests', align: 'right' }, { header: 'Secrets Manager per month at 100 req/s', align: 'right' }],
        [
          ['api handler', count(perThousand(calls.api)), dollars(monthlySecretsCost(calls.api / REQUESTS))],
          ['workshop handler', count(perThousand(calls.workshop)), dollars(monthlySecretsCost(calls.workshop / REQUESTS))],
        ],
      );
      // The api re-reads its secret once per SECRET_CACHE_TTL_MS (15 min) per execution environment.
      const refreshCost = (environments: number) => dollars(environments * (SECONDS_PER_MONTH / 900) * PRICE_PER_CALL);
      return `Both handlers answer \`GET /\` (the database's \`NOW()\`) from the same throwaway MariaDB and the same local
Secrets Manager endpoint, in one Node process, loopback, no TLS. After one warm-up request each, they take turns in
blocks of ${BLOCK} requests, ${count(REQUESTS)} each, so that machine noise hits both alike. The **api handler** is
\`createHandler\` from \`apps/api\` (Middy, Powertools Logger, the secret cached by libs/db, a pooled connection); the
**workshop handler** (\`tools/src/bench/workshop-handler.ts\`) fetches the secret with a new SDK client and opens a new
connection on every request (and closes it, so the run does not exhaust the server; the workshop never does).
\`GetSecretValue\` calls are counted at the local endpoint around each block.

${latency}

${cost}

Reading it: the workshop's shape pays a Secrets Manager round trip and a new MySQL login (handshake, auth) on every
request; the api handler pays one query on an open connection. On loopback both are cheap, so the ratio here is a
floor: in AWS the secret fetch crosses a VPC endpoint and the login is a TLS handshake to RDS Proxy, each costing
milliseconds more. The monthly figure is the Secrets Manager price alone ($0.05 per 10,000 calls) at a steady
100 requests/s. The api's own cost is not zero in production: each execution environment reads the secret at cold
start and re-reads it every 15 minutes (\`SECRET_CACHE_TTL_MS\`), about ${refreshCost(1)} a month per environment
kept warm, ${refreshCost(50)} for 50.`;
    } finally {
      await api.dispose();
      await backend.stop();
    }
  },
};
