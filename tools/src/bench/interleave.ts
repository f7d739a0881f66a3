/** One side of an interleaved measurement: `run(i)` does the i-th request (prepare its inputs in `prepare`). */
export interface Variant {
  name: string;
  /** Builds the inputs of the next `count` calls outside the timed region (events, bodies); optional. */
  prepare?: (count: number) => void;
  run: (i: number) => Promise<unknown>;
}

/** What {@link interleave} measured of one variant. */
export interface Measured {
  /** Each call's wall-clock duration, in milliseconds. */
  samples: number[];
  /** This process's CPU time (user + system) over all calls, in microseconds: less sensitive to other processes than latency. */
  cpuMicros: number;
}

/**
 * Runs every variant `total` times in alternating blocks of `block` (A×50, B×50, A×50, …), so machine noise
 * (other processes, GC, CPU frequency) hits all alike, and returns what was measured of each, by name.
 *
 * @example
 * const measured = await interleave([{ name: 'raw', run: () => raw() }, { name: 'api', run: () => api() }], 2000, 50);
 */
export async function interleave(variants: readonly Variant[], total: number, block: number): Promise<Map<string, Measured>> {
  const measured = new Map(variants.map((v) => [v.name, { samples: [] as number[], cpuMicros: 0 }]));
  for (let done = 0; done < total; done += block) {
    const count = Math.min(block, total - done);
    for (const variant of variants) {
      variant.prepare?.(count);
      const into = measured.get(variant.name) as Measured;
      const cpu = process.cpuUsage();
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await variant.run(i);
        into.samples.push(performance.now() - started);
      }
      const used = process.cpuUsage(cpu);
      into.cpuMicros += used.user + used.system;
    }
  }
  return measured;
}
