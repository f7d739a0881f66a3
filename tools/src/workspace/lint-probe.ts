import { execFileSync } from 'node:child_process';

/** A file that does not exist on disk, linted as if it were at `file`. */
export interface LintProbe {
  file: string;
  code: string;
}

// ESLint loads eslint.config.mjs with a dynamic import, which Jest's module
// sandbox cannot do, so the probes are linted by a plain Node process.
const script = `
const { ESLint } = require('eslint');
const probes = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const p of probes) {
    const [result] = await eslint.lintText(p.code, { filePath: p.file });
    out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

/**
 * Lints each probe with the workspace's ESLint config and returns the messages
 * per probe, in order.
 *
 * @example
 * const [messages] = lintProbes(root, [{ file: 'libs/db/src/x.ts', code: "import '@serverless-app/testing';" }]);
 */
export function lintProbes(workspaceRoot: string, probes: LintProbe[]): Array<Array<{ ruleId: string | null; message: string }>> {
  const stdout = execFileSync(process.execPath, ['-e', script, JSON.stringify(probes)], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}
