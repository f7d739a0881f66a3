import { build, type BuildOptions, type Metafile } from 'esbuild';
import { join } from 'node:path';

export const API_ROOT = join(__dirname, '../..');
const WORKSPACE_ROOT = join(API_ROOT, '../..');

/** The api bundle's esbuild options, as `nx run api:bundle` uses them (project.json + esbuild.config.cjs). */
export function bundleOptions(): BuildOptions {
  const config = require(join(API_ROOT, 'esbuild.config.cjs')) as BuildOptions;
  const project = require(join(API_ROOT, 'project.json')) as { targets: { bundle: { options: { target: string; minify: boolean; platform: BuildOptions['platform'] } } } };
  const { target, minify, platform } = project.targets.bundle.options;
  return { ...config, bundle: true, format: 'cjs', platform, target, minify, absWorkingDir: WORKSPACE_ROOT, tsconfig: join(API_ROOT, 'tsconfig.json'), logLevel: 'silent' };
}

/** Builds `main.ts` in memory as the api bundle and returns its size and esbuild's metafile. */
export async function buildApiBundle(): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({ ...bundleOptions(), entryPoints: [join(API_ROOT, 'src/main.ts')], outfile: 'main.js', write: false, metafile: true });
  const output = result.outputFiles.find((f) => f.path.endsWith('main.js'));
  if (!output || !result.metafile) throw new Error('esbuild produced no main.js');
  return { bytes: output.contents.byteLength, metafile: result.metafile };
}

/** The inputs that take most room in the output, by npm package (or workspace folder), largest first. */
export function biggestInputs(metafile: Metafile, count: number): Array<{ name: string; bytes: number }> {
  const byName = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      byName.set(pkg, (byName.get(pkg) ?? 0) + input.bytesInOutput);
    }
  }
  return [...byName].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, count);
}
