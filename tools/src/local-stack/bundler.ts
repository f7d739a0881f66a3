import { type BuildOptions, type BuildResult, context, formatMessages, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One successful build, written to its own folder so a running environment never sees its files change. */
export interface Bundle {
  /** The build number (1 = the first build); also the folder name. */
  build: number;
  /** `<outDir>/<build>`: the task root for the environments. */
  dir: string;
  /** `<dir>/main.js`. */
  file: string;
  /** SHA-256 of the JavaScript, to tell a real change from a save that changed nothing. */
  hash: string;
  durationMs: number;
  /** How many source files went in (node_modules included). */
  inputCount: number;
}

/** What a build produced. `changed: false` means the same JavaScript as the last good bundle (nothing written). */
export type BuildOutcome =
  | { ok: true; bundle: Bundle; changed: boolean }
  | { ok: false; build: number; durationMs: number; /** esbuild's messages, formatted for a terminal. */ errors: string };

/** Options of {@link startBundler}. */
export interface BundlerOptions {
  /** The handler module, e.g. `apps/api/src/main.ts`. */
  entry: string;
  /** The tsconfig whose `paths` (inherited from `tsconfig.base.json`) resolve `@serverless-app/*`. */
  tsconfig: string;
  /** Where the numbered bundle folders go. */
  outDir: string;
  /** Rebuild when an input changes. @default true */
  watch?: boolean;
  /** Colour the error messages. @default false */
  color?: boolean;
}

/**
 * A running bundler.
 *
 * @example
 * const bundler = startBundler(options);
 * const first = await bundler.first;
 * const unsubscribe = bundler.subscribe((outcome) => log(outcome.ok ? `build ${outcome.bundle.build}` : outcome.errors), 1);
 */
export interface Bundler {
  /** The outcome of the first build. */
  readonly first: Promise<BuildOutcome>;
  /** The most recent outcome, if any. */
  readonly latest: BuildOutcome | undefined;
  /**
   * Calls `listener` with every later outcome; if a build newer than `afterBuild` already finished, the
   * latest outcome is replayed at once (so nothing is missed between `first` and subscribing).
   */
  subscribe(listener: (outcome: BuildOutcome) => void, afterBuild?: number): () => void;
  /** Stops watching and ends esbuild's service process. Idempotent. */
  dispose(): Promise<void>;
}

// The api's build configuration (a file read like its project.json, not code imported from the api).
const apiBundleConfig = require(join(__dirname, '../../../apps/api/esbuild.config.cjs')) as Pick<BuildOptions, 'mainFields' | 'plugins'>;

const buildNumberOf = (outcome: BuildOutcome): number => (outcome.ok ? outcome.bundle.build : outcome.build);

/**
 * Bundles the handler with esbuild's incremental `context` API the way `nx run api:build` does (one
 * CommonJS file for Node, dependencies included) but unminified with source maps, and — with `watch` —
 * rebuilds whenever one of its inputs changes (every file the bundle imports: `apps/api/src`, `libs/db/src`...).
 * Each successful build goes to `<outDir>/<build>/main.js`.
 *
 * @example
 * const bundler = startBundler({ entry: 'apps/api/src/main.ts', tsconfig: 'apps/api/tsconfig.json', outDir: '.local/bundles/1234' });
 * const first = await bundler.first; // { ok: true, bundle: { dir: '.local/bundles/1234/1', ... } }
 * bundler.subscribe((outcome) => outcome.ok ? deploy(outcome.bundle) : print(outcome.errors), 1);
 * await bundler.dispose();
 */
export function startBundler(options: BundlerOptions): Bundler {
  const listeners = new Set<(outcome: BuildOutcome) => void>();
  let latest: BuildOutcome | undefined;
  let lastGood: Bundle | undefined;
  let build = 0;
  let startedAt = performance.now();
  let resolveFirst!: (outcome: BuildOutcome) => void;
  let rejectFirst!: (error: unknown) => void;
  const first = new Promise<BuildOutcome>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });

  async function record(result: BuildResult): Promise<BuildOutcome> {
    build += 1;
    const durationMs = Math.round(performance.now() - startedAt);
    if (result.errors.length > 0) {
      const errors = (await formatMessages(result.errors, { kind: 'error', color: options.color ?? false })).join('');
      return { ok: false, build, durationMs, errors };
    }
    const files = result.outputFiles ?? [];
    const js = files.find((file) => file.path.endsWith('.js'));
    if (js === undefined) return { ok: false, build, durationMs, errors: 'esbuild produced no JavaScript file\n' };
    const hash = createHash('sha256').update(js.contents).digest('hex');
    if (lastGood?.hash === hash) return { ok: true, bundle: lastGood, changed: false };
    const dir = join(options.outDir, String(build));
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, basename(file.path)), file.contents);
    lastGood = {
      build,
      dir,
      file: join(dir, 'main.js'),
      hash,
      durationMs,
      inputCount: Object.keys(result.metafile?.inputs ?? {}).length,
    };
    return { ok: true, bundle: lastGood, changed: true };
  }

  const plugin: Plugin = {
    name: 'local-stack-bundles',
    setup(pluginBuild) {
      pluginBuild.onStart(() => {
        startedAt = performance.now();
      });
      pluginBuild.onEnd(async (result) => {
        let outcome: BuildOutcome;
        try {
          outcome = await record(result);
        } catch (error) {
          outcome = { ok: false, build, durationMs: 0, errors: `Writing the bundle failed: ${(error as Error).message}\n` };
        }
        const isFirst = latest === undefined;
        latest = outcome;
        if (isFirst) resolveFirst(outcome);
        else for (const listener of listeners) listener(outcome);
      });
    },
  };

  const ready = context({
    entryPoints: { main: options.entry },
    // A placeholder at the same depth as the numbered folders, so the source map's relative paths hold.
    outfile: join(options.outDir, 'build', 'main.js'),
    tsconfig: options.tsconfig,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'silent',
    // As the deployed bundle resolves packages and trims mysql2 (apps/api/esbuild.config.cjs).
    mainFields: apiBundleConfig.mainFields,
    plugins: [...(apiBundleConfig.plugins ?? []), plugin],
  });
  const started = ready.then(async (ctx) => {
    if (options.watch ?? true) await ctx.watch();
    else await ctx.rebuild().catch(() => undefined); // errors arrive through onEnd
  });
  started.catch(rejectFirst);

  let disposing: Promise<void> | undefined;
  return {
    first,
    get latest() {
      return latest;
    },
    subscribe(listener, afterBuild = 0) {
      listeners.add(listener);
      if (latest !== undefined && buildNumberOf(latest) > afterBuild) listener(latest);
      return () => listeners.delete(listener);
    },
    dispose() {
      disposing ??= ready.then(
        (ctx) => ctx.dispose().catch(() => undefined),
        () => undefined,
      );
      listeners.clear();
      return disposing;
    },
  };
}
