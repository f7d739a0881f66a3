import { startExternalMysql } from './external-server';
import { defaultSearchPath, findServer } from './find-server';
import { startLocalMysql } from './local-server';
import type { MysqlServer, StartMysqlOptions } from './types';

/**
 * Starts a throwaway, real MySQL-compatible server for tests and creates two accounts on it: `admin` (every
 * privilege) and an app user (`mysql_native_password`, random password, owner of one database).
 *
 * **Local mode** (default): finds `mariadbd`, else `mysqld`, on `PATH` or in `/usr/sbin`, `/usr/local/sbin`,
 * `/usr/local/mysql/bin` and the Homebrew folders (`server-locations.json`); copies a per-version template data dir (built once with `mariadb-install-db`, or
 * `mysqld --initialize-insecure` for MySQL — the MySQL path is best effort, only MariaDB is exercised by the
 * tests) into `os.tmpdir()/serverless-app-mysql-run-*`, and runs the server on a free 127.0.0.1 port. Every
 * control works: `stop`, `restart` (same data and port; a rotated app password keeps working),
 * `killConnections`, `setGlobal` (lasts until the next restart), `query`.
 *
 * **External mode** (`options.url`, else `MYSQL_URL`, is an admin URL such as `mysql://root:pw@127.0.0.1:3306`):
 * creates a unique database and app user on that server. `stop()` kills the app user's sessions, drops both,
 * and restores the globals changed through `setGlobal`. `killConnections` and `query` work; `restart()`
 * rejects; `serverFlags` and `template` are ignored. A run that is killed leaves its `app_*` database and
 * user behind.
 *
 * The process and its temp dir are removed on `stop()`, at process exit, on SIGINT/SIGTERM/SIGHUP, and by
 * a detached watchdog if this process is SIGKILLed; leftovers of dead owners are reaped on the next start.
 *
 * @throws {MysqlServerNotFoundError} when no server binary is found and no URL is given (the message says
 * how to install MariaDB or set `MYSQL_URL`).
 * @example
 * import { createConnection } from 'mysql2/promise';
 *
 * let server: MysqlServer;
 * beforeAll(async () => {
 *   server = await startMysql({ serverFlags: { 'max-connections': 20 } });
 * }, 60_000);
 * afterAll(() => server.stop());
 *
 * it('stores rows', async () => {
 *   const conn = await createConnection(server.app);
 *   await conn.query('CREATE TABLE t (id INT PRIMARY KEY)');
 *   await conn.end();
 * });
 */
export async function startMysql(options: StartMysqlOptions = {}): Promise<MysqlServer> {
  const url = options.url ?? process.env['MYSQL_URL'];
  if (url !== undefined && url !== '') return startExternalMysql(url, options);
  return startLocalMysql(findServer(options.searchPath ?? defaultSearchPath()), options);
}
