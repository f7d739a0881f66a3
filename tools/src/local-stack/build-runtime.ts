import { build } from 'esbuild';
import { join } from 'node:path';

/** The runtime's source, bundled at start so the environments run plain JavaScript (no TypeScript loader). */
export const RUNTIME_SOURCE = join(__dirname, 'lambda-runtime.ts');

/**
 * Bundles the Lambda runtime script (`lambda-runtime.ts`) to `<outDir>/runtime.js` and returns its path.
 *
 * @example
 * const runtimeFile = await buildRuntime('.local/bundles/1234');
 * new LambdaEnvironment({ runtimeFile, taskRoot, env });
 */
export async function buildRuntime(outDir: string): Promise<string> {
  const outfile = join(outDir, 'runtime.js');
  await build({
    entryPoints: [RUNTIME_SOURCE],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: true,
    logLevel: 'silent',
  });
  return outfile;
}
