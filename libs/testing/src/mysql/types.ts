/** Where and as whom to connect. */
export interface MysqlCredentials {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Options for {@link startMysql}. */
export interface StartMysqlOptions {
  /** Name of the database created for the run. @default a unique `app_<random>` */
  database?: string;
  /** App user created with `mysql_native_password` and all privileges on `database`. @default `app` */
  appUser?: string;
  /** Extra server flags, e.g. `{ 'max-connections': 20, 'wait-timeout': 5 }` → `--max-connections=20`. Local mode only. */
  serverFlags?: Record<string, string | number | boolean>;
  /** Milliseconds to wait for the server to answer. @default 30_000 */
  startTimeoutMs?: number;
  /** Admin URL of an existing server; @default `process.env.MYSQL_URL` */
  url?: string;
}

/** A running throwaway server and its controls. */
export interface MysqlServer {
  /** `local`: a private `mariadbd`/`mysqld` process; `external`: the server named by `MYSQL_URL`. */
  readonly mode: 'local' | 'external';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** Full-privilege account. */
  readonly admin: MysqlCredentials;
  /** Least-privilege account with a password (`mysql_native_password`), owner of `database`. */
  readonly app: MysqlCredentials;
  /** `mysql://admin:...@127.0.0.1:port/database` */
  readonly adminUrl: string;
  readonly appUrl: string;
  /** Stops the server (local) or drops the run's database and user (external), and removes temp files. Idempotent. */
  stop(): Promise<void>;
  /** Stops and starts the server again with the same data directory and port. Local mode only. */
  restart(): Promise<void>;
  /** Kills every connection of `user` (default: the app user); returns how many were killed. */
  killConnections(user?: string): Promise<number>;
  /** `SET GLOBAL name = value`; in external mode the old value is restored on `stop()`. */
  setGlobal(name: string, value: string | number): Promise<void>;
  /** Runs one statement as the admin user. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}
