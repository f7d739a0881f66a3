import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection, FieldPacket, RowDataPacket } from 'mysql2/promise';
import { BackendConnection } from './backend/backend-connection';
import { BACKEND_BASE_CAPABILITIES, Command } from './protocol/constants';
import { commandPayload, parseErr } from './protocol/packets';
import { parseQueryResponse } from './protocol/result-set';
import type { LocalRdsProxy } from './start-local-rds-proxy';
import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(120_000);

const world = useProxyWorld({ serverFlags: { 'max-allowed-packet': '64M' } });

let proxy: LocalRdsProxy;
let viaProxy: Connection;
let direct: Connection;

beforeAll(async () => {
  proxy = await world.proxy();
  viaProxy = await world.connect(proxy, { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  direct = await world.direct({ supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  await direct.query(`
    CREATE TABLE every_type (
      id INT PRIMARY KEY, t TINYINT, s SMALLINT UNSIGNED, m MEDIUMINT, b BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, g DOUBLE,
      bits BIT(12), dt DATETIME(6), ts TIMESTAMP(3) NULL, da DATE, ti TIME(2), y YEAR, c CHAR(3), v VARCHAR(300), tx TEXT, lt LONGTEXT,
      bin BINARY(4), vb VARBINARY(50), bl BLOB, lb LONGBLOB, e ENUM('a','b'), st SET('x','y'), j JSON
    )`);
  await direct.query(
    `INSERT INTO every_type VALUES
      (1, -128, 65535, -8388608, 18446744073709551615, -12345678901234567890.0123456789, 1.5, -2.25e300, b'101010101010',
       '2026-11-26 21:46:33.123456', '2038-01-19 03:14:07.999', '1000-01-01', '-838:59:59.99', 2155, 'abc', REPEAT('é', 300), 'text ☃', REPEAT('L', 70000),
       0x00FF10AB, 0x000102, 0xDEADBEEF00, REPEAT(0x00, 100000), 'b', 'x,y', '{"k": [1, "two", null, {"n": 3.5}]}'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, 0, 0, 0, 0, 0, 0, 0, b'0', '0001-01-01', NULL, '9999-12-31', '00:00:00', 1901, '', '', '', '', 0x00000000, '', '', '', 'a', '', '[]')`,
  );
  await direct.query(`
    CREATE PROCEDURE three_results(IN n INT)
    BEGIN
      SELECT n AS first;
      SELECT id, v FROM every_type ORDER BY id;
      UPDATE every_type SET t = t WHERE id = 0;
    END`);
}, 120_000);

/**
 * mysql2 reads MariaDB's JSON columns as JSON only when the server offers MariaDB's extended metadata;
 * the proxy presents a MySQL greeting (as RDS Proxy does), so it gets the text. Same bytes either way.
 */
function sameJson(rows: unknown): unknown {
  if (!Array.isArray(rows)) return rows;
  return rows.map((row) => (row && typeof row === 'object' && 'j' in row ? { ...row, j: typeof row.j === 'string' ? JSON.parse(row.j) : row.j } : sameJson(row)));
}

/** Rows and column metadata (name, type, flags, decimals, charset) of one statement. */
async function result(conn: Connection, sql: string, values?: unknown[]): Promise<unknown> {
  const [rows, fields] = (await conn.query(sql, values)) as [unknown, FieldPacket[] | FieldPacket[][] | undefined];
  const describe = (f: FieldPacket) => ({ name: f.name, type: f.type, flags: f.flags, decimals: f.decimals, charset: f.characterSet, length: f.columnLength });
  const meta = Array.isArray(fields) ? fields.map((f) => (Array.isArray(f) ? f.map(describe) : f ? describe(f) : f)) : fields;
  return { rows: sameJson(rows), meta };
}

describe('relayed results are identical through the proxy and direct', () => {
  it.each([
    ['every column type, NULLs, binary, JSON, dates, decimals', 'SELECT * FROM every_type ORDER BY id'],
    ['an empty result', 'SELECT * FROM every_type WHERE id < 0'],
    ['computed columns', "SELECT 1 AS a, NULL AS b, 'x' AS c, 2.5 AS d, NOW() IS NOT NULL AS e, JSON_OBJECT('a', 1) AS j"],
    ['an OK with affected rows and insert id', "UPDATE every_type SET c = 'abc' WHERE id = 1"],
    ['multiple result sets from CALL', 'CALL three_results(7)'],
  ])('%s', async (_what, sql) => {
    expect(await result(viaProxy, sql)).toEqual(await result(direct, sql));
  });

  it('a row larger than one 16 MB packet, both ways', async () => {
    const big = 'x'.repeat(20 * 1024 * 1024);
    const writer = await world.connect(proxy); // a statement over 16 KB pins this session
    await writer.query('CREATE TABLE IF NOT EXISTS big_rows (id INT PRIMARY KEY, body LONGTEXT)');
    await writer.query('INSERT INTO big_rows VALUES (1, ?)', [big]);

    const [throughProxy] = await viaProxy.query<RowDataPacket[]>('SELECT id, body, LENGTH(body) AS n FROM big_rows');
    const [straight] = await direct.query<RowDataPacket[]>('SELECT body FROM big_rows');

    expect(Number(throughProxy[0]?.['n'])).toBe(big.length);
    expect(throughProxy[0]?.['body'] === big).toBe(true);
    expect(straight[0]?.['body'] === big).toBe(true);
    expect(proxy.metrics().SessionPinsByReason['statement-size']).toBe(1);
    await writer.end();
  });

  it('prepared statements (binary protocol) with every type', async () => {
    const sql = 'SELECT * FROM every_type WHERE id <> ? ORDER BY id';
    const conn = await world.connect(proxy, { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });

    const [a] = await conn.execute(sql, [99]);
    const [b] = await direct.execute(sql, [99]);

    expect(sameJson(a)).toEqual(sameJson(b));
    await conn.end();
  });

  it('the same bytes, packet for packet, as a direct connection with the same settings (text and binary protocol)', async () => {
    const login = { user: world.db.app.user, password: world.db.app.password, database: world.db.database, capabilities: BACKEND_BASE_CAPABILITIES | 0x20000, collationId: 224 };
    const through = await BackendConnection.open({ host: proxy.host, port: proxy.port, connectTimeoutMs: 5_000 }, login);
    const straight = await BackendConnection.open({ host: world.db.host, port: world.db.port, connectTimeoutMs: 5_000 }, login);
    try {
      for (const sql of ['SELECT * FROM every_type ORDER BY id', 'CALL three_results(1)', 'SELECT * FROM nope']) {
        const a = await through.exchange(commandPayload(Command.QUERY, sql), 'result');
        const b = await straight.exchange(commandPayload(Command.QUERY, sql), 'result');

        expect([sql, a.map((p) => p.payload.toString('hex'))]).toEqual([sql, b.map((p) => p.payload.toString('hex'))]);
      }
    } finally {
      through.destroy();
      straight.destroy();
    }
  });
});

describe('errors and refusals', () => {
  it('passes server errors through intact (errno, SQLSTATE, message) and the session carries on', async () => {
    const sql = 'SELECT * FROM no_such_table_here';
    const viaError = await viaProxy.query(sql).catch((e: { errno: number; sqlState: string; sqlMessage: string }) => e);
    const directError = await direct.query(sql).catch((e: { errno: number; sqlState: string; sqlMessage: string }) => e);

    expect(viaError).toMatchObject({ errno: 1146, sqlState: '42S02' });
    expect({ errno: (viaError as { errno: number }).errno, sqlState: (viaError as { sqlState: string }).sqlState, message: (viaError as { sqlMessage: string }).sqlMessage }).toEqual({
      errno: (directError as { errno: number }).errno,
      sqlState: (directError as { sqlState: string }).sqlState,
      message: (directError as { sqlMessage: string }).sqlMessage,
    });
    expect(await viaProxy.query('SELECT 1')).toBeDefined();
  });

  it('refuses LOAD DATA LOCAL INFILE cleanly (the database sees no local-files capability) and the session carries on', async () => {
    const file = join(tmpdir(), `local-rds-proxy-infile-${process.pid}.csv`);
    writeFileSync(file, '1\n2\n');
    await viaProxy.query('CREATE TABLE IF NOT EXISTS infile_rows (id INT)');

    const error = await viaProxy
      .query({ sql: `LOAD DATA LOCAL INFILE '${file}' INTO TABLE infile_rows`, infileStreamFactory: () => require('node:fs').createReadStream(file) } as never)
      .catch((e: { errno?: number; sqlState?: string }) => e);

    expect(error).toMatchObject({ errno: expect.any(Number), sqlState: expect.any(String) });
    expect((error as { errno: number }).errno).not.toBe(9501);
    expect(await viaProxy.query('SELECT COUNT(*) AS n FROM infile_rows').then(([rows]) => rows)).toEqual([{ n: '0' }]);
  });
});

describe('commands', () => {
  /** A raw protocol client through the proxy, for commands mysql2 has no method for. */
  async function raw(): Promise<BackendConnection> {
    return BackendConnection.open(
      { host: proxy.host, port: proxy.port, connectTimeoutMs: 5_000 },
      { user: world.db.app.user, password: world.db.app.password, database: world.db.database, capabilities: BACKEND_BASE_CAPABILITIES },
    );
  }

  it('COM_PING answers without a database connection; COM_QUIT ends the session', async () => {
    const conn = await world.connect(proxy);
    const requestsBefore = proxy.metrics().DatabaseConnectionRequests;

    await conn.ping();
    const requestsAfter = proxy.metrics().DatabaseConnectionRequests;
    const clientsBefore = proxy.metrics().ClientConnections;
    await conn.end();
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(requestsAfter).toBe(requestsBefore);
    expect(proxy.metrics().ClientConnections).toBe(clientsBefore - 1);
  });

  it('COM_INIT_DB switches the database (tracked), and relays an unknown database as the server words it', async () => {
    const conn = await raw();
    try {
      const [ok] = await conn.exchange(commandPayload(Command.INIT_DB, 'information_schema'), 'single');
      const selected = parseQueryResponse(await conn.exchange(commandPayload(Command.QUERY, 'SELECT DATABASE()'), 'result'));
      const [bad] = await conn.exchange(commandPayload(Command.INIT_DB, 'no_such_database'), 'single');

      expect(ok?.payload[0]).toBe(0x00);
      expect(selected).toMatchObject({ kind: 'rows', rows: [['information_schema']] });
      expect(bad && parseErr(bad.payload)).toMatchObject({ errno: 1044 });
    } finally {
      conn.destroy();
    }
  });

  it('COM_STATISTICS and COM_FIELD_LIST are relayed; unknown commands get 1047', async () => {
    const conn = await raw();
    try {
      const [stats] = await conn.exchange(commandPayload(Command.STATISTICS), 'single');
      const fields = await conn.exchange(commandPayload(Command.FIELD_LIST, Buffer.from('every_type\0')), 'field-list');
      const [unknown] = await conn.exchange(Buffer.from([0x08]), 'single'); // COM_SHUTDOWN

      expect(stats?.payload.toString()).toMatch(/^Uptime: \d+/);
      expect(fields).toHaveLength(26); // 25 columns and the EOF
      expect(unknown && parseErr(unknown.payload)).toMatchObject({ errno: 1047, sqlState: '08S01' });
    } finally {
      conn.destroy();
    }
  });

  it('COM_RESET_CONNECTION resets the session state; COM_CHANGE_USER logs in again', async () => {
    const conn = await world.connect(proxy);
    await conn.query("SET time_zone = '+03:00'");

    await conn.reset();
    const [afterReset] = await conn.query<RowDataPacket[]>('SELECT @@time_zone AS tz');
    await conn.changeUser({ user: world.db.app.user, password: world.db.app.password, database: 'information_schema' });
    const [afterChange] = await conn.query<RowDataPacket[]>('SELECT DATABASE() AS db, CURRENT_USER() AS who');
    const refused = await conn.changeUser({ user: world.db.app.user, password: 'wrong' }).catch((e: { errno?: number }) => e);

    expect(afterReset).toEqual([{ tz: 'SYSTEM' }]);
    expect(afterChange).toEqual([{ db: 'information_schema', who: `${world.db.app.user}@%` }]);
    expect(refused).toMatchObject({ errno: 1045 });
  });
});
