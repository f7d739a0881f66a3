import { summarise, time } from './stats';

describe('summarise', () => {
  it('reads percentiles from sorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);

    expect(summarise(samples)).toEqual({ p50: 51, p95: 96, p99: 100, mean: 50.5 });
  });
});

describe('time', () => {
  it('runs the function the given number of times, one after another', async () => {
    let running = 0;
    let maxRunning = 0;
    const samples = await time(5, async () => {
      maxRunning = Math.max(maxRunning, ++running);
      await Promise.resolve();
      running--;
    });

    expect(samples).toHaveLength(5);
    expect(maxRunning).toBe(1);
  });
});
