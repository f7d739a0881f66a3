import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from './bundler';

/**
 * A tiny CommonJS "function" for the runtime tests. It keeps a per-environment counter (warm state)
 * and does what `event.action` says: `throw`, `crash` (uncaught exception), `reject` (unhandled
 * rejection), `hang`, `wait` (until `event.file` exists: an invocation held in flight without timers
 * in the test). Its `dispose()` writes `process.env.DISPOSE_MARKER`.
 */
export function fakeFunctionSource(version: string): string {
  return `
const fs = require('node:fs');
let count = 0;
exports.handler = async (event, context) => {
  count += 1;
  switch (event.action) {
    case 'throw': throw new TypeError('bad input: ' + event.detail);
    case 'crash': setImmediate(() => { throw new Error('kaboom'); }); return new Promise(() => undefined);
    case 'reject': Promise.reject(new Error('nobody catches me')); return new Promise(() => undefined);
    case 'hang': return new Promise(() => undefined);
    case 'wait': while (!fs.existsSync(event.file)) await new Promise((r) => setTimeout(r, 20)); break;
    case 'undefined': return undefined;
  }
  return {
    version: ${JSON.stringify(version)},
    count,
    pid: process.pid,
    remainingMs: context.getRemainingTimeInMillis(),
    requestId: context.awsRequestId,
    functionName: context.functionName,
    taskRoot: process.env.LAMBDA_TASK_ROOT,
    handlerSetting: process.env._HANDLER,
    leaked: process.env.ONLY_IN_THE_TEST_PROCESS ?? null,
    given: process.env.GIVEN ?? null,
    event,
  };
};
exports.handler.dispose = async () => {
  if (process.env.DISPOSE_MARKER) fs.writeFileSync(process.env.DISPOSE_MARKER, ${JSON.stringify(version)});
};
`;
}

/** A bundle folder `<root>/<build>/main.js` holding `source`. */
export function writeBundle(root: string, build: number, source: string): Bundle {
  const dir = join(root, String(build));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.js'), source);
  return { build, dir, file: join(dir, 'main.js'), hash: `hash-${build}`, durationMs: 0, inputCount: 1 };
}

/** A temp folder removed by `cleanup()`. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Resolves once `predicate` holds, checking every 20 ms (the test's own timeout bounds the wait). */
export async function eventually(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}
