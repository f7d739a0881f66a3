import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { startMysql } from './start-mysql';
import type { MysqlServer } from './types';

jest.setTimeout(180_000);

describe('startMysql with an admin URL (external mode)', () => {
  // Stands in for the shared server: never the machine's own 3306.
  let host: MysqlServer;
  let external: MysqlServer;

  async function hostHas(sql: string, params: unknown[]): Promise<boolean> {
    const rows = await host.query<RowDataPacket[]>(sql, params);
    return rows.length > 0;
  }

  beforeAll(async () => {
    host = await startMysql({ url: '' });
    external = await startMysql({ url: host.adminUrl });
  });

  afterAll(async () => {
    await external?.stop();
    await host?.stop();
  });

  it('creates a unique database and app user on the given server', async () => {
    expect(external.mode).toBe('external');
    expect(external.pid).toBeUndefined();
    expect(external.dir).toBeUndefined();
    expect(external.port).toBe(host.port);
    expect(external.database).toMatch(/^app_[0-9a-f]{12}$/);
    expect(external.app.user).toMatch(/^app_[0-9a-f]{12}$/);
    expect(external.database).not.toBe(host.database);
    expect(external.admin).toMatchObject({ user: host.admin.user, password: host.admin.password, database: external.database });
    await expect(hostHas('SHOW DATABASES LIKE ?', [external.database])).resolves.toBe(true);
    const users = await host.query<RowDataPacket[]>('SELECT plugin FROM mysql.user WHERE User = ?', [external.app.user]);
    expect(users).toEqual([{ plugin: 'mysql_native_password' }]);
  });

  it('lets the app user work in its database', async () => {
    const conn = await createConnection(external.app);
    try {
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY)');
      await conn.query('INSERT INTO t VALUES (1)');
      const [rows] = await conn.query<RowDataPacket[]>('SELECT id FROM t');
      expect(rows).toEqual([{ id: 1 }]);
    } finally {
      await conn.end();
    }
  });

  it('kills the app user connections', async () => {
    const conn = await createConnection(external.app);
    conn.on('error', () => undefined);
    await expect(external.killConnections()).resolves.toBe(1);
    await expect(conn.query('SELECT 1')).rejects.toThrow();
    conn.destroy();
  });

  it('refuses to restart', async () => {
    await expect(external.restart()).rejects.toThrow(/needs a local server/);
    await expect(external.down()).rejects.toThrow(/down\(\) needs a local server/);
    await expect(external.freeze()).rejects.toThrow(/needs a local server/);
  });

  it('changes globals on the server (restored on stop, see below)', async () => {
    await external.setGlobal('wait_timeout', 1234);
    await external.setGlobal('wait_timeout', 4321);
    await external.setGlobal('sql_mode', 'ANSI_QUOTES');
    const rows = await host.query<RowDataPacket[]>('SELECT @@GLOBAL.wait_timeout AS w, @@GLOBAL.sql_mode AS m');
    expect(rows).toEqual([{ w: 4321, m: 'ANSI_QUOTES' }]);
  });
});

describe('external mode stop()', () => {
  it('drops the database and user and restores globals', async () => {
    const host = await startMysql({ url: '' });
    const previousEnv = process.env['MYSQL_URL'];
    try {
      const before = await host.query<RowDataPacket[]>('SELECT @@GLOBAL.wait_timeout AS w, @@GLOBAL.sql_mode AS m, CAST(@@GLOBAL.max_join_size AS CHAR) AS j');
      // Taken from MYSQL_URL when options.url is not given.
      process.env['MYSQL_URL'] = host.adminUrl;
      const external = await startMysql();
      expect(external.mode).toBe('external');
      await external.setGlobal('wait_timeout', 99);
      await external.setGlobal('sql_mode', 'ANSI_QUOTES');
      await external.setGlobal('max_join_size', 1000);
      const open = await createConnection(external.app);
      open.on('error', () => undefined);
      await open.query('CREATE TABLE t (id INT PRIMARY KEY)');
      await open.query('BEGIN');
      await open.query('SELECT * FROM t FOR UPDATE');

      await external.stop();
      await external.stop();
      open.destroy();

      const after = await host.query<RowDataPacket[]>('SELECT @@GLOBAL.wait_timeout AS w, @@GLOBAL.sql_mode AS m, CAST(@@GLOBAL.max_join_size AS CHAR) AS j');
      expect(after[0]?.['j']).toBe('18446744073709551615');
      expect(after).toEqual(before);
      await expect(host.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [external.database])).resolves.toEqual([]);
      await expect(host.query<RowDataPacket[]>('SELECT User FROM mysql.user WHERE User = ?', [external.app.user])).resolves.toEqual([]);
      await expect(external.query('SELECT 1')).rejects.toThrow(/stopped/);
    } finally {
      if (previousEnv === undefined) delete process.env['MYSQL_URL'];
      else process.env['MYSQL_URL'] = previousEnv;
      await host.stop();
    }
  });

  it('refuses a database that already exists instead of adopting it', async () => {
    const host = await startMysql({ url: '' });
    try {
      await expect(startMysql({ url: host.adminUrl, database: host.database })).rejects.toThrow(/database exists/i);
      await expect(host.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [host.database])).resolves.toHaveLength(1);
    } finally {
      await host.stop();
    }
  });

  it('rejects a URL that is not mysql://, without echoing it', async () => {
    await expect(startMysql({ url: 'postgres://u:secret@localhost/x' })).rejects.toThrow(/must start with mysql:\/\//);
    const error = (await startMysql({ url: 'mysql://u:secret@' }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/not a valid URL/);
    expect(error.message).not.toContain('secret');
  });
});
