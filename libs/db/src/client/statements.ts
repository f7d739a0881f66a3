import { classify, driverInfo, type FailureKind, statementError, TRANSIENT_KINDS } from '../classify';
import { DatabaseError, DatabaseUnavailableError, QueryTimeoutError, StatementOutcomeUnknownError, type UnavailableReason } from '../errors';
import type { DbClientLogger } from '../logger';
import { type ResolvedRetryOptions, RetryBudget, sleep } from '../retry';
import { isReplayableRead, leadingVerb } from '../statement-kind';
import type { ConnectionSource, Counters } from './connections';
import type { Connection } from './pool-generation';
import { serverLimitMs, withServerTimeLimit } from './server-time-limit';
import { TextMemo } from './text-memo';
import type { StatementOptions } from './types';
import { StatementWatchdog } from './watchdog';

export interface StatementRunnerSettings {
  statementTimeoutMs: number;
  serverTimeLimit: 'auto' | 'off';
  retry: ResolvedRetryOptions;
  retryAfterSeconds: number;
  logger: DbClientLogger;
  counters: Counters;
}

/** Why a statement failed without taking effect, by failure kind. */
const NOT_APPLIED: Partial<Record<FailureKind, { reason: UnavailableReason; message: string }>> = {
  'read-only': { reason: 'read-only', message: 'the database is read-only (a failover may be in progress); the statement was not applied' },
  contention: { reason: 'contention', message: 'lock wait timeout or deadlock; the statement was rolled back' },
  interrupted: { reason: 'interrupted', message: 'the server interrupted the statement; it was rolled back' },
  busy: { reason: 'busy', message: 'no database connection to spare for the statement (proxy borrow timeout); it did not run' },
};

/** Failures after which the connection is still good to lend again. */
const CONNECTION_SURVIVES: ReadonlySet<FailureKind> = new Set(['other', 'contention', 'interrupted', 'busy']);

interface StatementShape {
  /** {@link isReplayableRead} */
  read: boolean;
  /** {@link leadingVerb} */
  lead: ReturnType<typeof leadingVerb>;
}

type Mysql2Connection = Connection & { _isMariaDB?: boolean };

/**
 * Runs statements: one connection per statement, the time limit (the
 * statement timeout or the caller's deadline, whichever ends first) enforced by
 * the client and, where the server supports it, by the server; reads replayed
 * on a fresh connection when that is safe, writes never.
 */
export class StatementRunner {
  /** Enforces the client-side time limit of every statement with one timer. */
  private readonly watchdog = new StatementWatchdog();
  private readonly shapes = new TextMemo<StatementShape>();

  constructor(
    private readonly source: ConnectionSource,
    private readonly settings: StatementRunnerSettings,
  ) {}

  /** A budget for one call: the retry policy and the caller's deadline. */
  budgetFor(options: StatementOptions): RetryBudget {
    return new RetryBudget(this.settings.retry, options.deadline);
  }

  /**
   * Runs one statement outside a transaction: a pooled connection, the text protocol (`connection.query`, values
   * escaped client-side — never a server-side prepared statement, which would pin an RDS Proxy session), and
   * the retry, replay and outcome rules above.
   */
  async runStatement(sql: string, params: readonly unknown[], options: StatementOptions): Promise<unknown> {
    const budget = this.budgetFor(options);
    const read = this.shapeOf(sql).read;
    for (;;) {
      const lease = await this.source.acquire(budget);
      try {
        const result = await this.send(lease.connection, sql, params, budget, options.timeoutMs);
        this.source.release(lease);
        return result;
      } catch (err) {
        const kind = classify(err);
        if (CONNECTION_SURVIVES.has(kind) || isServerTimeout(err)) this.source.release(lease);
        else this.source.destroy(lease);
        if (err instanceof DatabaseError) throw err;
        if (kind === 'closed' && budget.takeFree('unsent-statement', 2)) {
          // The connection was known dead before the statement was written: nothing ran.
          this.settings.counters.staleConnectionsReplaced++;
          continue;
        }
        if (read && (await this.mayReplay(kind, err, budget))) continue;
        throw this.failure(err, kind, sql, read, budget);
      }
    }
  }

