import { existsSync } from 'node:fs';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { randomPassword } from './random';
import { closeAll, openUntilRefused, ownedTempDirs, processGone } from './spec-helpers';
import { startMysql } from './start-mysql';
import type { MysqlServer } from './types';
import { ServerStartError } from './wait-ready';

jest.setTimeout(180_000);

const ER_CON_COUNT_ERROR = 1040;
const ER_ACCESS_DENIED_ERROR = 1045;

async function globalValue(server: MysqlServer, name: string): Promise<unknown> {
  const rows = await server.query<RowDataPacket[]>(`SELECT @@GLOBAL.${name} AS value`);
  return rows[0]?.['value'];
}

describe('startMysql (local server)', () => {
  let server: MysqlServer;

  beforeAll(async () => {
    server = await startMysql({ url: '', database: 'harness_test' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('describes a local server on 127.0.0.1 with distinct random passwords', () => {
    expect(server.mode).toBe('local');
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.port).not.toBe(3306);
    expect(server.database).toBe('harness_test');
    expect(server.app).toMatchObject({ host: '127.0.0.1', port: server.port, user: 'app', database: 'harness_test' });
    expect(server.admin.user).toBe('admin');
    expect(server.app.password).toHaveLength(24);
    expect(server.admin.password).not.toBe(server.app.password);
    expect(server.adminUrl).toBe(`mysql://admin:${server.admin.password}@127.0.0.1:${server.port}/harness_test`);
    expect(server.appUrl).toBe(`mysql://app:${server.app.password}@127.0.0.1:${server.port}/harness_test`);
    expect(server.pid).toEqual(expect.any(Number));
    expect(server.dir).toContain('serverless-app-mysql-run-');
  });

  it('lets the app user create a table and insert over TCP', async () => {
    const conn = await createConnection(server.app);
    try {
      await conn.query('CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(100) NOT NULL)');
      const [result] = await conn.query('INSERT INTO notes (body) VALUES (?)', ['hello']);
      expect(result).toMatchObject({ affectedRows: 1, insertId: 1 });
      const [rows] = await conn.query<RowDataPacket[]>('SELECT body FROM notes');
      expect(rows).toEqual([{ body: 'hello' }]);
    } finally {
      await conn.end();
    }
  });

  it('creates the app user with mysql_native_password and only the rights on its database', async () => {
    const rows = await server.query<RowDataPacket[]>("SELECT plugin FROM mysql.user WHERE User = 'app'");
    expect(rows).toEqual([{ plugin: 'mysql_native_password' }]);
    const conn = await createConnection(server.app);
    try {
      await expect(conn.query('CREATE DATABASE not_mine')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    } finally {
      await conn.end();
    }
  });

  it('leaves no passwordless root reachable over TCP', async () => {
    await expect(createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '' })).rejects.toThrow();
  });

  it('answers admin queries with placeholders', async () => {
    await expect(server.query<RowDataPacket[]>('SELECT ? + 1 AS n', [41])).resolves.toEqual([{ n: 42 }]);
  });

  it('restarts on the same port with the same data, keeping a rotated app password', async () => {
    const before = server.pid;
    const rotated = randomPassword();
    await server.query("ALTER USER ?@'%' IDENTIFIED BY ?", [server.app.user, rotated]);

    await server.restart();

    expect(server.pid).toEqual(expect.any(Number));
    expect(server.pid).not.toBe(before);
    expect(processGone(before as number)).toBe(true);
    const conn = await createConnection({ ...server.app, password: rotated });
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT body FROM notes');
      expect(rows).toEqual([{ body: 'hello' }]);
    } finally {
      await conn.end();
    }
    await expect(createConnection(server.app)).rejects.toMatchObject({ errno: ER_ACCESS_DENIED_ERROR });
    await server.query("ALTER USER ?@'%' IDENTIFIED BY ?", [server.app.user, server.app.password]);
  });

  it('goes down and comes back up on the same port with the same data', async () => {
    await server.down();

    expect(server.pid).toBeUndefined();
    await expect(createConnection(server.app)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await server.up();
    const conn = await createConnection(server.app);
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT body FROM notes');
      expect(rows).toEqual([{ body: 'hello' }]);
    } finally {
      await conn.end();
    }
  });

  it('freezes (logins hang) and thaws', async () => {
    await server.freeze();
    const login = createConnection({ ...server.app, connectTimeout: 300 }).then(
      async (conn) => {
        await conn.end();
        return 'connected';
      },
      (error: { code?: string }) => error.code,
    );

    await expect(login).resolves.toBe('ETIMEDOUT');
    await server.thaw();
    const conn = await createConnection(server.app);
    await conn.end();
  });

  it('kills every connection of the app user, not the caller', async () => {
    const first = await createConnection(server.app);
    const second = await createConnection(server.app);
    const errors: unknown[] = [];
    first.on('error', (error) => errors.push(error));
    second.on('error', (error) => errors.push(error));

    await expect(server.killConnections()).resolves.toBe(2);

    await expect(first.query('SELECT 1')).rejects.toThrow();
    await expect(second.query('SELECT 1')).rejects.toThrow();
    await expect(server.killConnections()).resolves.toBe(0);
    await expect(server.killConnections('nobody_here')).resolves.toBe(0);
    first.destroy();
    second.destroy();
  });

  it('lowers max_connections with setGlobal until the app user gets ER_CON_COUNT_ERROR', async () => {
    await server.setGlobal('max_connections', 10);
    const limit = Number(await globalValue(server, 'max_connections'));
    expect(limit).toBe(10);
    const { open, refusal } = await openUntilRefused(server.app, limit + 5);
    await closeAll(open);
    await server.setGlobal('max_connections', 151);

    expect(open.length).toBeLessThanOrEqual(limit);
    expect(refusal).toMatchObject({ errno: ER_CON_COUNT_ERROR, code: 'ER_CON_COUNT_ERROR' });
  });

  it('sets string globals through a placeholder and rejects names that are not identifiers', async () => {
    await server.setGlobal('sql_mode', 'STRICT_TRANS_TABLES');
    await expect(globalValue(server, 'sql_mode')).resolves.toBe('STRICT_TRANS_TABLES');
    await expect(server.setGlobal('max_connections = 1; DROP DATABASE harness_test; --', 1)).rejects.toThrow(/Invalid variable name/);
  });
});

describe('startMysql serverFlags', () => {
  let server: MysqlServer;

  beforeAll(async () => {
    server = await startMysql({ url: '', serverFlags: { 'max-connections': 10, 'wait-timeout': 77, 'skip-show-database': true, 'old-passwords': false } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('passes valued and bare flags to the server', async () => {
    await expect(globalValue(server, 'wait_timeout')).resolves.toBe(77);
    await expect(globalValue(server, 'skip_show_database')).resolves.toBe(1);
    await expect(globalValue(server, 'max_connections')).resolves.toBe(10);
  });

  it('a max-connections flag makes the app user hit ER_CON_COUNT_ERROR', async () => {
    const { open, refusal } = await openUntilRefused(server.app, 15);
    await closeAll(open);
    expect(open.length).toBeLessThanOrEqual(10);
    expect(refusal).toMatchObject({ errno: ER_CON_COUNT_ERROR });
  });
});

describe('startMysql lifecycle', () => {
  it('stop() leaves no process and no temp dir, and is idempotent', async () => {
    const server = await startMysql({ url: '' });
    const pid = server.pid as number;
    const dir = server.dir as string;
    expect(processGone(pid)).toBe(false);
    expect(existsSync(dir)).toBe(true);

    await Promise.all([server.stop(), server.stop()]);
    await server.stop();

    expect(processGone(pid)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(ownedTempDirs()).toEqual([]);
    expect(server.pid).toBeUndefined();
    await expect(server.query('SELECT 1')).rejects.toThrow(/stopped/);
    expect(() => server.restart()).toThrow(/stopped/);
  });

  it('fails with the tail of the error log when the server cannot start, and cleans up', async () => {
    const error: unknown = await startMysql({ url: '', serverFlags: { 'no-such-option-at-all': 1 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as Error).message).toMatch(/exited .* before it was ready/);
    expect((error as Error).message).toMatch(/no-such-option-at-all/);
    expect(ownedTempDirs()).toEqual([]);
  });

  it('rejects a malformed flag name before starting anything', async () => {
    await expect(startMysql({ url: '', serverFlags: { '--user': 'mysql' } })).rejects.toThrow(/Invalid server flag name/);
  });

  it('starts without the template too', async () => {
    const server = await startMysql({ url: '', template: false });
    try {
      await expect(server.query<RowDataPacket[]>('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
    }
  });
});
