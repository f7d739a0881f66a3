/**
 * Benchmark: the per-query overhead of the local RDS Proxy. mysql2 connections straight to a throwaway MariaDB,
 * through a bare TCP relay (bytes copied both ways, nothing parsed: the cost of the two extra loopback hops
 * alone) and through the proxy (same process, loopback, plaintext, a pooled database connection) run `SELECT 1`
 * in alternating blocks, so machine noise hits all alike. Prints p50/p95/p99/mean of each and the differences
 * in microseconds, and this process's CPU time per query. Not a test: nothing is asserted.
 *
 *   npx nx run workspace-plugin:bench-proxy      (BENCH_QUERIES=20000 per side, BENCH_BLOCK=500 by default;
 *   bundled with esbuild and run with node: tsx wraps every closure for keepNames, which would inflate the proxy side)
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';
import { startMysql, startSecretsManager } from '@serverless-app/testing';
import { createConnection, type Connection } from 'mysql2/promise';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { summarise, time } from './stats';

const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 20_000);
const BLOCK = Number(process.env['BENCH_BLOCK'] ?? 500);
const WARM_UP = 2_000;

const out = (line: string) => process.stdout.write(`${line}\n`);

/** A relay that copies bytes between each client and a new connection to `target`, parsing nothing. */
async function startBareRelay(target: { host: string; port: number }): Promise<{ server: Server; port: number }> {
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, noDelay: true });
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
const us = (ms: number) => (ms * 1000).toFixed(1).padStart(8);

async function main(): Promise<void> {
  const [db, sm] = await Promise.all([startMysql(), startSecretsManager()]);
  const client = new SecretsManagerClient(sm.clientConfig());
  const connections: Connection[] = [];
  try {
    await client.send(new CreateSecretCommand({ Name: 'bench/app', SecretString: JSON.stringify({ username: db.app.user, password: db.app.password }) }));
    const proxy = await startLocalRdsProxy({
      target: { host: db.host, port: db.port },
      secrets: [{ secretId: 'bench/app', clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' }],
      secretsManager: client,
      tls: false,
      metricsPort: false,
    });
    const relay = await startBareRelay(db);
    try {
      const sides = {
        direct: await createConnection(db.app),
        relay: await createConnection({ ...db.app, port: relay.port }),
        proxy: await createConnection({ ...db.app, host: proxy.host, port: proxy.port }),
      };
      connections.push(...Object.values(sides));
      const samples = { direct: [] as number[], relay: [] as number[], proxy: [] as number[] };
      // CPU time of this process per query (the client, plus the relay or proxy in the path): less sensitive than
      // latency to other load on the machine.
      const cpu = { direct: 0, relay: 0, proxy: 0 };
      const keys = ['direct', 'relay', 'proxy'] as const;
      for (const key of keys) await time(WARM_UP, () => sides[key].query('SELECT 1'));
      for (let done = 0; done < QUERIES; done += BLOCK) {
        for (const key of keys) {
          const before = process.cpuUsage();
          samples[key].push(...(await time(BLOCK, () => sides[key].query('SELECT 1'))));
          const used = process.cpuUsage(before);
          cpu[key] += used.user + used.system;
        }
      }
      const [a, r, b] = keys.map((key) => summarise(samples[key])) as [ReturnType<typeof summarise>, ReturnType<typeof summarise>, ReturnType<typeof summarise>];
      const row = (label: string, x: { p50: number; p95: number; p99: number; mean: number }) =>
        out(`${label.padEnd(26)}${us(x.p50)} ${us(x.p95)} ${us(x.p99)} ${us(x.mean)}`);
      const minus = (x: typeof a, y: typeof a) => ({ p50: x.p50 - y.p50, p95: x.p95 - y.p95, p99: x.p99 - y.p99, mean: x.mean - y.mean });

      out(`SELECT 1, ${samples.direct.length} queries per side in blocks of ${BLOCK}, node ${process.version}, ${db.version}`);
      out('                            p50 µs   p95 µs   p99 µs  mean µs');
      row('direct', a);
      row('bare TCP relay', r);
      row('local RDS Proxy', b);
      row('proxy − direct', minus(b, a));
      row('proxy − bare relay', minus(b, r));
      const perQuery = (key: keyof typeof cpu) => (cpu[key] / samples.direct.length).toFixed(1);
      out(`CPU of this process per query (µs): direct ${perQuery('direct')}, bare relay ${perQuery('relay')}, proxy ${perQuery('proxy')}`);
      out(`database connections used by the proxy: ${proxy.metrics().DatabaseConnectionsPeak}`);
    } finally {
      for (const conn of connections) conn.destroy();
      await new Promise((resolve) => relay.server.close(resolve));
      await proxy.close();
    }
  } finally {
    client.destroy();
    await Promise.allSettled([sm.close(), db.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
