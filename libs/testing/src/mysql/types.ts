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
  /** App user created with `mysql_native_password` and all privileges on `database`. @default `app` (local), a unique `app_<random>` (external) */
  appUser?: string;
  /**
   * Extra server flags, e.g. `{ 'max-connections': 20, 'wait-timeout': 5 }` → `--max-connections=20`.
   * `true` passes the bare flag, `false` leaves it out. They come after the harness defaults, so they can
   * override them. Local mode only.
   */
  serverFlags?: Record<string, string | number | boolean>;
  /** Milliseconds to wait for the server to answer. @default 30_000 */
  startTimeoutMs?: number;
  /** Admin URL of an existing server; an empty string means "none, even if `MYSQL_URL` is set". @default `process.env.MYSQL_URL` */
  url?: string;
  /** Directories searched for `mariadbd`/`mysqld` and the install tool. @default `defaultSearchPath()`: `PATH` (read at call time), then the folders of `server-locations.json` */
  searchPath?: string[];
  /** Copy the data directory from a per-version template instead of initialising it each run. @default true */
  template?: boolean;
  /** Milliseconds `stop()`/`restart()` wait after SIGTERM before sending SIGKILL. @default 5_000 */
  stopTimeoutMs?: number;
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
  /** `mariadb` or `mysql`, from the server's version string. */
  readonly flavor: 'mariadb' | 'mysql';
  /** Server version as reported by `SELECT VERSION()`, e.g. `10.11.19-MariaDB-0+deb12u1`. */
  readonly version: string;
  /** Process id of the server (changes on `restart()`); `undefined` in external mode or once stopped. */
  readonly pid: number | undefined;
  /** Temp directory holding data, socket and logs (removed by `stop()`); `undefined` in external mode. */
  readonly dir: string | undefined;
  /** Stops the server (local) or drops the run's database and user (external), and removes temp files. Idempotent. */
  stop(): Promise<void>;
  /** Stops and starts the server again with the same data directory and port. Local mode only. */
  restart(): Promise<void>;
  /**
   * Stops the server process but keeps its data and port, so connections are refused until {@link up}.
   * `stop()` still cleans up. Local mode only.
   */
  down(): Promise<void>;
  /** Starts a server taken {@link down} again, same data and port. No-op while it runs. Local mode only. */
  up(): Promise<void>;
  /**
   * Suspends the server process (SIGSTOP): connections and logins hang instead of failing, as with a
   * black-holed network or a stuck server. Local mode only.
   */
  freeze(): Promise<void>;
  /** Resumes a frozen server (SIGCONT). Local mode only. */
  thaw(): Promise<void>;
  /** Kills every connection of `user` (default: the app user); returns how many were killed. */
  killConnections(user?: string): Promise<number>;
  /** `SET GLOBAL name = value`; in external mode the old value is restored on `stop()`. */
  setGlobal(name: string, value: string | number): Promise<void>;
  /** Runs one statement as the admin user. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}
