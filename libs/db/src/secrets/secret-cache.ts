import { type DbSecret, parseDbSecret } from '../credentials';
import { DatabaseAuthError, DatabaseError } from '../errors';
import type { DbClientLogger } from '../logger';
import { failureBackoffMs } from './backoff';
import { withDeadline } from './deadline';
import {
  CredentialsUnavailableError,
  failureSummary,
  type SecretFailure,
  type SecretStage,
  SecretsManagerFetchError,
  toSecretFailure,
} from './errors';
import type { ResolvedSecretsOptions } from './options';
import type { SecretFetcher } from './sdk-source';

/**
 * Counters of a {@link SecretCache}, for tests and metrics. A fetch is one
 * `GetSecretValue` operation; the SDK may send it up to `maxAttempts` times.
 */
export interface SecretsManagerCredentialsStats {
  /** Fetches started, every stage and reason. */
  fetches: number;
  /** Fetches that failed (timeouts, AWS errors, malformed secrets); a missing AWSPENDING is not a failure. */
  fetchFailures: number;
  /** Fetches started by a `get()` that found the cached secret older than `ttlMs`. */
  backgroundRefreshes: number;
  /** Background refreshes that failed: the cached secret kept serving. */
  backgroundRefreshFailures: number;
  /** Fetches started by `refresh()`. */
  forcedRefreshes: number;
  /** Fetches of AWSPENDING started by `pending()`. */
  pendingFetches: number;
  /** `get()` calls answered with a secret older than `ttlMs`. */
  servedStale: number;
  /** `refresh()`/`pending()` calls answered from memory because of the cool-down. */
  coolDownHits: number;
  /** `get()` calls rejected at once, with no secret cached, during the backoff after a failure. */
  failedFast: number;
  /** AWSCURRENT fetches that failed in a row; 0 after a success. */
  consecutiveFailures: number;
  /** The last failure, as its AWS error name (or `TimeoutError`, `DatabaseAuthError` ...) and code only. */
  lastError: { name: string; code?: string } | undefined;
  /** Age of the cached secret; undefined before the first success. */
  cachedAgeMs: number | undefined;
}

/** The cumulative counters of {@link SecretsManagerCredentialsStats}. */
export type SecretCacheCounters = Omit<SecretsManagerCredentialsStats, 'consecutiveFailures' | 'lastError' | 'cachedAgeMs'>;

type Outcome = { ok: true; secret: DbSecret } | { ok: false; error: CredentialsUnavailableError | DatabaseAuthError };
type Reason = 'initial' | 'background' | 'forced';

interface Flight {
  seq: number;
  outcome: Promise<Outcome>;
}

export type SecretCacheOptions = Pick<
  ResolvedSecretsOptions,
  'ttlMs' | 'refreshCooldownMs' | 'backoffBaseMs' | 'backoffMaxMs' | 'fetchTimeoutMs' | 'logger' | 'now' | 'random'
>;

const disposedError = () => new DatabaseError('the Secrets Manager credentials provider is disposed');

const settle = (outcome: Promise<Outcome>): Promise<DbSecret> =>
  outcome.then((result) => {
    if (result.ok) return result.secret;
    throw result.error;
  });

const isMissingVersion = (failure: SecretFailure) => failure instanceof SecretsManagerFetchError && failure.errorName === 'ResourceNotFoundException';

/**
 * The state machine behind {@link secretsManagerCredentials}: caches the
 * parsed AWSCURRENT secret and decides when to call Secrets Manager.
 *
 * Once a secret is cached, `get()` never waits: past `ttlMs` it answers from
 * the cache and starts one background fetch; a failed fetch keeps the cached
 * secret and allows the next one only after a backoff. Every promise the cache
 * makes for itself settles fulfilled; only promises handed to callers reject.
 *
 * @example
 * const cache = new SecretCache(resolveSecretsOptions({ secretId: 'rds/app' }), source.fetch);
 * const { username, password } = await cache.get();
 */
export class SecretCache {
  private current: { secret: DbSecret; fetchedAt: number; seq: number } | undefined;
  /** The initial or background fetch in flight. */
  private flight: Flight | undefined;
  /** The forced fetch in flight. */
  private forced: Flight | undefined;
  private forcedAt: number | undefined;
  private pendingFlight: Promise<DbSecret | undefined> | undefined;
  private pendingAt: number | undefined;
  private lastPending: DbSecret | undefined;
  private failures = 0;
  private retryAt = 0;
  /** The last AWSCURRENT failure: the reason given while failing fast. */
  private lastFailure: SecretFailure | undefined;
  /** The last failure of any stage, for stats. */
  private lastError: SecretFailure | undefined;
  private seq = 0;
  private disposed = false;
  private readonly aborts = new Set<(reason: Error) => void>();
  private readonly counters: SecretCacheCounters = {
    fetches: 0,
    fetchFailures: 0,
    backgroundRefreshes: 0,
    backgroundRefreshFailures: 0,
    forcedRefreshes: 0,
    pendingFetches: 0,
    servedStale: 0,
    coolDownHits: 0,
    failedFast: 0,
  };

