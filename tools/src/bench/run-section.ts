/**
 * Runs one bench section and prints its Markdown body (progress on stderr), to iterate on a section alone:
 *
 *   npx nx run workspace-plugin:bench-warm      (or bench-cold; bundled with esbuild, run with node)
 *   node dist/bench/run-section.js warm
 */
import { coldStartSection } from './cold-start';
import type { BenchSection } from './section';
import { warmSection } from './warm';

const sections: readonly BenchSection[] = [warmSection, coldStartSection];

async function main(id: string | undefined): Promise<void> {
  const section = sections.find((s) => s.id === id);
  if (!section) throw new Error(`usage: run-section <${sections.map((s) => s.id).join('|')}>`);
  const body = await section.run((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`## ${section.title}\n\n${body}\n`);
}

main(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
