/**
 * Errors raised by libs/db. Each keeps the driver's error as `cause`; none
 * carries credentials, statement parameters or HTTP knowledge.
 */

/** Fields copied from a mysql2 error onto ours (never `sql`, which inlines parameter values). */
export interface DriverErrorInfo {
  /** Driver or server code, e.g. `ER_DUP_ENTRY`, `ECONNREFUSED`. */
  code?: string;
  /** Server error number, e.g. 1062. */
  errno?: number;
  sqlState?: string;
}

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
    super(message, { cause: options.cause });
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
 * The database could not be reached or had no connection to spare after bounded retries
 * (server down, too many connections, proxy borrow timeout). `retryAfterSeconds` is a hint for callers.
 *
 * @example
 * catch (e) { if (e instanceof DatabaseUnavailableError) return reply(503, { 'Retry-After': String(e.retryAfterSeconds) }); }
 */
export class DatabaseUnavailableError extends DatabaseError {
  override name = 'DatabaseUnavailableError';
  readonly retryAfterSeconds: number;
  readonly attempts: number;
  constructor(message: string, options: { cause?: unknown; retryAfterSeconds: number; attempts: number } & DriverErrorInfo) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.attempts = options.attempts;
  }
}

/**
 * The server rejected the credentials even after they were refreshed from their source.
 *
 * @example
 * catch (e) { if (e instanceof DatabaseAuthError) logger.error('database credentials are wrong', { error: e }); }
 */
export class DatabaseAuthError extends DatabaseError {
  override name = 'DatabaseAuthError';
}

/**
 * A statement ran longer than its time limit (client `timeoutMs`, or the server's
 * `max_statement_time` / `max_execution_time`).
 *
 * @example
 * await db.query('SELECT SLEEP(10)', [], { timeoutMs: 1_000 }); // rejects with QueryTimeoutError
 */
export class QueryTimeoutError extends DatabaseError {
  override name = 'QueryTimeoutError';
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
