import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { LocalRdsProxy } from './start-local-rds-proxy';
import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(60_000);

// max_connections = 10 and 10 %: the proxy has exactly one database connection, so every client gets the one the last one used.
const world = useProxyWorld({ serverFlags: { 'max-connections': 10 } });

async function first(conn: Connection, sql: string): Promise<RowDataPacket | undefined> {
  const [rows] = await conn.query<RowDataPacket[]>(sql);
  return rows[0];
}

describe('no state leaks between client sessions on a shared connection', () => {
  let proxy: LocalRdsProxy;
  let direct: Connection;
  beforeAll(async () => {
    proxy = await world.proxy({ maxConnectionsPercent: 10, connectionBorrowTimeoutMs: 10_000 });
    direct = await world.direct();
    await direct.query('CREATE TABLE leak_items (id INT PRIMARY KEY) ENGINE=InnoDB');
  });

  /** Runs `use` on one client, disconnects it, and returns what the next client sees (on the same database connection). */
  async function after(use: (conn: Connection) => Promise<unknown>, look: string): Promise<{ seen: RowDataPacket | undefined; sameConnection: boolean }> {
    const a = await world.connect(proxy);
    const threadA = (await first(a, 'SELECT CONNECTION_ID() AS id'))?.['id'];
    await use(a);
    await a.end();
    const b = await world.connect(proxy);
    const threadB = (await first(b, 'SELECT CONNECTION_ID() AS id'))?.['id'];
    const seen = await first(b, look).catch((error: { errno?: number }) => ({ errno: error.errno }) as unknown as RowDataPacket);
    await b.end();
    return { seen, sameConnection: threadA === threadB };
  }

  it('user variables of a pinned session are gone (COM_RESET_CONNECTION)', async () => {
    const { seen, sameConnection } = await after((c) => c.query('SET @secret = 42'), 'SELECT @secret AS v');

    expect(sameConnection).toBe(true);
    expect(seen).toEqual({ v: null });
  });

  it('temporary tables are gone', async () => {
    const { seen } = await after((c) => c.query('CREATE TEMPORARY TABLE mine (id INT)'), 'SELECT COUNT(*) AS n FROM mine');

    expect(seen).toEqual({ errno: 1146 }); // ER_NO_SUCH_TABLE
  });

  it('named locks are released', async () => {
    await after((c) => c.query("SELECT GET_LOCK('leak-lock', 0)"), 'SELECT 1');

    expect(await first(direct, "SELECT IS_FREE_LOCK('leak-lock') AS free")).toEqual({ free: 1 });
  });

  it('an abandoned transaction is rolled back', async () => {
    const { seen } = await after(async (c) => {
      await c.query('START TRANSACTION');
      await c.query('INSERT INTO leak_items VALUES (1)');
    }, 'SELECT COUNT(*) AS n FROM leak_items');

    expect(seen).toEqual({ n: 0 });
    expect(await first(direct, 'SELECT COUNT(*) AS n FROM leak_items')).toEqual({ n: 0 });
  });

  it('a client that leaves mid-response: its database connection (response still on the wire) is closed, not lent again', async () => {
    const a = await world.connect(proxy);
    const threadA = (await first(a, 'SELECT CONNECTION_ID() AS id'))?.['id'];
    void a.query('SELECT SLEEP(5), 1').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    a.destroy();

    const b = await world.connect(proxy);
    const threadB = (await first(b, 'SELECT CONNECTION_ID() AS id'))?.['id'];
    await b.end();

    expect(threadB).not.toBe(threadA);
    expect(world.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('tracked settings of one session are not seen by the next', async () => {
    const { seen } = await after((c) => c.query("SET time_zone = '+09:00', sql_mode = 'ANSI'"), 'SELECT @@time_zone AS tz, @@sql_mode = \'ANSI\' AS ansi');

    expect(seen).toEqual({ tz: 'SYSTEM', ansi: 0 });
  });
});
