/**
 * The database side of a single-user rotation: log in as the secret's user, change that user's own password,
 * check that a password works. mysql2 over TCP. Nothing here logs, and errors never carry a password.
 */
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';

/** MySQL/MariaDB error number for a failed login. */
export const ER_ACCESS_DENIED_ERROR = 1045;

/** The connection fields of an RDS secret (`{ username, password, host, port, dbname, ... }`). */
export interface DatabaseLogin {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname?: string;
}

/** The error number of a mysql2 error, if any. */
export function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/**
 * A copy of a mysql2 error without anything that can echo a statement's text (and with it a password):
 * only `code`, `errno` and `sqlState` survive.
 */
export function redactDatabaseError(error: unknown): Error {
  const source = (error ?? {}) as { code?: unknown; errno?: unknown; sqlState?: unknown };
  const code = typeof source.code === 'string' ? source.code : 'UNKNOWN';
  const errno = typeof source.errno === 'number' ? ` (errno ${source.errno})` : '';
  const redacted = new Error(`database error ${code}${errno}`);
  return Object.assign(redacted, { code, errno: source.errno, sqlState: source.sqlState });
}

/** Opens a connection as `login`; rejects with the mysql2 error (access denied: errno 1045). */
export function connect(login: DatabaseLogin, connectTimeoutMs: number): Promise<Connection> {
  return createConnection({
    host: login.host,
    port: login.port,
    user: login.username,
    password: login.password,
    database: login.dbname,
    connectTimeout: connectTimeoutMs,
    multipleStatements: false,
  });
}

/** Opens a connection, or returns `undefined` when the server rejects the credentials (errno 1045). */
export async function tryConnect(login: DatabaseLogin, connectTimeoutMs: number): Promise<Connection | undefined> {
  try {
    return await connect(login, connectTimeoutMs);
  } catch (error) {
    if (errnoOf(error) === ER_ACCESS_DENIED_ERROR) return undefined;
    throw redactDatabaseError(error);
  }
}

/**
 * The statement that sets the connected account's own password without extra privileges, keeping its
 * authentication plugin: MariaDB and MySQL < 8 take `PASSWORD(?)`; MySQL 8+ dropped `PASSWORD()` and takes the
 * plain string (what AWS's own MySQL rotation function does).
 */
export function setOwnPasswordStatement(serverVersion: string): string {
  if (/mariadb/i.test(serverVersion)) return 'SET PASSWORD = PASSWORD(?)';
  const major = Number.parseInt(serverVersion, 10);
  return Number.isFinite(major) && major >= 8 ? 'SET PASSWORD = ?' : 'SET PASSWORD = PASSWORD(?)';
}

/** Changes the password of the account `connection` is logged in as. */
export async function setOwnPassword(connection: Connection, newPassword: string): Promise<void> {
  const [rows] = await connection.query<Array<{ version: string } & RowDataPacket>>(
    'SELECT VERSION() AS version',
  );
  const version = rows[0]?.version ?? '';
  try {
    await connection.query(setOwnPasswordStatement(version), [newPassword]);
  } catch (error) {
    throw redactDatabaseError(error);
  }
}

/** Closes a connection, ignoring errors (the server may already have dropped it). */
export async function closeQuietly(connection: Connection): Promise<void> {
  try {
    await connection.end();
  } catch {
    connection.destroy();
  }
}
