import {
  DatabaseAuthError,
  DatabaseError,
  type DriverErrorInfo,
  DuplicateEntryError,
  QueryTimeoutError,
} from './errors';

/**
 * What kind of failure a driver error is — the one taxonomy every retry and
 * every error mapping of libs/db (and of its callers) is decided by.
 */
export type FailureKind =
  /** The server rejected the credentials (1045): refresh them once and retry. */
  | 'auth'
  /** No connection to spare now (too many connections, RDS Proxy borrow timeout, pool queue full). Nothing ran. */
  | 'busy'
  /** The connection broke (network error, server gone, connection killed); a statement in flight may have run. */
  | 'connection-lost'
  /** The connection was already known to be closed; nothing was sent. */
  | 'closed'
  /** The server is read-only (a primary during failover) and refused a write. Nothing ran. */
  | 'read-only'
  /** Lock wait timeout or deadlock: the statement (deadlock: the transaction) was rolled back. */
  | 'contention'
  /** The server interrupted the statement (KILL QUERY); it was rolled back, the connection lives. */
  | 'interrupted'
  /** The statement hit a time limit (server-side: rolled back; client-side: outcome unknown). */
  | 'timeout'
  | 'other';

/** Failures that say "not now": worth retrying later, answered as unavailable. */
export const TRANSIENT_KINDS: ReadonlySet<FailureKind> = new Set(['busy', 'read-only', 'contention', 'interrupted']);

/** mysql2 codes of a connection that died: checked before any server error number. */
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
]);

/** Server error numbers, by kind. */
const ERRNO_KIND = new Map<number, FailureKind>([
  [1045, 'auth'], // ER_ACCESS_DENIED_ERROR
  [1040, 'busy'], // ER_CON_COUNT_ERROR: too many connections
  [1203, 'busy'], // ER_TOO_MANY_USER_CONNECTIONS
  [9501, 'busy'], // RDS Proxy: timed out waiting to acquire a database connection (at login or per statement)
  [1053, 'connection-lost'], // ER_SERVER_SHUTDOWN: the server closes the connection
  [1927, 'connection-lost'], // ER_CONNECTION_KILLED (MariaDB): KILL CONNECTION
  [1290, 'read-only'], // ER_OPTION_PREVENTS_STATEMENT (--read-only)
  [1836, 'read-only'], // ER_READ_ONLY_MODE
  [1205, 'contention'], // ER_LOCK_WAIT_TIMEOUT
  [1213, 'contention'], // ER_LOCK_DEADLOCK
  [1317, 'interrupted'], // ER_QUERY_INTERRUPTED: KILL QUERY
  [1969, 'timeout'], // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  [3024, 'timeout'], // ER_QUERY_TIMEOUT (MySQL max_execution_time)
]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  message?: unknown;
  fatal?: unknown;
}

const asDriverError = (err: unknown): DriverError => (typeof err === 'object' && err !== null ? (err as DriverError) : {});

/** The safe fields of a driver error (never `sql` or `sqlMessage`, which can carry values). */
export function driverInfo(err: unknown): DriverErrorInfo {
  const e = asDriverError(err);
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
    ...(typeof e.sqlState === 'string' ? { sqlState: e.sqlState } : {}),
  };
}

/**
 * Classifies an error raised by mysql2 while connecting or running a statement.
 * A dead connection is recognised first (network codes, fatal errors), then the
 * server's error number.
 *
 * @example
 * classify(err) === 'read-only'; // SET GLOBAL read_only = 1 on the primary
 */
export function classify(err: unknown): FailureKind {
  const e = asDriverError(err);
  const message = typeof e.message === 'string' ? e.message : '';
  if (message.startsWith("Can't add new command when connection is in closed state")) return 'closed';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'connection-lost';
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'timeout';
  if (e.code === 'ER_ACCESS_DENIED_ERROR') return 'auth';
  const byErrno = typeof e.errno === 'number' ? ERRNO_KIND.get(e.errno) : undefined;
  if (byErrno) return byErrno;
  if (message === 'Queue limit reached.' || message === 'No connections available.' || e.code === 'ACQUIRE_TIMEOUT') return 'busy';
  if (e.fatal === true) return 'connection-lost';
  return 'other';
}

/** What a failed statement's server error says, in words that never quote the statement or its values. */
const SAFE_MESSAGES = new Map<number, string>([
  [1048, 'a column that must not be null was given null'],
  [1054, 'unknown column'],
  [1064, 'SQL syntax error'],
  [1146, 'table does not exist'],
  [1264, 'a value is out of range for its column'],
  [1265, 'a value was truncated for its column'],
  [1366, 'a value is not valid for its column'],
  [1406, 'a value is too long for its column'],
  [1451, 'a foreign key constraint prevents deleting or updating the parent row'],
  [1452, 'a foreign key constraint fails: the referenced row does not exist'],
]);

/** The key name in `Duplicate entry 'x' for key 'items.uq_name'`; the value is never kept. */
function duplicateKey(message: string): string | undefined {
  const match = /for key '([^']+)'$/.exec(message);
  return match?.[1]?.split('.').pop();
}

/**
 * Turns a server error on a statement into one of ours. The message is made
 * from the error number, never copied from the server (server messages quote
 * values: "Incorrect string value: '…' for column"), and the driver error is
 * kept only as a summary of its safe fields.
 *
 * @example
 * statementError(err); // DuplicateEntryError { key: 'uq_email', message: "duplicate entry for key 'uq_email'" }
 */
export function statementError(err: unknown): DatabaseError {
  if (err instanceof DatabaseError) return err;
  const e = asDriverError(err);
  const info = driverInfo(err);
  if (e.errno === 1062) {
    const key = duplicateKey(typeof (err as { sqlMessage?: unknown }).sqlMessage === 'string' ? (err as { sqlMessage: string }).sqlMessage : String(e.message ?? ''));
    return new DuplicateEntryError(key ? `duplicate entry for key '${key}'` : 'duplicate entry', { ...info, cause: err, ...(key ? { key } : {}) });
  }
  const kind = classify(err);
  if (kind === 'timeout') {
    const serverSide = typeof e.errno === 'number';
    return new QueryTimeoutError(serverSide ? 'statement stopped by the server at its time limit; it was rolled back' : 'statement timed out', {
      ...info,
      cause: err,
      ...(serverSide ? { applied: false as const } : {}),
    });
  }
  if (kind === 'auth') return new DatabaseAuthError('database rejected the credentials', { ...info, cause: err });
  const known = typeof e.errno === 'number' ? SAFE_MESSAGES.get(e.errno) : undefined;
  const label = [info.code, info.errno === undefined ? undefined : `(${info.errno})`].filter(Boolean).join(' ');
  return new DatabaseError(known ? `${known}${label ? ` [${label}]` : ''}` : `statement failed${label ? `: ${label}` : ''}`, { ...info, cause: err });
}
