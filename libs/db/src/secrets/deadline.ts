/** A running task that settles by its deadline at the latest, and can be abandoned early. */
export interface BoundedTask<T> {
  promise: Promise<T>;
  /** Rejects `promise` with `reason` now (if still running) and aborts the task's signal. */
  abort(reason: Error): void;
}

/**
 * Runs `task` with an `AbortSignal`; `promise` rejects with `timeoutError()` once
 * `ms` have passed, whether or not the task honours the signal. The timer is
 * unref'd (it never keeps a process alive), and a task that settles after the
 * deadline is still observed, so its late rejection is never unhandled.
 *
 * @example
 * const { promise } = withDeadline((signal) => client.send(command, { abortSignal: signal }), 5_000, () => new Error('timed out'));
 */
export function withDeadline<T>(task: (signal: AbortSignal) => Promise<T>, ms: number, timeoutError: () => Error): BoundedTask<T> {
  const controller = new AbortController();
  let abort: (reason: Error) => void = () => undefined;
  const promise = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => abort(timeoutError()), ms);
    timer.unref();
    abort = (reason) => {
      clearTimeout(timer);
      reject(reason);
      controller.abort(reason);
    };
    let running: Promise<T>;
    try {
      running = Promise.resolve(task(controller.signal));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(resolve, reject).finally(() => clearTimeout(timer));
  });
  return { promise, abort: (reason) => abort(reason) };
}
