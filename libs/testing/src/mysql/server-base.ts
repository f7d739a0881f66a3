import { killUserConnections, withConnection } from './admin-ops';
import type { Flavor } from './accounts';
import type { MysqlCredentials, MysqlServer } from './types';

/**
 * `mysql://user:password@host:port/database`, percent-encoding the parts that need it.
 *
 * @example
 * connectionUrl(server.app); // 'mysql://app:q3J0...@127.0.0.1:40213/app_3f9a1c2b7d0e'
 */
export function connectionUrl(creds: MysqlCredentials): string {
  const host = creds.host.includes(':') ? `[${creds.host}]` : creds.host;
  const auth = `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}`;
  return `mysql://${auth}@${host}:${creds.port}/${encodeURIComponent(creds.database)}`;
}

/** Identity of a started server, shared by both modes. */
export interface ServerInfo {
  admin: MysqlCredentials;
  app: MysqlCredentials;
  flavor: Flavor;
  version: string;
}

/** What local and external servers have in common: connection info, admin queries, killing connections. */
export abstract class ServerBase implements Pick<MysqlServer, 'host' | 'port' | 'database' | 'admin' | 'app' | 'adminUrl' | 'appUrl' | 'flavor' | 'version'> {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly admin: MysqlCredentials;
  readonly app: MysqlCredentials;
  readonly adminUrl: string;
  readonly appUrl: string;
  readonly flavor: Flavor;
  readonly version: string;
  protected stopping: Promise<void> | undefined;

  protected constructor(info: ServerInfo) {
    this.admin = Object.freeze({ ...info.admin });
    this.app = Object.freeze({ ...info.app });
    this.host = info.app.host;
    this.port = info.app.port;
    this.database = info.app.database;
    this.adminUrl = connectionUrl(info.admin);
    this.appUrl = connectionUrl(info.app);
    this.flavor = info.flavor;
    this.version = info.version;
  }

  protected assertNotStopped(what: string): void {
    if (this.stopping !== undefined) throw new Error(`${what}: this MySQL server has been stopped.`);
  }

  async killConnections(user: string = this.app.user): Promise<number> {
    this.assertNotStopped('killConnections()');
    return withConnection(this.admin, (conn) => killUserConnections(conn, user));
  }

  async query<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
    this.assertNotStopped('query()');
    return withConnection(this.admin, async (conn) => {
      const [rows] = await conn.query(sql, params);
      return rows as T;
    });
  }
}
