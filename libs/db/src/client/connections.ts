import type { PoolOptions as Mysql2PoolOptions } from 'mysql2';
import { classify, driverInfo, type FailureKind, statementError } from '../classify';
import type { CredentialsProvider, DbCredentials } from '../credentials';
import { DatabaseAuthError, DatabaseError, DatabaseUnavailableError, type UnavailableReason } from '../errors';
import type { IamAuthOptions } from '../iam-auth';
import type { DbClientLogger } from '../logger';
import { type RetryBudget, sleep } from '../retry';
import { type Connection, PoolGeneration } from './pool-generation';
import type { DbClientCounters, PoolOptions } from './types';

/** A connection lent to one statement or transaction, and the pool it came from. */
export interface Lease {
  connection: Connection;
  generation: PoolGeneration;
}

/** The counters of {@link DbClientStats}, shared by the parts of the client. */
export type Counters = DbClientCounters;

export const newCounters = (): Counters => ({
  retries: 0,
  credentialRefreshes: 0,
  credentialRefreshFailures: 0,
  authFailuresShortCircuited: 0,
  staleConnectionsReplaced: 0,
  readsReplayed: 0,
  outcomeUnknown: 0,
  poolWaitMs: 0,
});

/** Seconds callers are told to wait after the credentials could not be refreshed; that failure is shared as long. */
const REFRESH_RETRY_AFTER_S = 5;

/** Failures of getting a connection that are worth another attempt after a backoff. */
const RETRIABLE: ReadonlySet<FailureKind> = new Set(['busy', 'connection-lost', 'closed']);
const REASON: Partial<Record<FailureKind, UnavailableReason>> = { busy: 'busy', 'connection-lost': 'unreachable', closed: 'unreachable' };

export interface ConnectionSourceSettings {
  pool: Required<PoolOptions>;
  driverOptions: Mysql2PoolOptions;
  credentials: CredentialsProvider;
  iamAuth: IamAuthOptions | undefined;
  authFailureCooldownMs: number;
  /** Seconds callers are told to wait after giving up. */
  retryAfterSeconds: number;
  logger: DbClientLogger;
  counters: Counters;
  now?: () => number;
}

const sameCredentials = (a: DbCredentials, b: DbCredentials) => a.username === b.username && a.password === b.password;

/**
 * Where statements get their connections: the current pool generation, live
 * connections only (idle ones are pinged), bounded retries of what is safe to
 * retry, and credential rotation — on 1045 the credentials are refreshed once
 * (concurrent callers share it) and a new pool replaces the rejected one; if
 * the server still says 1045, further 1045s within the cool-down fail at once.
 */
export class ConnectionSource {
  private generation: Promise<PoolGeneration> | undefined;
  private current: PoolGeneration | undefined;
  private refreshing: Promise<void> | undefined;
  private generationCount = 0;
  private authFailedUntil = 0;
  /** The last value the provider gave (by identity): only a value it has not given before is adopted by peek(). */
  private lastFromProvider: DbCredentials | undefined;
  private closed = false;
  /** The last refresh that failed (the provider threw), for the pool it was for, shared until `until`. */
  private failedRefresh: { rejected: PoolGeneration; until: number; error: () => DatabaseError } | undefined;
  private readonly now: () => number;

  constructor(private readonly settings: ConnectionSourceSettings) {
    this.now = settings.now ?? Date.now;
  }

  /** A live connection, or the reason there is none, within the budget. */
  async acquire(budget: RetryBudget): Promise<Lease> {
    const { pool, counters, logger } = this.settings;
    for (;;) {
      if (budget.expired) throw this.giveUp(undefined, 'busy', budget);
      const generation = this.readyGeneration() ?? (await this.ensureGeneration(budget));
      let failure: unknown;
      const asked = performance.now();
      try {
        const connection = await generation.acquire(budget.bound(pool.acquireTimeoutMs));
        counters.poolWaitMs += performance.now() - asked;
        if (this.isFresh(connection) || (await this.answersPing(connection, budget))) return { connection, generation };
        generation.destroy(connection);
        counters.staleConnectionsReplaced++;
        logger.info('replaced a pooled database connection that was closed while idle');
        if (budget.takeFree('stale-connection', pool.connectionLimit)) continue;
        failure = Object.assign(new Error('pooled connections keep failing their liveness check'), { code: 'PROTOCOL_CONNECTION_LOST' });
      } catch (err) {
        counters.poolWaitMs += performance.now() - asked;
        failure = err;
      }
      // Credentials were refreshed while we waited: use the new pool.
      if (generation.isRetired && budget.takeFree('retired-pool', 3)) continue;
      const kind = classify(failure);
      if (kind === 'auth') {
        await this.afterAuthFailure(generation, failure, budget);
        continue;
      }
      if (!RETRIABLE.has(kind)) throw statementError(failure);
      const delay = budget.nextDelay();
      if (delay === undefined) throw this.giveUp(failure, kind, budget);
      counters.retries++;
      logger.warn('could not get a database connection; retrying', { attempt: budget.attempts - 1, delayMs: delay, ...driverInfo(failure) });
      await sleep(delay);
    }
  }

