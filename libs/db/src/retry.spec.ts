import { backoffDelay, RETRY_DEFAULTS, resolveRetryOptions } from './retry';

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