  constructor(
    private readonly options: SecretCacheOptions,
    private readonly fetcher: SecretFetcher,
  ) {}

  get(): Promise<DbSecret> {
    const { current } = this;
    if (current) {
      if (this.options.now() - current.fetchedAt >= this.options.ttlMs) {
        this.counters.servedStale++;
        this.revalidate();
      }
      return Promise.resolve(current.secret);
    }
    if (this.disposed) return Promise.reject(disposedError());
    const inFlight = this.flight ?? this.forced;
    if (inFlight) return settle(inFlight.outcome);
    if (this.inBackoff()) {
      this.counters.failedFast++;
      return Promise.reject(this.unavailable('database credentials are unavailable'));
    }
    this.flight = this.start('initial');
    return settle(this.flight.outcome);
  }

  /** The cached secret now, or undefined; past `ttlMs` it starts one background refresh (never waited for). */
  peek(): DbSecret | undefined {
    const { current } = this;
    if (!current) return undefined;
    if (this.options.now() - current.fetchedAt >= this.options.ttlMs) {
      this.counters.servedStale++;
      this.revalidate();
    }
    return current.secret;
  }

  prefetch(): Promise<void> {
    if (this.current || this.disposed) return Promise.resolve();
    if (!this.flight && !this.forced) {
      if (this.inBackoff()) return Promise.resolve();
      this.flight = this.start('initial');
    }
    return (this.flight ?? this.forced)?.outcome.then(() => undefined) ?? Promise.resolve();
  }

  refresh(): Promise<DbSecret> {
    if (this.disposed) return Promise.reject(disposedError());
    if (this.forced) return settle(this.forced.outcome);
    const now = this.options.now();
    if (this.forcedAt !== undefined && now - this.forcedAt < this.options.refreshCooldownMs) {
      this.counters.coolDownHits++;
      if (this.current) return Promise.resolve(this.current.secret);
      if (this.flight) return settle(this.flight.outcome);
      return Promise.reject(this.unavailable('database credentials are unavailable'));
    }
    this.forcedAt = now;
    this.counters.forcedRefreshes++;
    this.forced = this.start('forced');
    return settle(this.forced.outcome);
  }

