/**
 * Stands in for the Lambda runtime's log capture while a benchmark runs: `process.stdout.write` and
 * `process.stderr.write` keep only a count of lines and bytes (in Lambda, the runtime reads stdout through a
 * pipe; here the terminal or a file would add its own cost). Restore before printing results.
 *
 * @example
 * const sink = captureLogLines(); try { await measure(); } finally { sink.restore(); } sink.lines;
 */
export function captureLogLines(): { readonly lines: number; readonly bytes: number; restore(): void } {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  const counts = { lines: 0, bytes: 0 };
  const sink = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    counts.bytes += chunk.length;
    counts.lines++;
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  for (const stream of streams) stream.write = sink;
  return {
    get lines() {
      return counts.lines;
    },
    get bytes() {
      return counts.bytes;
    },
    restore: () => streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write)),
  };
}
