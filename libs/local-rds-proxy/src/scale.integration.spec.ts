import { createConnection, type ConnectionOptions } from 'mysql2/promise';
import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(180_000);

const CLIENTS = 1_000;
const ROWS = 50;

// max_connections = 30; the proxy may use 67 % of it: 20 database connections. A long listen queue (back_log) so the
// server answers every direct connection attempt at once (most with 1040) instead of dropping SYNs for the kernel to retry.
const world = useProxyWorld({ serverFlags: { 'max-connections': 30, 'back-log': 2_048 } });

/** One client: connect, run a short transaction, disconnect. Resolves with the error number it failed with, or 0. */
async function shortTransaction(options: ConnectionOptions, i: number): Promise<number> {
  let conn;
  try {
    conn = await createConnection({ ...options, connectTimeout: 120_000 });
    conn.on('error', () => undefined);
    await conn.query('START TRANSACTION');
    await conn.query('SELECT n FROM counters WHERE id = ?', [i % ROWS]);
    await conn.query('UPDATE counters SET n = n + 1 WHERE id = ?', [i % ROWS]);
    await conn.query('COMMIT');
    return 0;
  } catch (error) {
    return (error as { errno?: number }).errno ?? -1;
  } finally {
    conn?.destroy();
  }
}

it(`${CLIENTS} concurrent clients, each running a transaction: none fails through the proxy on at most 20 database connections, while straight to the server they get ER_CON_COUNT_ERROR`, async () => {
  const proxy = await world.proxy({ maxConnectionsPercent: 67, connectionBorrowTimeoutMs: 120_000 });
  const admin = await world.direct();
  await admin.query('CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB');
  await admin.query(`INSERT INTO counters (id, n) SELECT seq, 0 FROM seq_0_to_${ROWS - 1}`);
  await admin.end();
  const app = { user: world.db.app.user, password: world.db.app.password, database: world.db.database };

  const throughProxy = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => shortTransaction({ ...app, host: proxy.host, port: proxy.port }, i)));
  const metrics = proxy.metrics();
  const straight = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => shortTransaction({ ...app, host: world.db.host, port: world.db.port }, i)));

  const check = await world.direct();
  const [[sum]] = (await check.query('SELECT SUM(n) AS total FROM counters')) as unknown as [[{ total: string }]];

  expect(proxy.maxConnections).toBe(20);
  expect(throughProxy.filter((errno) => errno !== 0)).toEqual([]);
  expect(metrics.DatabaseConnectionsPeak).toBeLessThanOrEqual(20);
  expect(metrics.ClientConnectionsSetupSucceeded).toBe(CLIENTS);
  expect(straight.filter((errno) => errno === 1040).length).toBeGreaterThan(0); // ER_CON_COUNT_ERROR: Too many connections
  expect(Number(sum.total)).toBe(CLIENTS + straight.filter((errno) => errno === 0).length);
});
