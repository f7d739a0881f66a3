/**
 * Benchmark: the per-query overhead of the local RDS Proxy. One mysql2 connection straight to a throwaway
 * MariaDB and one through the proxy (same process, loopback, plaintext, a pooled database connection) run
 * `SELECT 1` in alternating blocks, so machine noise hits both alike. Prints p50/p99 of each and the
 * difference in microseconds. Not a test: nothing is asserted.
 *
 *   npx nx run workspace-plugin:bench-proxy      (BENCH_QUERIES=20000 per side, BENCH_BLOCK=500 by default)
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';
import { startMysql, startSecretsManager } from '@serverless-app/testing';
import { createConnection, type Connection } from 'mysql2/promise';
import { summarise, time } from './stats';

const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 20_000);
const BLOCK = Number(process.env['BENCH_BLOCK'] ?? 500);
const WARM_UP = 2_000;

const out = (line: string) => process.stdout.write(`${line}\n`);
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
    try {
      const direct = await createConnection(db.app);
      const viaProxy = await createConnection({ ...db.app, host: proxy.host, port: proxy.port });
      connections.push(direct, viaProxy);
      const select = (conn: Connection) => () => conn.query('SELECT 1');

      await time(WARM_UP, select(direct));
      await time(WARM_UP, select(viaProxy));
      const directSamples: number[] = [];
      const proxySamples: number[] = [];
      // CPU time of this process (client, and proxy when it is in the path) per query: less sensitive than latency
      // to other load on the machine, it shows what the proxy itself costs.
      const cpu = { direct: 0, proxy: 0 };
      const measure = async (conn: Connection, samples: number[], key: keyof typeof cpu) => {
        const before = process.cpuUsage();
        samples.push(...(await time(BLOCK, select(conn))));
        const used = process.cpuUsage(before);
        cpu[key] += used.user + used.system;
      };
      for (let done = 0; done < QUERIES; done += BLOCK) {
        await measure(direct, directSamples, 'direct');
        await measure(viaProxy, proxySamples, 'proxy');
      }
      const a = summarise(directSamples);
      const b = summarise(proxySamples);

      out(`SELECT 1, ${directSamples.length} queries per side in blocks of ${BLOCK}, node ${process.version}, ${db.version}`);
      out('                      p50 µs   p95 µs   p99 µs  mean µs');
      out(`direct             ${us(a.p50)} ${us(a.p95)} ${us(a.p99)} ${us(a.mean)}`);
      out(`through the proxy  ${us(b.p50)} ${us(b.p95)} ${us(b.p99)} ${us(b.mean)}`);
      out(`overhead           ${us(b.p50 - a.p50)} ${us(b.p95 - a.p95)} ${us(b.p99 - a.p99)} ${us(b.mean - a.mean)}`);
      const perQuery = (micros: number) => (micros / directSamples.length).toFixed(1);
      out(`CPU of this process per query: ${perQuery(cpu.direct)} µs direct, ${perQuery(cpu.proxy)} µs through the proxy (+${perQuery(cpu.proxy - cpu.direct)} µs: the proxy's own work)`);
      out(`database connections used by the proxy: ${proxy.metrics().DatabaseConnectionsPeak}`);
    } finally {
      for (const conn of connections) conn.destroy();
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
