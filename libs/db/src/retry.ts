/** How hard libs/db tries before giving up on a call. */
export interface RetryOptions {
  /** Attempts in all, the first one included. @default 4 */
  maxAttempts?: number;
  /** First backoff ceiling; doubles each attempt. @default 50 */
  baseDelayMs?: number;
  /** Largest backoff ceiling. @default 1_000 */
  maxDelayMs?: number;
  /** Total time a call may spend retrying, far below API Gateway's 29 s. @default 5_000 */
  budgetMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const RETRY_DEFAULTS: ResolvedRetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  budgetMs: 5_000,
};

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = { ...RETRY_DEFAULTS, ...options };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry.${key} must be a non-negative number, got ${String(value)}`);
    }
  }
  if (resolved.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be at least 1');
  return resolved;
}

/**
 * "Full jitter" backoff: a random delay between 0 and an exponentially growing
 * ceiling, so that many Lambdas retrying at once spread out instead of
 * stampeding the proxy together.
 *
 * @param attempt 1 after the first failure, 2 after the second, ...
 */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The longest delay `setTimeout` takes; longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries that cost no attempt, each bounded on its own: replacing a pooled
 * connection found dead, moving to the pool that refreshed credentials opened,
 * the one retry right after a credential refresh, resending a statement that
 * never left a closed connection.
 */
export type FreeRetry = 'stale-connection' | 'retired-pool' | 'refreshed-credentials' | 'unsent-statement';

/**
 * The whole retry budget of one call, in one place: counted attempts (each
 * followed by a backoff), free retries with their own caps, and time — the
 * retry budget and the caller's deadline, whichever ends first.
 *
 * @example
 * const budget = new RetryBudget(retryOptions, deadline);
 * for (;;) {
 *   try { return await tryOnce(budget.bound(acquireTimeoutMs)); }
 *   catch (e) { const delay = budget.nextDelay(); if (delay === undefined) throw e; await sleep(delay); }
 * }
 */
export class RetryBudget {
  /** Counted attempts made so far (the first one included). */
  attempts = 1;
  private readonly started: number;
  private readonly ends: number;
  /** Free retries taken, by kind; made on the first one (most calls take none). */
  private free: Map<FreeRetry, number> | undefined;

  constructor(
    private readonly options: ResolvedRetryOptions,
    /** Epoch ms after which nothing more may be tried (the caller's deadline). */
    readonly deadline: number = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.ends = Math.min(this.started + options.budgetMs, deadline);
  }

  /** Milliseconds spent on this call so far. */
  get elapsedMs(): number {
    return this.now() - this.started;
  }

  /** Milliseconds left before the caller's deadline (not the retry budget: a started attempt may use all of it). */
  remainingMs(): number {
    return this.deadline - this.now();
  }

  /** `ms`, shortened so that a wait ends by the caller's deadline (at least 1 ms, so timers still fire). */
  bound(ms: number): number {
    return Math.max(1, Math.min(ms, Math.floor(this.remainingMs()), MAX_TIMER_MS));
  }

  /** True once the caller's deadline has passed. */
  get expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /**
   * Takes one free retry of `kind` if fewer than `cap` were taken.
   *
   * @example
   * if (budget.takeFree('stale-connection', poolSize)) continue;
   */
  takeFree(kind: FreeRetry, cap: number): boolean {
    const taken = this.free?.get(kind) ?? 0;
    if (taken >= cap || this.expired) return false;
    (this.free ??= new Map()).set(kind, taken + 1);
    return true;
  }

  /**
   * Consumes one counted attempt and returns the backoff to wait before it, or
   * `undefined` when the attempts, the retry budget or the deadline would be exceeded.
   */
  nextDelay(random: () => number = Math.random): number | undefined {
    const delay = backoffDelay(this.attempts, this.options, random);
    if (this.attempts >= this.options.maxAttempts || this.now() + delay >= this.ends) return undefined;
    this.attempts++;
    return delay;
  }
}
