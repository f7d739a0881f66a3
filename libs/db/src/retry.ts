/** How hard libs/db tries before giving up on getting a connection. */
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

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
