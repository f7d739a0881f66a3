import { createAppAccount, dropAppAccount, serverVersion } from './accounts';
import { type ConnectTarget, killUserConnections, type SavedGlobal, saveGlobal, setGlobalVariable, withConnection } from './admin-ops';
import { randomPassword, randomSuffix } from './random';
import { ServerBase, type ServerInfo } from './server-base';
import type { MysqlServer, StartMysqlOptions } from './types';

/**
 * Parses an admin URL (`mysql://user:password@host:port[/db]`, `mariadb://` also accepted). The path is
 * ignored. Error messages never repeat the URL, since it holds a password.
 *
 * @example
 * parseAdminUrl('mysql://root:pw@127.0.0.1:3306'); // { host: '127.0.0.1', port: 3306, user: 'root', password: 'pw' }
 */
export function parseAdminUrl(url: string): Required<Pick<ConnectTarget, 'host' | 'port' | 'user' | 'password'>> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new Error('The admin URL (options.url or MYSQL_URL) is not a valid URL; expected mysql://user:password@host:port', { cause: error });
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`The admin URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const user = decodeURIComponent(parsed.username);
  if (user === '' || parsed.hostname === '') throw new Error('The admin URL needs a user and a host: mysql://user:password@host:port');
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user,
    password: decodeURIComponent(parsed.password),
  };
}

/** A run on a server someone else owns: its own database and app user, dropped on stop. */
function localOnly(operation: string): Promise<never> {
  return Promise.reject(
    new Error(
      `${operation} needs a local server: startMysql is using an external server (options.url or MYSQL_URL), which it cannot control. Unset MYSQL_URL to get a local one.`,
    ),
  );
}

class ExternalMysqlServer extends ServerBase implements MysqlServer {
  readonly mode = 'external';
  readonly pid = undefined;
  readonly dir = undefined;
  private readonly saved = new Map<string, SavedGlobal>();

  constructor(info: ServerInfo) {
    super(info);
  }

  stop(): Promise<void> {
    this.stopping ??= withConnection(this.admin, async (conn) => {
      const failures: unknown[] = [];
      const attempt = async (step: () => Promise<unknown>): Promise<void> => {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      };
      // Open sessions would hold metadata locks and make DROP DATABASE wait.
      await attempt(() => killUserConnections(conn, this.app.user));
      await attempt(() => dropAppAccount(conn, { database: this.database, user: this.app.user }));
      for (const saved of [...this.saved.values()].reverse()) await attempt(() => conn.query(saved.sql, saved.params));
      this.saved.clear();
      if (failures.length > 0) {
        throw new Error(`Cleaning up database ${this.database} / user ${this.app.user} on ${this.host}:${this.port} failed`, { cause: failures[0] });
      }
    });
    return this.stopping;
  }

  restart(): Promise<void> {
    return localOnly('restart()');
  }

  down(): Promise<void> {
    return localOnly('down()');
  }

  up(): Promise<void> {
    return localOnly('up()');
  }

  freeze(): Promise<void> {
    return localOnly('freeze()');
  }

  thaw(): Promise<void> {
    return localOnly('thaw()');
  }

  async setGlobal(name: string, value: string | number): Promise<void> {
    this.assertNotStopped('setGlobal()');
    await withConnection(this.admin, async (conn) => {
      if (!this.saved.has(name)) this.saved.set(name, await saveGlobal(conn, name));
      await setGlobalVariable(conn, name, value);
    });
  }
}

/**
 * Uses an existing server through its admin URL (see {@link startMysql}): creates a unique database and app
 * user for this run.
 *
 * @example
 * const server = await startExternalMysql('mysql://root:pw@127.0.0.1:3306', {});
 */
export async function startExternalMysql(url: string, options: StartMysqlOptions): Promise<MysqlServer> {
  const target = parseAdminUrl(url);
  const suffix = randomSuffix();
  const database = options.database ?? `app_${suffix}`;
  const appUser = options.appUser ?? `app_${suffix}`;
  const appPassword = randomPassword();
  let identity: Awaited<ReturnType<typeof serverVersion>>;
  try {
    identity = await withConnection(target, async (conn) => {
      const found = await serverVersion(conn);
      await createAppAccount(conn, found.flavor, { database, user: appUser, password: appPassword });
      return found;
    });
  } catch (error) {
    throw new Error(`Preparing database ${database} / user ${appUser} on ${target.host}:${target.port} failed: ${(error as Error).message}`, { cause: error });
  }
  return new ExternalMysqlServer({
    admin: { ...target, database },
    app: { host: target.host, port: target.port, user: appUser, password: appPassword, database },
    ...identity,
  });
}
