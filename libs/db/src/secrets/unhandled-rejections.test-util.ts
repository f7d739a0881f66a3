import { runInThisContext } from 'node:vm';

/**
 * Records unhandled promise rejections for the whole test file, on the real
 * `process` (Jest gives each test file its own copy, whose events never fire).
 * Call at the top level of a spec; read `reasons` in tests.
 */
export function recordUnhandledRejections() {
  const real = runInThisContext('process') as NodeJS.Process;
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => void reasons.push(reason);
  beforeAll(() => void real.on('unhandledRejection', listener));
  afterAll(() => void real.off('unhandledRejection', listener));
  return {
    reasons,
    /** Lets Node report rejections left unhandled by what ran so far. */
    flush: async () => {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

/** A promise with its settle functions, to decide in a test when a fake fetch ends. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
