import type { Connection, RowDataPacket } from 'mysql2/promise';
import { assertName, quoteDatabase } from './sql-names';

/** Which SQL dialect of account management to speak. */
export type Flavor = 'mariadb' | 'mysql';

/**
 * The server's version string and flavor.
 *
 * @example
 * await serverVersion(conn); // { version: '10.11.19-MariaDB-0+deb12u1', flavor: 'mariadb' }
 */
export async function serverVersion(conn: Connection): Promise<{ version: string; flavor: Flavor }> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS version');
  const version = String(rows[0]?.['version'] ?? '');
  return { version, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
}

const ER_PLUGIN_IS_NOT_LOADED = 1524;

/**
 * `CREATE USER name@'%'` authenticated by `mysql_native_password` (what RDS Proxy speaks). On a MySQL
 * without that plugin (9.x, or 8.4 started without it) it falls back to the server's default plugin.
 *
 * @example
 * await createNativePasswordUser(conn, 'mariadb', 'app', randomPassword());
 */
export async function createNativePasswordUser(conn: Connection, flavor: Flavor, user: string, password: string): Promise<void> {
  assertName('user', user);
  if (flavor === 'mariadb') {
    await conn.query("CREATE USER ?@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD(?)", [user, password]);
    return;
  }
  try {
    await conn.query("CREATE USER ?@'%' IDENTIFIED WITH mysql_native_password BY ?", [user, password]);
  } catch (error) {
    if ((error as { errno?: number }).errno !== ER_PLUGIN_IS_NOT_LOADED) throw error;
    await conn.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
  }
}

/**
 * Creates an account with every privilege, grant option included.
 *
 * @example
 * await createAdminAccount(conn, 'mariadb', 'admin', randomPassword());
 */
export async function createAdminAccount(conn: Connection, flavor: Flavor, user: string, password: string): Promise<void> {
  await createNativePasswordUser(conn, flavor, user, password);
  await conn.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [user]);
}

/** The database and app user of one run. */
export interface AppAccount {
  database: string;
  user: string;
  password: string;
}

/**
 * Creates the run's database and an app user owning it. Fails (rather than adopting) if either already
 * exists, so `dropAppAccount` only ever drops what this run created.
 *
 * @example
 * await createAppAccount(conn, 'mysql', { database: 'app_1', user: 'app_1', password });
 */
export async function createAppAccount(conn: Connection, flavor: Flavor, account: AppAccount): Promise<void> {
  const database = quoteDatabase(account.database);
  await conn.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  try {
    await createNativePasswordUser(conn, flavor, account.user, account.password);
  } catch (error) {
    await conn.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    throw error;
  }
  await conn.query(`GRANT ALL PRIVILEGES ON ${database}.* TO ?@'%'`, [account.user]);
}

/**
 * Drops the run's app user and database.
 *
 * @example
 * await dropAppAccount(conn, { database: 'app_1', user: 'app_1' });
 */
export async function dropAppAccount(conn: Connection, account: Pick<AppAccount, 'database' | 'user'>): Promise<void> {
  await conn.query("DROP USER IF EXISTS ?@'%'", [assertName('user', account.user)]);
  await conn.query(`DROP DATABASE IF EXISTS ${quoteDatabase(account.database)}`);
}

/**
 * Drops the passwordless root accounts a fresh install has for TCP (`root@127.0.0.1`, `root@::1`,
 * `root@<hostname>`) and any anonymous ones: on a shared machine any local user could use them.
 * `root@localhost` stays: it only matches the Unix socket, which sits in a 0700 directory.
 *
 * @example
 * await dropNetworkRoots(conn);
 */
export async function dropNetworkRoots(conn: Connection): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>("SELECT User AS user, Host AS host FROM mysql.user WHERE (User = 'root' AND Host <> 'localhost') OR User = ''");
  for (const row of rows) await conn.query('DROP USER ?@?', [row['user'], row['host']]);
}
