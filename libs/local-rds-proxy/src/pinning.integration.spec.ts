import { PIN_LOG_REASONS, type PinningCode } from '@serverless-app/rds-proxy-rules';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { LocalRdsProxy } from './start-local-rds-proxy';
import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(60_000);

const world = useProxyWorld({ serverFlags: { 'max-connections': 20 } });

async function thread(conn: Connection): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  return rows[0]?.['id'] as number;
}

/** Pin log lines of `proxy`'s clients so far. */
function pinLines(): Array<{ message: string; attributes: Record<string, unknown> | undefined }> {
  return world.logs.filter((l) => l.message.startsWith('The client session was pinned'));
}

/** Runs `statement` on a fresh client; reports whether its session got pinned (it keeps its connection while another client works). */
async function pinsWith(proxy: LocalRdsProxy, statement: (conn: Connection) => Promise<unknown>): Promise<boolean> {
  const conn = await world.connect(proxy);
  const before = proxy.metrics().DatabaseConnectionsCurrentlySessionPinned;
  await statement(conn);
  const pinned = proxy.metrics().DatabaseConnectionsCurrentlySessionPinned - before === 1;
  const borrowed = proxy.metrics().DatabaseConnectionsCurrentlyBorrowed;
  await conn.end();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return pinned && borrowed >= 1;
}

describe('pinning, by the shared RDS Proxy rules', () => {
  let proxy: LocalRdsProxy;
  beforeAll(async () => {
    proxy = await world.proxy();
  });

  it.each<[what: string, code: PinningCode, statement: (conn: Connection) => Promise<unknown>]>([
    ['a binary-protocol prepared statement (mysql2 execute)', 'prepared-statement', (c) => c.execute('SELECT ? AS v', [1])],
    ['SQL PREPARE', 'prepared-statement', (c) => c.query("PREPARE s FROM 'SELECT 1'")],
    ['a user variable', 'user-variable', (c) => c.query('SET @total = 1')],
    ['an untracked SET', 'session-variable', (c) => c.query('SET foreign_key_checks = 0')],
    ['LOCK TABLES', 'lock-tables', async (c) => {
      await c.query('CREATE TABLE IF NOT EXISTS lockme (id INT)');
      await c.query('LOCK TABLES lockme READ');
    }],
    ['GET_LOCK', 'get-lock', (c) => c.query("SELECT GET_LOCK('pin-test', 0)")],
    ['a temporary table', 'temporary-table', (c) => c.query('CREATE TEMPORARY TABLE scratch (id INT)')],
    ['a statement over 16 KB', 'statement-size', (c) => c.query(`SELECT '${'x'.repeat(16_400)}' AS big`)],
    ['SET TRANSACTION without SESSION', 'transaction-characteristics', (c) => c.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')],
  ])('%s pins the session, logged once with RDS Proxy wording', async (_what, code, statement) => {
    const before = pinLines().length;

    expect(await pinsWith(proxy, statement)).toBe(true);
    const lines = pinLines().slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/^The client session was pinned to the database connection \[dbConnection=\d+\] for the remainder of the session\. The proxy can't reuse this connection until the session ends\. Reason: /);
    expect(lines[0]?.message.endsWith(PIN_LOG_REASONS[code].reason)).toBe(true);
    expect(lines[0]?.attributes).toMatchObject({ reasons: expect.arrayContaining([code]) });
  });

  it.each<[what: string, sql: string]>([
    ['a tracked SET', "SET time_zone = '+00:00', autocommit = 1, NAMES utf8mb4"],
    ['LAST_INSERT_ID() (RDS Proxy: only sometimes)', 'SELECT LAST_INSERT_ID()'],
    ['row locks', 'SELECT 1 FROM DUAL FOR UPDATE'],
    ['? placeholders (client-side escaping)', 'SELECT 1 AS v'],
    ['a 16 KB statement exactly', `SELECT '${'x'.repeat(16_384 - 'SELECT \'\''.length)}'`],
  ])('%s does not pin', async (_what, sql) => {
    expect(await pinsWith(proxy, (c) => c.query(sql))).toBe(false);
  });

  it('pins a multi-statement text only when the client enabled multi-statements', async () => {
    expect(await pinsWith(proxy, (c) => c.query('SELECT 1').then(() => c.query('SELECT 2')))).toBe(false);

    const multi = await world.connect(proxy, { multipleStatements: true });
    const [results] = await multi.query('SELECT 1 AS a; SELECT 2 AS b');

    expect(results).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    expect(proxy.metrics().DatabaseConnectionsCurrentlySessionPinned).toBe(1);
    await multi.end();
  });

  it('keeps a pinned session on one connection for its life, logs the pin once, and counts it by reason', async () => {
    const before = pinLines().length;
    const pinned = await world.connect(proxy);
    const other = await world.connect(proxy);
    await pinned.query('SET @a = 1');
    const first = await thread(pinned);

    await pinned.query('SET @b = 2');
    await pinned.execute('SELECT ?', [3]);
    const [rows] = await pinned.query<RowDataPacket[]>('SELECT @a AS a, @b AS b');

    expect(await thread(pinned)).toBe(first);
    expect(await thread(other)).not.toBe(first);
    expect(rows[0]).toEqual({ a: 1, b: 2 });
    expect(pinLines().length - before).toBe(1);
    expect(proxy.metrics().SessionPinsByReason['user-variable']).toBeGreaterThanOrEqual(2);
    await pinned.end();
  });

  it('frees the connection when the pinned client disconnects', async () => {
    const conn = await world.connect(proxy);
    await conn.query('SET @x = 1');
    const pinnedBefore = proxy.metrics().DatabaseConnectionsCurrentlySessionPinned;

    await conn.end();
    const deadline = Date.now() + 5_000;
    while (proxy.metrics().DatabaseConnectionsCurrentlySessionPinned >= pinnedBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(proxy.metrics().DatabaseConnectionsCurrentlySessionPinned).toBe(pinnedBefore - 1);
  });
});
