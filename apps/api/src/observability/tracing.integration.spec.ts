import { Tracer } from '@aws-lambda-powertools/tracer';
import type { LocalBackend } from '@serverless-app/testing';
// The X-Ray SDK the tracer runs on, for a segment to record into (no daemon: nothing is closed or sent).
import { Segment, type Subsegment } from 'aws-xray-sdk-core';
import { randomUUID } from 'node:crypto';
import { apiFor, startBackend } from '../testing/api.test-util';

/**
 * `TRACING=on` through the whole handler against the throwaway database: the requests' statements become
 * subsegments of the invocation's segment, named by kind, with no SQL and no request values.
 */
jest.setTimeout(60_000);

let backend: LocalBackend;
let saved: string | undefined;
beforeAll(async () => {
  backend = await startBackend();
  // Powertools traces only in Lambda; the tracer reads this once, when the api makes it.
  saved = process.env['AWS_EXECUTION_ENV'];
  process.env['AWS_EXECUTION_ENV'] = 'AWS_Lambda_nodejs22.x';
});
afterAll(async () => {
  if (saved === undefined) delete process.env['AWS_EXECUTION_ENV'];
  else process.env['AWS_EXECUTION_ENV'] = saved;
  await backend?.stop();
});

const names = (segment: Segment | Subsegment): string[] => (segment.subsegments ?? []).flatMap((s) => [s.name, ...names(s).map((n) => `  ${n}`)]);

it('puts each statement in a subsegment named by its kind, and nothing of the request', async () => {
  const canary = `canary-${randomUUID()}`;
  const api = apiFor(backend, { TRACING: 'on' });
  const provider = new Tracer().provider;
  const segment = new Segment('invocation');
  try {
    const statuses = await (provider.getNamespace().runAndReturn(async () => {
      provider.setSegment(segment);
      const created = await api.invoke({ method: 'POST', path: '/items', body: { name: canary, description: canary } });
      const id = (JSON.parse(created.body) as { id: string }).id;
      const read = await api.invoke({ path: `/items/${id}`, route: '/items/{id}' });
      return [created.statusCode, read.statusCode];
    }) as Promise<number[]>);

    expect(statuses).toEqual([201, 200]);
    const recorded = names(segment);
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    expect(recorded.every((name) => /^ *## db\.(select|insert|update|delete|transaction|other)$/.test(name))).toBe(true);
    expect(recorded).toContain('## db.select');
    expect(recorded.some((name) => name === '## db.insert' || name === '## db.transaction')).toBe(true);
    expect(JSON.stringify(segment)).not.toContain(canary);
  } finally {
    await api.dispose();
  }
});

it('with tracing off makes no subsegments', async () => {
  const api = apiFor(backend);
  const provider = new Tracer().provider;
  const segment = new Segment('invocation');
  try {
    await (provider.getNamespace().runAndReturn(async () => {
      provider.setSegment(segment);
      expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
    }) as Promise<void>);

    expect(names(segment)).toEqual([]);
  } finally {
    await api.dispose();
  }
});
