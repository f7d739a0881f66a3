import { runInThisContext } from 'node:vm';

function isProcess(value: unknown): value is NodeJS.Process {
  return typeof value === 'object' && value !== null && typeof (value as { on?: unknown }).on === 'function' && typeof (value as { pid?: unknown }).pid === 'number';
}

/**
 * The real Node `process`, even inside a Jest sandbox.
 *
 * Jest hands each test file a copy of `process` whose own event emitter is never told about `exit` or
 * signals, so hooks registered on it silently do nothing. Code compiled with `vm.runInThisContext` runs in
 * the main context, whose `process` is the real one.
 *
 * @example
 * hostProcess().on('exit', () => killServersSync());
 */
export function hostProcess(): NodeJS.Process {
  try {
    const candidate: unknown = runInThisContext('process');
    if (isProcess(candidate)) return candidate;
  } catch {
    // Not reachable (unusual sandbox): the sandbox's own process is the best we have.
  }
  return process;
}
