/**
 * Errors raised by libs/db. None carries credentials, SQL text, statement
 * parameters or HTTP knowledge: a driver error is never kept as it is (mysql2's
 * errors hold the SQL with the values filled in, and server messages can quote
 * values), only its safe fields, as a {@link DriverErrorSummary} cause.
 */

/**
 * Marks an error class whose instances carry nothing but safe facts (no SQL,
 * values or secrets), so that it is kept whole as a cause.
 */
export const SAFE_ERROR: unique symbol = Symbol.for('serverless-app.db.safe-error');

/** Fields copied from a mysql2 error onto ours (never `sql` or `sqlMessage`). */
export interface DriverErrorInfo {
  /** Driver or server code, e.g. `ER_DUP_ENTRY`, `ECONNREFUSED`. */
  code?: string;
  /** Server error number, e.g. 1062. */
  errno?: number;
  sqlState?: string;
}

/**
 * What is left of a driver error once everything that could carry data is
 * dropped: its code, errno, SQL state and whether the connection died. A
 * server error's message is made from those, never copied (server messages
 * quote values, and mysql2 attaches the SQL); a client-side error's own message
 * (network, TLS, protocol) is kept, as it names only addresses and reasons.
 */
export class DriverErrorSummary extends Error {
  override name = 'DriverError';
  readonly [SAFE_ERROR] = true;
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;
  readonly fatal: boolean;

  /**
   * @example
   * const safe = DriverErrorSummary.of(mysql2Error); // keeps code, errno, sqlState, fatal; drops sql, sqlMessage
   */
  static of(error: unknown): DriverErrorSummary | undefined {
    if (error === undefined || error === null) return undefined;
    if (error instanceof DriverErrorSummary) return error;
    return new DriverErrorSummary(error);
  }

  private constructor(error: unknown) {
    const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    const code = typeof e['code'] === 'string' ? e['code'] : undefined;
    const errno = typeof e['errno'] === 'number' ? e['errno'] : undefined;
    const message = typeof e['message'] === 'string' ? e['message'] : '';
    const serverError = errno !== undefined || 'sqlMessage' in e || 'sql' in e || 'sqlState' in e;
    super(!serverError && message !== '' ? message.slice(0, 300) : [code ?? 'driver error', errno === undefined ? '' : `(${errno})`].join(' ').trim());
    this.code = code;
    this.errno = errno;
    this.sqlState = typeof e['sqlState'] === 'string' ? e['sqlState'] : undefined;
    this.fatal = e['fatal'] === true;
  }
}

const isSafe = (cause: unknown): boolean =>
  cause instanceof DatabaseError || (typeof cause === 'object' && cause !== null && (cause as { [SAFE_ERROR]?: unknown })[SAFE_ERROR] === true);

/** Our own errors are kept whole as causes; anything else is reduced to its safe fields. */
const safeCause = (cause: unknown): unknown => (isSafe(cause) ? cause : DriverErrorSummary.of(cause));

/** Base class of every error from libs/db. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;

  /**
   * @example
   * try { await db.query('SELECT 1'); } catch (e) { if (e instanceof DatabaseError) log.error(e.code); }
   */
  constructor(message: string, options: { cause?: unknown } & DriverErrorInfo = {}) {
    super(message, options.cause === undefined ? undefined : { cause: safeCause(options.cause) });
    this.code = options.code;
    this.errno = options.errno;
    this.sqlState = options.sqlState;
  }
}

/**
 * A unique key was violated (MySQL 1062). `key` is the index name when the server said it.
 *
 * @example
 * catch (e) { if (e instanceof DuplicateEntryError && e.key === 'uq_items_idempotency_key') return existing; }
 */
export class DuplicateEntryError extends DatabaseError {
  override name = 'DuplicateEntryError';
  readonly key: string | undefined;
  constructor(message: string, options: { cause?: unknown; key?: string } & DriverErrorInfo = {}) {
    super(message, options);
    this.key = options.key;
  }
}

/**
 * Why the database could not serve a call right now:
 * - `unreachable`: no connection could be opened (refused, network, server shutting down);
 * - `busy`: no connection to spare (too many connections, RDS Proxy borrow timeout, pool queue full);
 * - `read-only`: the server refused a write because it is read-only (a primary during failover);
 * - `contention`: lock wait timeout or deadlock; the statement (or transaction) was rolled back;
 * - `interrupted`: the server interrupted the statement (KILL QUERY) or the connection;
 * - `connection-lost`: the connection died inside a transaction, which the server rolled back;
 * - `deadline`: the caller's deadline left no time to get a connection;
 * - `credentials`: the credentials could not be loaded from their source.
 */
export type UnavailableReason =
  | 'unreachable'
  | 'busy'
  | 'read-only'
  | 'contention'
  | 'interrupted'
  | 'connection-lost'
  | 'deadline'
  | 'credentials';

/**
 * The database could not serve the call now, and the call had no effect — a
 * transient state worth retrying later (server down, no connection to spare,
 * a read-only primary, a deadlock). `retryAfterSeconds` is a hint for callers.
 *
 * @example
 * catch (e) { if (e instanceof DatabaseUnavailableError) return reply(503, { 'Retry-After': String(e.retryAfterSeconds) }); }
 */
export class DatabaseUnavailableError extends DatabaseError {
  override name = 'DatabaseUnavailableError';
  readonly retryAfterSeconds: number;
  readonly attempts: number;
  readonly reason: UnavailableReason;
  constructor(
    message: string,
    options: { cause?: unknown; retryAfterSeconds: number; attempts: number; reason?: UnavailableReason } & DriverErrorInfo,
  ) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.attempts = options.attempts;
    this.reason = options.reason ?? 'unreachable';
  }
}

/**
 * The server rejected the credentials even after they were refreshed from their source,
 * or again within the cool-down after such a refresh (no new refresh is attempted then).
 *
 * @example
 * catch (e) { if (e instanceof DatabaseAuthError) logger.error('database credentials are wrong', { error: e }); }
 */
export class DatabaseAuthError extends DatabaseError {
  override name = 'DatabaseAuthError';
}

/**
 * A statement ran longer than its time limit (client `timeoutMs`, the caller's
 * deadline, or the server's `max_statement_time` / `max_execution_time`).
 * `applied` is `false` when the server itself stopped the statement (it was
 * rolled back), `undefined` when the client gave up and the outcome is unknown.
 *
 * @example
 * await db.query('SELECT SLEEP(10)', [], { timeoutMs: 1_000 }); // rejects with QueryTimeoutError
 */
export class QueryTimeoutError extends DatabaseError {
  override name = 'QueryTimeoutError';
  readonly applied: false | undefined;
  constructor(message: string, options: { cause?: unknown; applied?: false } & DriverErrorInfo = {}) {
    super(message, options);
    this.applied = options.applied;
  }
}

/**
 * The connection was lost after a statement was sent, so whether it took effect is unknown.
 * libs/db never replays such a statement; the caller decides (for example with an idempotency key).
 *
 * @example
 * catch (e) { if (e instanceof StatementOutcomeUnknownError) return reply(503); }
 */
export class StatementOutcomeUnknownError extends DatabaseError {
  override name = 'StatementOutcomeUnknownError';
}
