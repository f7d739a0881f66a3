/** One CloudWatch EMF line as Powertools Metrics writes it: the directive, the dimension values and the metric values. */
export interface EmfLine {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** The EMF lines among captured output lines (other JSON lines, the logger's, are left out). */
export function emfLines(lines: readonly string[]): EmfLine[] {
  return lines.flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Partial<EmfLine>;
      return parsed._aws?.CloudWatchMetrics ? [parsed as EmfLine] : [];
    } catch {
      return [];
    }
  });
}

/** The lines whose dimension set is exactly `dimensions`. */
export const withDimensions = (lines: readonly EmfLine[], ...dimensions: string[]) =>
  lines.filter((line) => JSON.stringify(line._aws.CloudWatchMetrics[0]?.Dimensions) === JSON.stringify([dimensions]));
