import { backoffDelay, RETRY_DEFAULTS, RetryBudget, resolveRetryOptions } from './retry';

describe('backoffDelay', () => {
  const options = { ...RETRY_DEFAULTS, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grows the ceiling exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options, top))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws the delay anywhere from zero (full jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
  });
});

describe('resolveRetryOptions', () => {
  it('fills defaults', () => {
    expect(resolveRetryOptions({ maxAttempts: 2 })).toEqual({ ...RETRY_DEFAULTS, maxAttempts: 2 });
  });

  it.each([[{ maxAttempts: 0 }], [{ budgetMs: -1 }], [{ baseDelayMs: Number.NaN }]])('rejects %j', (bad) => {
    expect(() => resolveRetryOptions(bad)).toThrow(RangeError);
  });
});

describe('RetryBudget', () => {
  const clock = (start = 1_000) => {
    let t = start;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };
  const half = () => 0.5;

  it('allows maxAttempts in all, the first one included', () => {
    const c = clock();
    const budget = new RetryBudget({ ...RETRY_DEFAULTS, maxAttempts: 3, budgetMs: 60_000 }, undefined, c.now);

    expect([budget.nextDelay(half), budget.nextDelay(half), budget.nextDelay(half)]).toEqual([25, 50, undefined]);
    expect(budget.attempts).toBe(3);
  });

  it('stops when the backoff would cross the retry budget or the deadline, whichever is first', () => {
    const c = clock();
    const byBudget = new RetryBudget({ ...RETRY_DEFAULTS, budgetMs: 100 }, undefined, c.now);
    const byDeadline = new RetryBudget({ ...RETRY_DEFAULTS, budgetMs: 60_000 }, 1_100, c.now);
    c.advance(90);

    expect(byBudget.nextDelay(half)).toBeUndefined();
    expect(byDeadline.nextDelay(half)).toBeUndefined();
  });

  it('bounds every wait by the deadline, never below 1 ms', () => {
    const c = clock();
    const budget = new RetryBudget(RETRY_DEFAULTS, 1_500, c.now);

    expect(budget.bound(3_000)).toBe(500);
    expect(budget.bound(200)).toBe(200);
    c.advance(600);
    expect(budget.expired).toBe(true);
    expect(budget.bound(3_000)).toBe(1);
    expect(new RetryBudget(RETRY_DEFAULTS).bound(Number.POSITIVE_INFINITY)).toBe(2_147_483_647);
  });

  it('counts free retries per kind against their own caps, and none after the deadline', () => {
    const c = clock();
    const budget = new RetryBudget(RETRY_DEFAULTS, 2_000, c.now);

    expect([budget.takeFree('stale-connection', 2), budget.takeFree('stale-connection', 2), budget.takeFree('stale-connection', 2)]).toEqual([true, true, false]);
    expect(budget.takeFree('retired-pool', 1)).toBe(true);
    expect(budget.attempts).toBe(1);
    c.advance(1_000);
    expect(budget.takeFree('refreshed-credentials', 1)).toBe(false);
  });
});
