import { failureBackoffMs } from './backoff';

const limits = { baseMs: 1_000, maxMs: 60_000 };

describe('failureBackoffMs', () => {
  it('doubles its ceiling per failure up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 40].map((n) => failureBackoffMs(n, limits, () => 1));

    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('waits at least half the ceiling, whatever the jitter', () => {
    expect(failureBackoffMs(1, limits, () => 0)).toBe(500);
    expect(failureBackoffMs(3, limits, () => 0.5)).toBe(3_000);
    expect(failureBackoffMs(7, limits, () => 0)).toBe(30_000);
  });

  it('clamps a jitter source outside [0, 1] and a failure count below 1', () => {
    expect(failureBackoffMs(1, limits, () => 7)).toBe(1_000);
    expect(failureBackoffMs(1, limits, () => -3)).toBe(500);
    expect(failureBackoffMs(0, limits, () => 1)).toBe(1_000);
  });

  it('spreads environments that failed together', () => {
    const waits = new Set(Array.from({ length: 50 }, () => failureBackoffMs(4, limits)));

    expect(waits.size).toBeGreaterThan(10);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(4_000);
      expect(wait).toBeLessThanOrEqual(8_000);
    }
  });
});
