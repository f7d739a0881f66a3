import { Tracer } from '@aws-lambda-powertools/tracer';
// The X-Ray SDK the tracer runs on, for a segment to record into (no daemon: nothing is closed or sent).
import { Segment } from 'aws-xray-sdk-core';
import { subsegmentName, xrayInstrument } from './xray-instrument';

const CANARY = 'canary-91d0';

/** A tracer as in Lambda (Powertools enables tracing only with AWS_EXECUTION_ENV), with its segment. */
function lambdaTracer() {
  const saved = process.env['AWS_EXECUTION_ENV'];
  process.env['AWS_EXECUTION_ENV'] = 'AWS_Lambda_nodejs22.x';
  try {
    return new Tracer({ serviceName: 'api', captureHTTPsRequests: false });
  } finally {
    if (saved === undefined) delete process.env['AWS_EXECUTION_ENV'];
    else process.env['AWS_EXECUTION_ENV'] = saved;
  }
}

describe('xrayInstrument', () => {
  it('records one subsegment per call, named and annotated with the kind, and returns the result', async () => {
    const tracer = lambdaTracer();
    const instrument = xrayInstrument(tracer);
    const segment = new Segment('invocation');

    const results = await (tracer.provider.getNamespace().runAndReturn(async () => {
      tracer.provider.setSegment(segment);
      return [await instrument('select', async () => [{ id: 1 }]), await instrument('transaction', async () => 'committed')];
    }) as Promise<unknown[]>);

    expect(results).toEqual([[{ id: 1 }], 'committed']);
    const recorded = (segment.subsegments ?? []).map((s) => ({ name: s.name, annotations: (s as unknown as { annotations?: unknown }).annotations, closed: s.isClosed() }));
    expect(recorded).toEqual([
      { name: subsegmentName('select'), annotations: { db_kind: 'select' }, closed: true },
      { name: subsegmentName('transaction'), annotations: { db_kind: 'transaction' }, closed: true },
    ]);
  });

  it('marks a failed call with the error\'s class name and the fault flag, never its message', async () => {
    const tracer = lambdaTracer();
    const instrument = xrayInstrument(tracer);
    const segment = new Segment('invocation');
    const failure = Object.assign(new Error(`Duplicate entry '${CANARY}' for key 'uq_items_name'`), { name: 'DuplicateEntryError', sql: `INSERT INTO items VALUES ('${CANARY}')` });

    const error = await (tracer.provider.getNamespace().runAndReturn(async () => {
      tracer.provider.setSegment(segment);
      return instrument('insert', () => Promise.reject(failure)).catch((e: unknown) => e);
    }) as Promise<unknown>);

    expect(error).toBe(failure);
    const [subsegment] = segment.subsegments ?? [];
    expect(subsegment).toMatchObject({ name: '## db.insert', fault: true, annotations: { db_kind: 'insert', db_error: 'DuplicateEntryError' } });
    expect(JSON.stringify(segment)).not.toContain(CANARY);
  });

  it('only runs the work when Powertools has tracing off (outside Lambda)', async () => {
    const tracer = new Tracer({ serviceName: 'api', captureHTTPsRequests: false });
    expect(tracer.isTracingEnabled()).toBe(false);

    await expect(xrayInstrument(tracer)('delete', async () => 3)).resolves.toBe(3);
  });
});
