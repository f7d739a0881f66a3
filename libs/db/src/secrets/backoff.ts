/**
 * Wait after the `failures`-th failed fetch in a row: the ceiling doubles from
 * `baseMs` up to `maxMs`, and the wait is drawn from its upper half ("equal
 * jitter"), so environments that failed together spread out while each still
 * waits at least half the ceiling.
 *
 * @example
 * failureBackoffMs(3, { baseMs: 1_000, maxMs: 60_000 }, () => 0.5); // 3_000 (ceiling 4_000)
 */
export function failureBackoffMs(failures: number, limits: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(limits.maxMs, limits.baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.ceil(ceiling / 2 + (jitter * ceiling) / 2);
}