  /** Hands a healthy connection back. */
  release(lease: Lease): void {
    lease.generation.release(lease.connection);
  }

  /** Closes a connection that must not be reused. */
  destroy(lease: Lease): void {
    lease.generation.destroy(lease.connection);
  }

  poolStats(): { open: number; idle: number; waiting: number } {
    return this.current ? this.current.stats() : { open: 0, idle: 0, waiting: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    const generation = this.generation;
    this.generation = undefined;
    if (generation) await generation.then((g) => g.end(), () => undefined);
  }

  /**
   * A 1045: refresh the credentials once per call (shared with concurrent
   * callers), then retry. A 1045 after that refresh, or within the cool-down
   * after one that did not help, is final.
   */
  private async afterAuthFailure(rejected: PoolGeneration, failure: unknown, budget: RetryBudget): Promise<void> {
    const { counters, authFailureCooldownMs } = this.settings;
    if (this.now() < this.authFailedUntil) {
      counters.authFailuresShortCircuited++;
      throw new DatabaseAuthError('database rejected the credentials; not refreshing them again during the cool-down after a refresh that did not help', {
        ...driverInfo(failure),
        cause: failure,
      });
    }
    if (!budget.takeFree('refreshed-credentials', 1)) {
      counters.credentialRefreshFailures++;
      this.authFailedUntil = this.now() + authFailureCooldownMs;
      this.settings.logger.error('database rejected the credentials, also after refreshing them', { cooldownMs: authFailureCooldownMs });
      throw new DatabaseAuthError('database rejected the credentials, also after refreshing them', { ...driverInfo(failure), cause: failure });
    }
    await this.refreshCredentials(rejected);
  }

  /**
   * Re-reads the credentials, bypassing caches, and starts a new pool with them.
   * Concurrent callers that saw the same rejected generation share one refresh.
   * A provider that fails makes the call fail as unavailable (no pool change).
   */
  private refreshCredentials(rejected: PoolGeneration): Promise<void> {
    if (this.current !== rejected) return Promise.resolve();
    const failed = this.failedRefresh;
    if (failed && failed.rejected === rejected && this.now() < failed.until) {
      // The provider failed for this pool a moment ago: callers whose 1045 came in after it share that answer
      // instead of asking again (each would otherwise be one more refresh, one more failure, one more pool).
      this.settings.counters.authFailuresShortCircuited++;
      return Promise.reject(failed.error());
    }
    this.refreshing ??= (async () => {
      const { credentials: provider, counters, logger } = this.settings;
      try {
        counters.credentialRefreshes++;
        this.settings.iamAuth?.tokens.invalidate();
        let credentials = await provider.refresh();
        this.lastFromProvider = credentials;
        let source = 'current';
        if (sameCredentials(credentials, rejected.credentials) && provider.pending) {
          // Mid-rotation: the password was changed but AWSCURRENT not yet moved.
          const pending = await provider.pending();
          if (pending && !sameCredentials(pending, rejected.credentials)) {
            credentials = pending;
            source = 'pending';
          }
        }
        if (this.closed) return;
        logger.info('database credentials refreshed after the server rejected them', { changed: !sameCredentials(credentials, rejected.credentials), source });
        const next = this.startGeneration(credentials);
        this.generation = Promise.resolve(next);
        rejected.retire();
      } catch (cause) {
        counters.credentialRefreshFailures++;
        logger.error('could not refresh the database credentials', { error: cause instanceof Error ? cause.name : 'unknown' });
        const error = () =>
          cause instanceof DatabaseError
            ? cause
            : new DatabaseUnavailableError('could not refresh the database credentials', {
                cause,
                attempts: 1,
                retryAfterSeconds: REFRESH_RETRY_AFTER_S,
                reason: 'credentials',
              });
        this.failedRefresh = { rejected, until: this.now() + REFRESH_RETRY_AFTER_S * 1000, error };
        throw error();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private giveUp(err: unknown, kind: FailureKind, budget: RetryBudget): DatabaseError {
    const deadline = budget.expired;
    const reason: UnavailableReason = deadline ? 'deadline' : (REASON[kind] ?? 'unreachable');
    const what = deadline ? 'no database connection before the deadline' : 'database unavailable';
    return new DatabaseUnavailableError(`${what} after ${budget.attempts} attempts in ${budget.elapsedMs} ms`, {
      ...driverInfo(err),
      cause: err,
      attempts: budget.attempts,
      retryAfterSeconds: this.settings.retryAfterSeconds,
      reason,
    });
  }

  /** A connection used recently enough not to have been closed under us: lent without a ping. */
  private isFresh(connection: Connection): boolean {
    const now = this.now();
    return now - (connection.lastActiveTime ?? now) <= this.settings.pool.validateAfterIdleMs;
  }

  /** Pings a connection that sat idle long enough to have been closed under us. */
  private answersPing(connection: Connection, budget: RetryBudget): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), budget.bound(this.settings.pool.connectTimeoutMs));
      connection.ping((err) => {
        clearTimeout(timer);
        resolve(!err);
      });
    });
  }

