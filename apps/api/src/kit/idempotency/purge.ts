import type { Queryable } from '@serverless-app/db';
import { deleteExpiredKeyRecords } from './key-records';

/** Options of {@link keyPurger}. */
export interface KeyPurgerOptions {
  /** Least time between two purges in one execution environment. @default 600_000 (10 minutes) */
  intervalMs?: number;
  /** Most records one purge deletes. @default 100 */
  limit?: number;
  /** Statement time limit of the purge. @default 2_000 */
  timeoutMs?: number;
  /** @default Date.now */
  clock?: () => number;
}

/**
 * Expired idempotency keys are deleted opportunistically: at most once per
 * `intervalMs` in an execution environment, at most `limit` rows (oldest
 * first, on the `expires_at` index), and a failure is ignored — an expired key
 * left behind is treated as unused anyway, so purging only bounds the table.
 *
 * @example
 * const purgeSometimes = keyPurger();
 * await purgeSometimes(db); // deletes up to 100 expired keys, or does nothing if it ran less than 10 minutes ago
 */
export function keyPurger(options: KeyPurgerOptions = {}): (db: Queryable) => Promise<void> {
  const { intervalMs = 600_000, limit = 100, timeoutMs = 2_000, clock = Date.now } = options;
  let nextAt = 0;
  return async (db) => {
    const now = clock();
    if (now < nextAt) return;
    nextAt = now + intervalMs;
    try {
      await deleteExpiredKeyRecords(db, new Date(now), limit, timeoutMs);
    } catch {
      // Best effort: the next purge (in another request or environment) tries again.
    }
  };
}
