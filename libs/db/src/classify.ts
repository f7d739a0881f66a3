import {
  DatabaseAuthError,
  DatabaseError,
  type DriverErrorInfo,
  DuplicateEntryError,
  QueryTimeoutError,
} from './errors';

/** What kind of failure a driver error is, for deciding whether to retry. */
export type FailureKind =
  /** The server rejected the credentials (1045): refresh them and retry once. */
  | 'auth'
  /** No connection to be had right now (refused, too many connections, proxy borrow timeout, queue full). */
  | 'busy'
  /** The connection broke. */
  | 'connection-lost'
  /** The connection was already known to be closed; nothing was sent. */
  | 'closed'
  | 'timeout'
  | 'other';

const BUSY_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED (MariaDB) at connect time
  9501, // RDS Proxy: timed out waiting to acquire a database connection
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
]);
const TIMEOUT_ERRNOS = new Set([
  1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
  fatal?: unknown;
}

const asDriverError = (err: unknown): DriverError => (typeof err === 'object' && err !== null ? (err as DriverError) : {});

/** The safe fields of a driver error (never `sql`, which inlines parameter values). */
export function driverInfo(err: unknown): DriverErrorInfo {
  const e = asDriverError(err);
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
    ...(typeof e.sqlState === 'string' ? { sqlState: e.sqlState } : {}),
  };
}

/** Classifies an error raised by mysql2 while connecting or running a statement. */
export function classify(err: unknown): FailureKind {
  const e = asDriverError(err);
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.errno === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR') return 'auth';
  if (typeof e.errno === 'number' && BUSY_ERRNOS.has(e.errno)) return 'busy';
  if (message === 'Queue limit reached.' || message === 'No connections available.') return 'busy';
  if (typeof e.errno === 'number' && TIMEOUT_ERRNOS.has(e.errno)) return 'timeout';
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'timeout';
  if (message.startsWith("Can't add new command when connection is in closed state")) return 'closed';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'connection-lost';
  if (e.fatal === true) return 'connection-lost';
  return 'other';
}

/** The key name in `Duplicate entry 'x' for key 'items.uq_name'`. */
function duplicateKey(message: string): string | undefined {
  const match = /for key '([^']+)'$/.exec(message);
  return match?.[1]?.split('.').pop();
}

/**
 * Turns a server error on a statement into one of ours. The message is the
 * server's own (it names tables, columns and keys) with the value of a
 * duplicate entry removed.
 */
export function statementError(err: unknown): DatabaseError {
  if (err instanceof DatabaseError) return err;
  const e = asDriverError(err);
  const info = driverInfo(err);
  const serverMessage = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : 'unknown error';
  if (e.errno === 1062) {
    const key = duplicateKey(serverMessage);
    return new DuplicateEntryError(key ? `duplicate entry for key '${key}'` : 'duplicate entry', { ...info, cause: err, ...(key ? { key } : {}) });
  }
  if (classify(err) === 'timeout') {
    return new QueryTimeoutError('statement timed out', { ...info, cause: err });
  }
  if (classify(err) === 'auth') {
    return new DatabaseAuthError('database rejected the credentials', { ...info, cause: err });
  }
  return new DatabaseError(serverMessage, { ...info, cause: err });
}