  /**
   * The current pool when it is in hand (the usual case once warm), so a statement does not wait on a resolved
   * promise and arm a deadline timer for it; undefined while credentials load or a refresh is under way.
   */
  private readyGeneration(): PoolGeneration | undefined {
    if (this.closed || this.refreshing) return undefined;
    this.adoptNewerCredentials();
    const current = this.current;
    // `current` is only ever set once its credentials are in hand (startGeneration), so it is ready to lend from.
    return this.generation && current && !current.isRetired ? current : undefined;
  }

  private ensureGeneration(budget: RetryBudget): Promise<PoolGeneration> {
    if (this.closed) throw new DatabaseError('the database client is closed');
    this.adoptNewerCredentials();
    this.generation ??= this.settings.credentials.get().then(
      (credentials) => {
        this.lastFromProvider = credentials;
        return this.startGeneration(credentials);
      },
      (cause: unknown) => {
        this.generation = undefined;
        throw cause instanceof DatabaseError
          ? cause
          : new DatabaseUnavailableError('could not load the database credentials', { cause, attempts: 1, retryAfterSeconds: 5, reason: 'credentials' });
      },
    );
    return untilDeadline(this.generation, budget);
  }

  /**
   * The provider refreshed the credentials in the background (a TTL): new
   * connections use them from now on; the old pool's connections are closed
   * as they come back. No 1045 needed to notice a rotation.
   */
  private adoptNewerCredentials(): void {
    const current = this.current;
    if (!current || current.isRetired || this.refreshing) return;
    const latest = this.settings.credentials.peek?.();
    if (!latest || latest === this.lastFromProvider) return;
    this.lastFromProvider = latest;
    if (sameCredentials(latest, current.credentials)) return;
    this.settings.logger.info('database credentials changed at their source; new connections use them');
    this.generation = Promise.resolve(this.startGeneration(latest));
    current.retire();
  }

  private startGeneration(credentials: DbCredentials): PoolGeneration {
    const generation = new PoolGeneration(++this.generationCount, credentials, this.settings.driverOptions);
    this.current = generation;
    return generation;
  }
}

/** `promise`, or a deadline error if the caller's deadline comes first (the promise itself carries on, observed). */
function untilDeadline<T>(promise: Promise<T>, budget: RetryBudget): Promise<T> {
  if (!Number.isFinite(budget.deadline)) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DatabaseUnavailableError('no database credentials before the deadline', { attempts: 1, retryAfterSeconds: 1, reason: 'deadline' })),
      budget.bound(Number.MAX_SAFE_INTEGER),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
