import type { Connection, RowDataPacket } from 'mysql2/promise';
import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(60_000);

const world = useProxyWorld();

async function one<T = unknown>(conn: Connection, sql: string): Promise<T> {
  const [rows] = await conn.query<RowDataPacket[]>(sql);
  return Object.values(rows[0] ?? {})[0] as T;
}

describe('transaction-level multiplexing', () => {
  it('serves many client sessions, one statement at a time, from one database connection', async () => {
    const proxy = await world.proxy();
    const clients: Connection[] = [];
    for (let i = 0; i < 8; i += 1) clients.push(await world.connect(proxy));

    const threads = new Set<number>();
    for (let round = 0; round < 3; round += 1) {
      for (const conn of clients) threads.add(await one<number>(conn, 'SELECT CONNECTION_ID()'));
    }

    expect(threads.size).toBe(1);
    expect(proxy.metrics()).toMatchObject({ ClientConnections: 8, DatabaseConnections: 1, DatabaseConnectionsCurrentlyBorrowed: 0 });
  });

  it('lends a connection for a whole transaction and takes it back at COMMIT or ROLLBACK', async () => {
    const proxy = await world.proxy();
    const [a, b] = [await world.connect(proxy), await world.connect(proxy)];

    await a.query('START TRANSACTION');
    const aThread = await one<number>(a, 'SELECT CONNECTION_ID()');
    const during = proxy.metrics();
    const bThread = await one<number>(b, 'SELECT CONNECTION_ID()');
    expect(await one<number>(a, 'SELECT CONNECTION_ID()')).toBe(aThread);
    await a.query('COMMIT');
    const after = proxy.metrics();
    await a.query('BEGIN');
    await a.query('ROLLBACK');

    expect(bThread).not.toBe(aThread);
    expect(during).toMatchObject({ DatabaseConnectionsCurrentlyBorrowed: 1, DatabaseConnectionsCurrentlyInTransaction: 1 });
    expect(after).toMatchObject({ DatabaseConnectionsCurrentlyBorrowed: 0, DatabaseConnectionsCurrentlyInTransaction: 0, DatabaseConnections: 2 });
    expect(proxy.metrics().DatabaseConnectionsCurrentlyBorrowed).toBe(0);
  });

  it('follows autocommit = 0: holds the connection from the first statement to COMMIT', async () => {
    const proxy = await world.proxy();
    const a = await world.connect(proxy);
    await a.query('CREATE TABLE IF NOT EXISTS ac_items (id INT PRIMARY KEY) ENGINE=InnoDB');

    await a.query('SET autocommit = 0');
    await a.query('INSERT INTO ac_items VALUES (1)');
    const holding = proxy.metrics().DatabaseConnectionsCurrentlyInTransaction;
    await a.query('COMMIT');
    const released = proxy.metrics().DatabaseConnectionsCurrentlyBorrowed;

    expect([holding, released]).toEqual([1, 0]);
    expect(await one<number>(a, 'SELECT @@autocommit')).toBe(0);
  });
});

describe('tracked session state', () => {
  /** Makes the next statement of `conn` run on a different database connection than `holder` holds. */
  async function occupy(holder: Connection): Promise<number> {
    await holder.query('START TRANSACTION');
    return one<number>(holder, 'SELECT CONNECTION_ID()');
  }

  it('carries SET NAMES, time_zone, sql_mode, isolation, read-only and autocommit to whichever connection serves the session, and keeps them from other sessions', async () => {
    const proxy = await world.proxy();
    const [a, b, holder] = [await world.connect(proxy), await world.connect(proxy), await world.connect(proxy)];
    await a.query("SET NAMES latin1 COLLATE latin1_bin, time_zone = '+05:00', SESSION sql_mode = 'ANSI_QUOTES'");
    await a.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await a.query('SET SESSION TRANSACTION READ ONLY');
    await a.query('SET autocommit = 0');
    const first = await one<number>(a, 'SELECT CONNECTION_ID()');
    await a.query('COMMIT');

    const held = await occupy(holder); // the connection a used is now busy with holder's transaction
    const [rows] = await a.query<RowDataPacket[]>(
      'SELECT CONNECTION_ID() AS id, @@character_set_client AS cs, @@collation_connection AS coll, @@time_zone AS tz, @@sql_mode AS mode, @@tx_isolation AS iso, @@tx_read_only AS ro, @@autocommit AS ac',
    );
    await a.query('COMMIT');
    const [others] = await b.query<RowDataPacket[]>('SELECT @@character_set_client AS cs, @@time_zone AS tz, @@sql_mode AS mode, @@tx_isolation AS iso, @@autocommit AS ac');
    await holder.query('COMMIT');

    expect(held).toBe(first);
    expect(rows[0]).toEqual({ id: expect.any(Number), cs: 'latin1', coll: 'latin1_bin', tz: '+05:00', mode: 'ANSI_QUOTES', iso: 'READ-COMMITTED', ro: 1, ac: 0 });
    expect(rows[0]?.['id']).not.toBe(first);
    expect(others[0]).toMatchObject({ cs: 'utf8mb4', tz: 'SYSTEM', iso: 'REPEATABLE-READ', ac: 1 });
    expect(others[0]?.['mode']).not.toBe('ANSI_QUOTES');
    expect(proxy.metrics().DatabaseConnectionsCurrentlySessionPinned).toBe(0);
  });

  it('carries the current database (USE)', async () => {
    const proxy = await world.proxy();
    const [a, holder] = [await world.connect(proxy), await world.connect(proxy)];
    await a.query('USE information_schema');
    await occupy(holder);

    const viaUse = await one<string>(a, 'SELECT DATABASE()');
    await holder.query('COMMIT');

    expect(viaUse).toBe('information_schema');
  });

  it('keeps a client without a database away from connections that have one', async () => {
    const proxy = await world.proxy();
    const withDb = await world.connect(proxy);
    await one(withDb, 'SELECT 1'); // leaves an idle connection with the database selected
    const without = await world.connect(proxy, { database: undefined });

    expect(await one(without, 'SELECT DATABASE()')).toBeNull();
    expect(await one(withDb, 'SELECT DATABASE()')).toBe(world.db.database);
  });
});
