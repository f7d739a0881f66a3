import { Tracer } from '@aws-lambda-powertools/tracer';
import type { StatementInstrument } from '@serverless-app/db';
import { API_METRICS_CONTRACT } from './metrics-contract';

/** The subsegment of one kind of database work, e.g. `## db.select`. */
export const subsegmentName = (kind: string) => `## db.${kind}`;

/**
 * libs/db's instrument hook on Powertools Tracer (X-Ray): one subsegment per statement or transaction, named by
 * its kind, annotated with the kind and, when it fails, the error's class name and the fault flag — never the
 * SQL, its values or an error message (a driver's message can quote values). Outside Lambda (no
 * `AWS_EXECUTION_ENV`) Powertools turns tracing off and the hook only runs the work.
 *
 * Load this module only when tracing is on ({@link loadInstrument}): the tracer and the X-Ray SDK are costly to
 * load.
 *
 * @example
 * createDbClient({ ...options, instrument: xrayInstrument() });
 */
export function xrayInstrument(tracer = new Tracer({ serviceName: API_METRICS_CONTRACT.service, captureHTTPsRequests: false })): StatementInstrument {
  if (!tracer.isTracingEnabled()) return (_kind, run) => run();
  return <T>(kind: Parameters<StatementInstrument>[0], run: () => Promise<T>) =>
    tracer.provider.captureAsyncFunc(subsegmentName(kind), async (subsegment) => {
      subsegment?.addAnnotation('db_kind', kind);
      try {
        return await run();
      } catch (error) {
        subsegment?.addAnnotation('db_error', error instanceof Error ? error.name : 'unknown');
        subsegment?.addFaultFlag();
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as Promise<T>;
}
