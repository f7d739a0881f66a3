import type { ConnectionOptions, PoolOptions as Mysql2PoolOptions } from 'mysql2';
import type { DbCredentials } from '../credentials';
import { iamDriverAuth, type IamAuthOptions } from '../iam-auth';
import { resolveTls, type TlsOption } from '../tls';
import type { DbClientOptions, PoolOptions } from './types';

export const POOL_DEFAULTS: Required<PoolOptions> = {
  connectionLimit: 2,
  queueLimit: 0,
  connectTimeoutMs: 3_000,
  acquireTimeoutMs: 3_000,
  idleTimeoutMs: 60_000,
  validateAfterIdleMs: 1_000,
};
export const STATEMENT_TIMEOUT_DEFAULT_MS = 10_000;
export const AUTH_FAILURE_COOLDOWN_DEFAULT_MS = 30_000;

function atLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

/**
 * Checks the options of `createDbClient` and fills in the pool defaults. Throws
 * a TypeError or RangeError naming the option at fault.
 */
export function validateOptions(options: DbClientOptions): Required<PoolOptions> {
  if (typeof options.host !== 'string' || options.host.trim() === '') throw new TypeError('host must be a non-empty string');
  if (typeof options.database !== 'string' || options.database.trim() === '') throw new TypeError('database must be a non-empty string');
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535)) {
    throw new RangeError(`port must be between 1 and 65535, got ${String(options.port)}`);
  }
  if (options.credentials === undefined ? !options.iamAuth : typeof options.credentials.get !== 'function' || typeof options.credentials.refresh !== 'function') {
    throw new TypeError('credentials must have get() and refresh()');
  }
  if (options.iamAuth && (typeof options.iamAuth.username !== 'string' || options.iamAuth.username === '' || typeof options.iamAuth.tokens?.get !== 'function')) {
    throw new TypeError('iamAuth needs a username and a token source');
  }
  if (options.instrument !== undefined && typeof options.instrument !== 'function') throw new TypeError('instrument must be a function');
  if (options.serverTimeLimit !== undefined && options.serverTimeLimit !== 'auto' && options.serverTimeLimit !== 'off') {
    throw new TypeError(`serverTimeLimit must be 'auto' or 'off', got ${String(options.serverTimeLimit)}`);
  }
  const pool = { ...POOL_DEFAULTS, ...options.pool };
  for (const [key, value] of Object.entries(pool)) atLeast(`pool.${key}`, value, key === 'connectionLimit' ? 1 : 0);
  if (options.statementTimeoutMs !== undefined) atLeast('statementTimeoutMs', options.statementTimeoutMs, 1);
  if (options.authFailureCooldownMs !== undefined) atLeast('authFailureCooldownMs', options.authFailureCooldownMs, 0);
  return pool;
}

/** Where and how to connect: what a pool and a single migration connection share. */
export interface ConnectionTarget {
  host: string;
  /** @default 3306 */
  port?: number;
  database: string;
  /** @default 'auto' */
  tls?: TlsOption;
  /** The password login; ignored with `iamAuth`. */
  credentials?: DbCredentials;
  iamAuth?: IamAuthOptions;
  /** @default 3_000 */
  connectTimeoutMs?: number;
}

/**
 * The mysql2 options to reach a database the way libs/db does: TLS per
 * {@link resolveTls} (verified, host name checked), UTC, big numbers as
 * strings, and either the password or IAM tokens (`mysql_clear_password`,
 * refused without TLS). The pool and the migration runner both connect with it.
 *
 * @example
 * const connection = connectionOptions({ host, database: 'app', credentials: await provider.get() });
 * await migrate({ connection, migrations });
 */
export function connectionOptions(target: ConnectionTarget): ConnectionOptions {
  const ssl = resolveTls(target.host, target.tls);
  const options: ConnectionOptions = {
    host: target.host,
    port: target.port ?? 3306,
    database: target.database,
    ssl,
    connectTimeout: target.connectTimeoutMs ?? POOL_DEFAULTS.connectTimeoutMs,
    supportBigNumbers: true,
    timezone: 'Z',
    // Never several statements per call: they pin RDS Proxy sessions (the migration runner opts in itself).
    multipleStatements: false,
  };
  if (target.iamAuth) {
    if (!ssl) throw new TypeError('iamAuth requires TLS: the token is sent in clear text; set tls to verify');
    return { ...options, ...iamDriverAuth(target.iamAuth) };
  }
  return { ...options, user: target.credentials?.username, password: target.credentials?.password };
}

/** The mysql2 pool options of a client, without credentials (each pool generation adds its own). */
export function poolDriverOptions(options: DbClientOptions, pool: Required<PoolOptions>): Mysql2PoolOptions {
  const base = connectionOptions({ ...options, credentials: undefined, connectTimeoutMs: pool.connectTimeoutMs });
  if (!options.iamAuth) {
    delete base.user;
    delete base.password;
  }
  return {
    ...options.driverOptions,
    ...base,
    connectionLimit: pool.connectionLimit,
    queueLimit: pool.queueLimit,
    waitForConnections: true,
    idleTimeout: pool.idleTimeoutMs,
    maxIdle: pool.connectionLimit,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
  };
}
