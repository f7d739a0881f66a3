/** The integration did not answer within the timeout (API Gateway's INTEGRATION_TIMEOUT). */
export class IntegrationTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The integration did not respond within ${timeoutMs} ms`);
    this.name = 'IntegrationTimeoutError';
  }
}

/**
 * Runs `run` (sync throws included) and settles with its result, or rejects with
 * {@link IntegrationTimeoutError} after `timeoutMs`. Like an abandoned Lambda invocation, `run`
 * keeps going after the timeout; a failure it reports then goes to `onLateError` instead of
 * becoming an unhandled rejection. The timer never keeps the process alive.
 */
export function withTimeout<T>(run: () => Promise<T>, timeoutMs: number, onLateError: (error: unknown) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new IntegrationTimeoutError(timeoutMs));
    }, timeoutMs);
    timer.unref();
    Promise.resolve()
      .then(run)
      .then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (timedOut) onLateError(error);
          else reject(error);
        },
      );
  });
}
