/**
 * `npm run bench [-- --only=<id>[,<id>...]]`: measures each section of docs/benchmarks.md, printing progress as
 * it goes, and rewrites the sections it ran (the others are kept as they were). Built with esbuild and run with
 * node by the workspace-plugin:bench target, after api:build.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchArgsError, parseBenchArgs } from './args';
import { coldStartSection } from './cold-start';
import { rewriteDoc } from './doc-sections';
import { describeEnvironment } from './environment';
import { failoverSection } from './failover';
import { proxySection } from './proxy';
import { isProxyThread, runProxyThread } from './proxy-thread';
import type { BenchSection } from './section';
import { stormSection } from './storm';
import { warmSection } from './warm';
import { workshopSection } from './workshop';
import { workspaceRoot } from './workspace-root';

/** The sections, in the order of the document. */
const SECTIONS: readonly BenchSection[] = [
  warmSection,
  coldStartSection,
  workshopSection,
  stormSection,
  failoverSection,
  proxySection,
];

const ENVIRONMENT_ID = 'environment';
/** Where each section's block sits in docs/benchmarks.md. */
const DOC_ORDER = ['warm', 'cold', 'workshop', 'storm', 'failover', 'proxy'];
const PREAMBLE = `# Benchmarks

Written by \`npm run bench\` (\`tools/src/bench/\`); \`npm run bench -- --only=storm,failover\` reruns some sections
and keeps the others. Run on demand, never as assertions in the test suite: the machine is shared and noisy, so
read the ratios (both sides measured in the same run, interleaved where possible), not the absolute numbers.`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), SECTIONS.map((s) => s.id));
  const chosen = args.only ? SECTIONS.filter((s) => args.only?.includes(s.id)) : SECTIONS;
  const startedAt = new Date();
  const fresh = new Map<string, string>([[ENVIRONMENT_ID, describeEnvironment(startedAt)]]);
  const began = performance.now();
  out(`bench: ${chosen.map((s) => s.id).join(', ')}`);
  for (const section of chosen) {
    const t0 = performance.now();
    out(`[${section.id}] ${section.title}`);
    const body = await section.run((line) => out(`[${section.id}] ${line}`));
    const took = performance.now() - t0;
    const measured = `Measured ${new Date().toISOString().slice(0, 10)} in ${seconds(took)} (\`npm run bench -- --only=${section.id}\`).`;
    fresh.set(section.id, `## ${section.title}\n\n${measured}\n\n${body}`);
    out(`[${section.id}] done in ${seconds(took)}`);
  }
  const doc = join(workspaceRoot(), 'docs/benchmarks.md');
  const existing = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const order = [...new Set([ENVIRONMENT_ID, ...DOC_ORDER, ...SECTIONS.map((s) => s.id)])];
  writeFileSync(doc, rewriteDoc(existing, PREAMBLE, order, fresh));
  out(`bench: wrote docs/benchmarks.md (${[...fresh.keys()].join(', ')}) in ${seconds(performance.now() - began)}`);
}

// The bundle is also the entry point of the storm's proxy thread.
if (isProxyThread()) {
  void runProxyThread();
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(error instanceof BenchArgsError ? `${error.message}\n` : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(error instanceof BenchArgsError ? 2 : 1);
    },
  );
}
