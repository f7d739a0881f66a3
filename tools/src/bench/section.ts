/** One section of docs/benchmarks.md, measured and written by `npm run bench`. */
export interface BenchSection {
  /** Short id for `--only=<id>[,<id>]`, e.g. `warm`, `storm`. */
  id: string;
  /** The section's heading in docs/benchmarks.md. */
  title: string;
  /** Measures, reporting progress as it goes, and returns the section's Markdown body (method, figures, discussion). */
  run(progress: (line: string) => void): Promise<string>;
}
