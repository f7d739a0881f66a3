import type { DbClientLogger, StatementInstrument } from '@serverless-app/db';

/**
 * libs/db's instrument hook for the configured tracing: with `TRACING=on`, the X-Ray hook, whose module (and
 * with it Powertools Tracer and the X-Ray SDK) is loaded only then — off, nothing is loaded or run, and
 * statements are not wrapped. Call it at init, so the load overlaps the rest of the cold start. Never rejects:
 * a tracer that cannot load is logged and the api runs untraced.
 *
 * @example
 * const instrument = loadInstrument(config.tracing, logger); // a promise; await it where the client is made
 */
export function loadInstrument(tracing: 'on' | 'off', logger: Pick<DbClientLogger, 'error'>): Promise<StatementInstrument | undefined> {
  if (tracing === 'off') return Promise.resolve(undefined);
  return import('./xray-instrument')
    .then(({ xrayInstrument }) => xrayInstrument())
    .catch((error: unknown) => {
      logger.error('could not load the tracer; database statements are not traced', { error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    });
}
