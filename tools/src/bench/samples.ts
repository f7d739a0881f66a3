/** One request sent during a failover, in `performance.now()` milliseconds, with its status (0: thrown). */
export interface Sample {
  start: number;
  end: number;
  status: number;
}

/** End of the first 200 among the requests sent at or after `after`, or undefined. */
export function firstSuccessAfter(samples: readonly Sample[], after: number): number | undefined {
  return samples.find((s) => s.start >= after && s.status === 200)?.end;
}
