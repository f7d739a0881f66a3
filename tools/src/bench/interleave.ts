/** One side of an interleaved measurement: `run(i)` does the i-th request (prepare its inputs in `prepare`). */
export interface Variant {
  name: string;
  /** Builds the inputs of the next `count` calls outside the timed region (events, bodies); optional. */
  prepare?: (count: number) => void;
  run: (i: number) => Promise<unknown>;
}

/**
 * Runs every variant `total` times in alternating blocks of `block` (A×50, B×50, A×50, …), so machine noise
 * (other processes, GC, CPU frequency) hits all alike, and returns each call's duration in milliseconds by name.
 *
 * @example
 * const samples = await interleave([{ name: 'raw', run: () => raw() }, { name: 'api', run: () => api() }], 2000, 50);
 */
export async function interleave(variants: readonly Variant[], total: number, block: number): Promise<Map<string, number[]>> {
  const samples = new Map(variants.map((v) => [v.name, [] as number[]]));
  for (let done = 0; done < total; done += block) {
    const count = Math.min(block, total - done);
    for (const variant of variants) {
      variant.prepare?.(count);
      const into = samples.get(variant.name) as number[];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await variant.run(i);
        into.push(performance.now() - started);
      }
    }
  }
  return samples;
}