  /**
   * Sends one statement on a connection, bounded by the statement timeout and
   * the budget's deadline. Used for plain statements and inside transactions.
   */
  send(connection: Connection, sql: string, params: readonly unknown[], budget: RetryBudget, timeoutMs?: number): Promise<unknown> {
    const limitMs = Math.min(timeoutMs ?? this.settings.statementTimeoutMs, Math.floor(budget.remainingMs()));
    if (limitMs < 1) {
      return Promise.reject(new QueryTimeoutError('the deadline passed before the statement was sent; it did not run', { applied: false }));
    }
    const serverMs = this.settings.serverTimeLimit === 'auto' ? serverLimitMs(limitMs) : undefined;
    const text = serverMs === undefined ? sql : withServerTimeLimit(sql, serverMs, (connection as Mysql2Connection)._isMariaDB === true, this.shapeOf(sql).lead);
    // The string form of query() (an options object costs the driver a spread per call) and the client's one shared
    // timer instead of the driver's `timeout` (a timer armed and cleared per statement). At the limit the caller gets
    // the driver's own timeout error; the statement's answer, should it come later, is dropped.
    return new Promise((resolve, reject) => {
      const watch = this.watchdog.watch(limitMs, () => reject(statementTimedOut()));
      connection.query(text, params as unknown[], (err, result) => {
        this.watchdog.done(watch);
        if (err) reject(err);
        else resolve(result);
      });
    });
  }

  /** What is read off a statement's text, parsed once per distinct text. */
  private shapeOf(sql: string): StatementShape {
    return this.shapes.get(sql) ?? this.shapes.set(sql, { read: isReplayableRead(sql), lead: leadingVerb(sql) });
  }

  /**
   * Maps the failure of a statement that may have reached the server. Transient
   * server states become {@link DatabaseUnavailableError} (nothing applied); a
   * write whose connection died is {@link StatementOutcomeUnknownError}.
   */
  failure(err: unknown, kind: FailureKind, sql: string, read: boolean, budget?: RetryBudget): DatabaseError {
    const notApplied = NOT_APPLIED[kind];
    if (notApplied) {
      return new DatabaseUnavailableError(notApplied.message, {
        ...driverInfo(err),
        cause: err,
        attempts: budget?.attempts ?? 1,
        retryAfterSeconds: this.settings.retryAfterSeconds,
        reason: notApplied.reason,
      });
    }
    if (kind === 'connection-lost' || kind === 'closed') {
      if (read) {
        return new DatabaseUnavailableError('database connection lost during a read, also when it was run again', {
          ...driverInfo(err),
          cause: err,
          attempts: budget?.attempts ?? 1,
          retryAfterSeconds: this.settings.retryAfterSeconds,
          reason: 'unreachable',
        });
      }
      this.settings.counters.outcomeUnknown++;
      return new StatementOutcomeUnknownError(`connection lost while running ${firstWord(sql)}; it may or may not have taken effect and was not retried`, {
        ...driverInfo(err),
        cause: err,
      });
    }
    if (kind === 'timeout' && !isServerTimeout(err)) {
      if (!read) this.settings.counters.outcomeUnknown++;
      return new QueryTimeoutError('statement timed out; the connection was closed and the outcome is unknown', { ...driverInfo(err), cause: err });
    }
    return statementError(err);
  }

  /** Whether a failed read may run again: a lost connection costs no attempt (twice), a transient state a backoff. */
  private async mayReplay(kind: FailureKind, err: unknown, budget: RetryBudget): Promise<boolean> {
    let delay: number | undefined;
    if (kind === 'connection-lost') delay = budget.takeFree('unsent-statement', 2) ? 0 : undefined;
    else if (TRANSIENT_KINDS.has(kind)) delay = budget.nextDelay();
    if (delay === undefined) return false;
    this.settings.counters.readsReplayed++;
    this.settings.logger.warn('a read failed on a transient database condition; running it again on a fresh connection', { delayMs: delay, ...driverInfo(err) });
    if (delay > 0) await sleep(delay);
    return true;
  }
}

/** What mysql2 raises at a query's `timeout`, so that every reader of driver errors (classify, logs) sees one shape. */
function statementTimedOut(): Error {
  return Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT', errorno: 'PROTOCOL_SEQUENCE_TIMEOUT', syscall: 'query' });
}

/** The server stopped the statement at its time limit (it was rolled back; the connection is fine). */
const isServerTimeout = (err: unknown): boolean => classify(err) === 'timeout' && typeof (err as { errno?: unknown }).errno === 'number';

function firstWord(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'the statement';
}
