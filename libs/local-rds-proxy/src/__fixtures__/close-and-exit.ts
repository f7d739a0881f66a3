/**
 * Run in a child process by start-local-rds-proxy.integration.spec.ts: starts a proxy, uses it, closes it, and
 * does nothing else — the process must then exit by itself (nothing left: no socket, timer or interval).
 */
import { createConnection } from 'mysql2/promise';
import { startLocalRdsProxy } from '../start-local-rds-proxy';

interface Setup {
  target: { host: string; port: number };
  secretId: string;
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  user: string;
  password: string;
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.env['PROXY_SETUP'] ?? '{}') as Setup;
  const proxy = await startLocalRdsProxy({
    target: setup.target,
    secrets: [{ secretId: setup.secretId, clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' }],
    secretsManager: setup.clientConfig,
    connectionBorrowTimeoutMs: 60_000,
  });
  const conn = await createConnection({ host: proxy.host, port: proxy.port, user: setup.user, password: setup.password });
  conn.on('error', () => undefined);
  await conn.query('SELECT 1');
  await conn.query('START TRANSACTION');
  await fetch(String(proxy.metricsUrl), { headers: { connection: 'close' } }).then((r) => r.text());
  await proxy.close();
  conn.destroy();
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  // What still keeps this process alive now (ref'd timers, sockets, servers). The proxy unrefs nothing, so a leak shows here.
  const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback');
  process.stdout.write(`${JSON.stringify({ left })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
