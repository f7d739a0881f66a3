import type { MiddlewareObj } from '@middy/core';

type Step<E, R> = NonNullable<MiddlewareObj<E, R>['before']>;

/**
 * Several synchronous middlewares as one, run in the order Middy would run them had each been `use`d in turn:
 * `before` in order, `after` and `onError` in reverse. Middy awaits every middleware function it calls; these
 * never return a promise nor an early response, so one await serves them all. A middleware that returns a
 * promise is a programming error and throws.
 *
 * @example
 * middy(router).use(combined(apiMetrics(…), correlationId(…), databaseContext(getDb), httpErrorHandler(logger)));
 */
export function combined<E, R>(...middlewares: Array<MiddlewareObj<E, R>>): MiddlewareObj<E, R> {
  const run = (steps: Array<Step<E, R>>): Step<E, R> | undefined => {
    if (steps.length === 0) return undefined;
    return (request) => {
      for (const step of steps) {
        const result = step(request) as unknown;
        if (result !== undefined) throw new TypeError('combined() takes synchronous middlewares that return nothing');
      }
    };
  };
  const parts = (key: 'before' | 'after' | 'onError') => middlewares.flatMap((m) => (m[key] ? [m[key] as Step<E, R>] : []));
  const before = run(parts('before'));
  const after = run(parts('after').reverse());
  const onError = run(parts('onError').reverse());
  return { ...(before ? { before } : {}), ...(after ? { after } : {}), ...(onError ? { onError } : {}) };
}
