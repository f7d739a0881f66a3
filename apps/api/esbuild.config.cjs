// @ts-check
/**
 * esbuild options of the api bundle (`nx run api:bundle`), shared with the bundle budget test
 * (src/bundle/bundle-budget.spec.ts) and the local stack's bundler. `mainFields` prefers packages' ES module
 * builds, which esbuild can tree-shake (the AWS SDK's CommonJS builds are one file per package, kept whole):
 * about 150 KB less, and less to compile and evaluate at cold start. The plugins leave out what mysql2 bundles
 * but this Lambda never runs:
 * - iconv-lite's code pages (about 490 KB of tables): mysql2 decodes utf8/utf8mb4, latin1, ascii and binary
 *   columns with Node's own decoders and asks iconv-lite only for other character sets. The bundle keeps
 *   iconv-lite's internal, UTF-16 and UTF-32 codecs; a column in another character set (cp1250, sjis, gbk …)
 *   fails to decode with iconv-lite's "Encoding not recognized" error. The schema is utf8mb4 throughout.
 * - mysql2's deprecated `ssl: 'Amazon RDS'` profile (every RDS region's CA, about 175 KB): libs/db always
 *   passes its own `ssl.ca` (the Amazon Trust Services roots RDS Proxy's certificates chain to, or DB_TLS_CA_FILE).
 */
const { dirname } = require('node:path');

/** iconv-lite's encodings, reduced to the codecs that are not code-page tables. */
const minimalEncodings = {
  name: 'iconv-lite-minimal-encodings',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onResolve({ filter: /^\.\.\/encodings$/ }, (args) =>
      /[\\/]iconv-lite[\\/]lib$/.test(args.resolveDir) ? { path: `${dirname(args.resolveDir)}/encodings/minimal.js`, namespace: 'iconv-minimal' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'iconv-minimal' }, (args) => ({
      resolveDir: dirname(args.path),
      loader: 'js',
      contents: [
        'var merge = require("../lib/helpers/merge-exports");',
        'var modules = [require("./internal"), require("./utf32"), require("./utf16")];',
        'for (var i = 0; i < modules.length; i++) merge(exports, modules[i]);',
      ].join('\n'),
    }));
  },
};

/** mysql2's `ssl: '<profile name>'` table, replaced by one that names no profile. */
const noSslProfiles = {
  name: 'mysql2-no-ssl-profiles',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onResolve({ filter: /ssl_profiles(\.js)?$/ }, (args) =>
      /[\\/]mysql2[\\/]lib$/.test(args.resolveDir) ? { path: 'ssl_profiles', namespace: 'mysql2-no-ssl-profiles' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'mysql2-no-ssl-profiles' }, () => ({ loader: 'js', contents: 'module.exports = {};' }));
  },
};

/**
 * mysql2's table of server error names (both ways: number → name and name → number, about 4,000 properties
 * written as 4,000 assignment statements, 148 KB) as one JSON text parsed at load: the same object, but V8 scans a
 * string instead of compiling and running thousands of statements at cold start.
 */
const errorTableAsJson = {
  name: 'mysql2-error-table-as-json',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /[\\/]mysql2[\\/]lib[\\/]constants[\\/]errors\.js$/ }, (args) => ({
      loader: 'js',
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(require(args.path)))});`,
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
module.exports = {
  outExtension: { '.js': '.js' },
  legalComments: 'none',
  metafile: true,
  mainFields: ['module', 'main'],
  plugins: [minimalEncodings, noSslProfiles, errorTableAsJson],
};