  pending(): Promise<DbSecret | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    if (this.pendingFlight) return this.pendingFlight;
    const now = this.options.now();
    if (this.pendingAt !== undefined && now - this.pendingAt < this.options.refreshCooldownMs) {
      this.counters.coolDownHits++;
      return Promise.resolve(this.lastPending);
    }
    this.pendingAt = now;
    this.counters.fetches++;
    this.counters.pendingFetches++;
    const flight = this.fetchParsed('AWSPENDING')
      .then(
        (secret) => (this.lastPending = secret),
        (error: unknown) => {
          this.lastPending = undefined;
          const failure = toSecretFailure('AWSPENDING', error);
          if (!isMissingVersion(failure)) this.recordPendingFailure(failure);
          return undefined;
        },
      )
      .finally(() => {
        if (this.pendingFlight === flight) this.pendingFlight = undefined;
      });
    this.pendingFlight = flight;
    return flight;
  }

  /** The live counters of {@link stats}, without a copy (read per request by the api's metrics). */
  liveCounters(): Readonly<SecretCacheCounters> {
    return this.counters;
  }

  stats(): SecretsManagerCredentialsStats {
    return {
      ...this.counters,
      consecutiveFailures: this.failures,
      lastError: this.lastError ? failureSummary(this.lastError) : undefined,
      cachedAgeMs: this.current ? this.options.now() - this.current.fetchedAt : undefined,
    };
  }

  /** Abandons fetches in flight (their waiters get `CredentialsUnavailableError`) and starts no more. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const reason = new SecretsManagerFetchError('AWSCURRENT', { errorName: 'ProviderDisposed' });
    for (const abort of this.aborts) abort(reason);
    this.aborts.clear();
  }

  private inBackoff(): boolean {
    return this.lastFailure !== undefined && this.options.now() < this.retryAt;
  }

  private revalidate(): void {
    if (this.disposed || this.flight || this.forced || this.inBackoff()) return;
    this.counters.backgroundRefreshes++;
    this.flight = this.start('background');
  }

  private start(reason: Reason): Flight {
    const seq = ++this.seq;
    this.counters.fetches++;
    const run = async (): Promise<Outcome> => {
      try {
        const secret = await this.fetchParsed('AWSCURRENT');
        this.succeeded(seq, reason, secret);
        return { ok: true, secret };
      } catch (error) {
        return { ok: false, error: this.failed(reason, toSecretFailure('AWSCURRENT', error)) };
      } finally {
        if (this.flight?.seq === seq) this.flight = undefined;
        if (this.forced?.seq === seq) this.forced = undefined;
      }
    };
    const outcome = run().catch((error: unknown) => ({ ok: false as const, error: this.unavailable('database credentials are unavailable', toSecretFailure('AWSCURRENT', error)) }));
    return { seq, outcome };
  }

  /** One fetch of `stage` within `fetchTimeoutMs`, parsed once. */
  private async fetchParsed(stage: SecretStage): Promise<DbSecret> {
    const task = withDeadline(
      (signal) => this.fetcher(stage, signal),
      this.options.fetchTimeoutMs,
      () => new SecretsManagerFetchError(stage, { errorName: 'TimeoutError' }),
    );
    this.aborts.add(task.abort);
    try {
      return Object.freeze(parseDbSecret(await task.promise));
    } finally {
      this.aborts.delete(task.abort);
    }
  }

  private succeeded(seq: number, reason: Reason, secret: DbSecret): void {
    if (this.disposed) return;
    // A fetch that started earlier than the cached value's never replaces it.
    if (!this.current || seq > this.current.seq) this.current = { secret, fetchedAt: this.options.now(), seq };
    if (this.failures > 0) this.log('info', 'fetched the database secret from Secrets Manager again', { reason, failedFetches: this.failures });
    this.failures = 0;
    this.retryAt = 0;
  }

  private failed(reason: Reason, failure: SecretFailure): CredentialsUnavailableError | DatabaseAuthError {
    this.counters.fetchFailures++;
    if (this.disposed) return this.unavailable('the credentials provider was disposed', failure);
    if (reason === 'background') this.counters.backgroundRefreshFailures++;
    this.failures++;
    this.lastFailure = failure;
    this.lastError = failure;
    const retryInMs = failureBackoffMs(this.failures, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs }, this.options.random);
    this.retryAt = this.options.now() + retryInMs;
    this.log('warn', 'could not fetch the database secret from Secrets Manager', {
      ...describeFailure('AWSCURRENT', failure),
      reason,
      consecutiveFailures: this.failures,
      retryInMs,
      servingCachedSecret: this.current !== undefined,
    });
    return this.unavailable(reason === 'forced' ? 'could not refresh the database credentials' : 'database credentials are unavailable', failure);
  }

  /**
   * Why there are no credentials: a malformed secret is a configuration error
   * ({@link DatabaseAuthError}, naming the field) that waiting will not fix;
   * anything else is {@link CredentialsUnavailableError}, worth retrying later.
   */

  private recordPendingFailure(failure: SecretFailure): void {
    this.counters.fetchFailures++;
    if (this.disposed) return;
    this.lastError = failure;
    this.log('warn', 'could not fetch the pending database secret from Secrets Manager', describeFailure('AWSPENDING', failure));
  }

  private unavailable(prefix: string, failure = this.lastFailure): CredentialsUnavailableError | DatabaseAuthError {
    if (failure instanceof DatabaseAuthError) return new DatabaseAuthError(`${prefix}: ${failure.message}`, { code: failure.code });
    const waitMs = Math.max(0, this.retryAt - this.options.now());
    const what = failure === undefined ? 'no secret fetched yet' : failure instanceof DatabaseAuthError ? failure.message : `Secrets Manager ${failureSummary(failure).code ?? failureSummary(failure).name}`;
    return new CredentialsUnavailableError(`${prefix}: ${what}`, {
      ...(failure ? { cause: failure } : {}),
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      attempts: Math.max(1, this.failures),
    });
  }

  private log(level: keyof DbClientLogger, message: string, attributes: Record<string, unknown>): void {
    try {
      this.options.logger[level](message, attributes);
    } catch {
      // A failing logger must not break credentials.
    }
  }
}

/** Log attributes of a failure: names and codes; for a malformed secret, the parser's field-naming message. */
function describeFailure(stage: SecretStage, failure: SecretFailure): Record<string, unknown> {
  if (failure instanceof SecretsManagerFetchError) {
    return {
      stage,
      error: failure.errorName,
      ...(failure.code ? { code: failure.code } : {}),
      ...(failure.httpStatusCode !== undefined ? { httpStatusCode: failure.httpStatusCode } : {}),
    };
  }
  return { stage, error: failure.name, code: failure.code, problem: failure.message };
}
