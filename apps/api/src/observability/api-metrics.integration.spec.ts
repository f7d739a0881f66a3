import { killWhileFrozen, type LocalBackend } from '@serverless-app/testing';
import { randomUUID } from 'node:crypto';
import { apiFor, captureLogs, startBackend } from '../testing/api.test-util';
import { type EmfLine, emfLines, withDimensions } from './emf.test-util';
import { API_METRICS_CONTRACT } from './metrics-contract';

/**
 * The api's metrics as CloudWatch would read them: the EMF lines real requests write to stdout, through the
 * whole handler, against the throwaway database and the local Secrets Manager.
 */
jest.setTimeout(60_000);

let backend: LocalBackend;
beforeAll(async () => {
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'false'; // the test setup silences EMF elsewhere
  backend = await startBackend();
});
afterAll(() => backend?.stop());

/**
 * Runs `requests` through a fresh handler (a cold start) and returns the EMF lines they wrote, its disposal's
 * included; `written()` tells the lines so far. One line per invocation unless `env` sets `METRICS_FLUSH_MS`.
 */
async function emfOf(requests: (api: ReturnType<typeof apiFor>, written: () => EmfLine[]) => Promise<unknown>, env: Record<string, string> = {}): Promise<EmfLine[]> {
  const logs = captureLogs();
  const api = apiFor(backend, { POWERTOOLS_SERVICE_NAME: 'something-else', POWERTOOLS_METRICS_NAMESPACE: 'Elsewhere', METRICS_FLUSH_MS: '0', ...env });
  try {
    await requests(api, () => emfLines(logs.lines));
  } finally {
    await api.dispose(); // writes what is still summed
    logs.restore();
  }
  return emfLines(logs.lines);
}

const metricNames = (line: EmfLine | undefined) => line?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name);


it('writes one line per request with the contract\'s namespace, service and stage, ColdStart on the first only', async () => {
  const lines = await emfOf(async (api) => {
    expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
    expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
  });

  const main = withDimensions(lines, 'service', 'stage');
  expect(main).toHaveLength(2);
  for (const line of main) {
    expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe(API_METRICS_CONTRACT.namespace);
    expect(line).toMatchObject({ service: API_METRICS_CONTRACT.service, stage: 'local', Requests: 1 });
    for (const { Name, Unit } of line._aws.CloudWatchMetrics[0]?.Metrics ?? []) {
      expect(Unit).toBe(API_METRICS_CONTRACT.metrics[Name as keyof typeof API_METRICS_CONTRACT.metrics]);
    }
  }
  expect(main[0]).toMatchObject({ ColdStart: 1 });
  expect(main[1]?.['ColdStart']).toBeUndefined();
  // The first request opened the connection: the pool wait is that one's, not the second's.
  expect(main[0]?.['PoolWaitMs']).toEqual(expect.any(Number));
  expect(metricNames(main[1])).not.toContain('ColdStart');
});

it('counts each request once more by route and status class, errors included', async () => {
  const lines = await emfOf(async (api) => {
    await api.invoke({ path: '/' });
    await api.invoke({ path: '/items/999999', route: '/items/{id}' });
    await api.invoke({ method: 'POST', path: '/items', body: '{"name":', headers: { 'content-type': 'application/json' } });
    await api.invoke({ method: 'DELETE', path: '/nowhere', route: '/{proxy+}' });
  });

  const byRoute = withDimensions(lines, 'service', 'stage', 'route', 'statusClass');
  expect(byRoute.map((line) => [line['route'], line['statusClass'], line['Requests']])).toEqual([
    ['GET /', '2xx', 1],
    ['GET /items/{id}', '4xx', 1],
    ['POST /items', '4xx', 1],
    ['other', '4xx', 1],
  ]);
  expect(byRoute.every((line) => line['stage'] === 'local' && line['service'] === 'api')).toBe(true);
  expect(withDimensions(lines, 'service', 'stage')).toHaveLength(4);
});

it('reports what libs/db\'s counters moved by since the last request: connections closed while frozen', async () => {
  const lines = await emfOf(async (api) => {
    await api.invoke({ path: '/' });
    await api.invoke({ path: '/' });
    killWhileFrozen(backend.db);
    expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
    await api.invoke({ path: '/' });
  });

  const main = withDimensions(lines, 'service', 'stage');
  expect(main).toHaveLength(4);
  const recovered = (line: EmfLine | undefined) => Number(line?.['StaleConnectionsReplaced'] ?? 0) + Number(line?.['ReadsReplayed'] ?? 0);
  expect(recovered(main[1])).toBe(0);
  expect(recovered(main[2])).toBeGreaterThanOrEqual(1);
  expect(recovered(main[3])).toBe(0); // a delta, not the running total
});

it('sums between lines: the cold start is written at once, later requests as one sum when the interval is up', async () => {
  let before: EmfLine[] = [];
  const lines = await emfOf(
    async (api, written) => {
      for (let i = 0; i < 4; i++) expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
      await api.invoke({ path: '/items/999999', route: '/items/{id}' });
      before = written();
    },
    { METRICS_FLUSH_MS: '60000' },
  );

  // Before the interval is up only the cold start's lines are out; the rest comes as one sum (here at dispose).
  expect(withDimensions(before, 'service', 'stage').map((line) => [line['Requests'], line['ColdStart']])).toEqual([[1, 1]]);
  const main = withDimensions(lines, 'service', 'stage');
  expect(main.map((line) => [line['Requests'], line['ColdStart']])).toEqual([
    [1, 1],
    [4, undefined],
  ]);
  const byRoute = withDimensions(lines, 'service', 'stage', 'route', 'statusClass');
  expect(byRoute.map((line) => [line['route'], line['statusClass'], line['Requests']])).toEqual([
    ['GET /', '2xx', 1],
    ['GET /', '2xx', 3],
    ['GET /items/{id}', '4xx', 1],
  ]);
});

it('writes at once, interval or not, when a failure counter moved', async () => {
  let afterKill: EmfLine[] = [];
  await emfOf(
    async (api, written) => {
      await api.invoke({ path: '/' });
      await api.invoke({ path: '/' });
      killWhileFrozen(backend.db);
      expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
      afterKill = withDimensions(written(), 'service', 'stage');
    },
    { METRICS_FLUSH_MS: '60000' },
  );

  expect(afterKill).toHaveLength(2);
  expect(afterKill[1]?.['Requests']).toBe(2);
  expect(Number(afterKill[1]?.['StaleConnectionsReplaced'] ?? 0) + Number(afterKill[1]?.['ReadsReplayed'] ?? 0)).toBeGreaterThanOrEqual(1);
});

it('never writes what the request carried: a canary in the path, query, headers and body', async () => {
  const canary = `canary-${randomUUID()}`;
  const lines = await emfOf(async (api) => {
    const headers = { 'x-canary': canary, 'idempotency-key': canary, 'user-agent': canary };
    await api.invoke({ method: 'POST', path: '/items', body: { name: canary }, headers });
    await api.invoke({ path: `/items/${canary}`, query: { q: canary }, headers });
    await api.invoke({ method: 'PATCH', path: `/${canary}`, body: { name: canary }, headers });
    await api.invoke({ method: canary, path: '/', headers });
  });

  expect(withDimensions(lines, 'service', 'stage')).toHaveLength(4);
  expect(withDimensions(lines, 'service', 'stage', 'route', 'statusClass').map((line) => line['route'])).toEqual(['POST /items', 'other', 'other', 'other']);
  expect(JSON.stringify(lines)).not.toContain(canary);
});
