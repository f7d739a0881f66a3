import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** What one fresh Node process measured (milliseconds). */
export interface InitTiming {
  /** `require()` of the file: compile plus module evaluation (what Lambda's init phase runs). */
  init: number;
  /** Compiling the file's source alone (`vm.Script`), in another fresh process. */
  compile: number;
}

const INIT_PROBE = `
  const t0 = performance.now();
  require(process.argv[1]);
  process.stdout.write(JSON.stringify(performance.now() - t0));
  process.exit(0);`;

const COMPILE_PROBE = `
  const { readFileSync } = require('node:fs');
  const { Script } = require('node:vm');
  const source = readFileSync(process.argv[1], 'utf8');
  const t0 = performance.now();
  new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', { filename: process.argv[1] });
  process.stdout.write(JSON.stringify(performance.now() - t0));
  process.exit(0);`;

async function probe(script: string, file: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-warnings', '-e', script, file], { env, encoding: 'utf8' });
  return JSON.parse(stdout) as number;
}

/**
 * Loads `file` in a fresh Node process and times it, then compiles it in another.
 *
 * @example
 * const { init, compile } = await timeFreshRequire('dist/apps/api/main.js', lambdaLikeEnv);
 */
export async function timeFreshRequire(file: string, env: Record<string, string>): Promise<InitTiming> {
  return { init: await probe(INIT_PROBE, file, env), compile: await probe(COMPILE_PROBE, file, env) };
}
