import { apiMetricsCollector, apiMetricsLine } from './api-metrics';

/** An EMF line as the api writes it (Powertools Metrics). */
function emf(dimensions: string[], values: Record<string, number | string>, units: Record<string, string> = {}): string {
  const metrics = Object.keys(values)
    .filter((name) => typeof values[name] === 'number')
    .map((Name) => ({ Name, Unit: units[Name] ?? 'Count' }));
  return JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'ServerlessApp', Dimensions: [dimensions], Metrics: metrics }] }, service: 'api', stage: 'local', ...values });
}
const main = (values: Record<string, number>) => emf(['service', 'stage'], values);
const byRoute = (route: string, statusClass: string) => emf(['service', 'stage', 'route', 'statusClass'], { route, statusClass, Requests: 1 });
const log = '{"level":"INFO","message":"request done","service":"serverless-app-api"}';

describe('apiMetricsCollector', () => {
  it('sums the main series by metric and counts requests by route and status class', () => {
    const metrics = apiMetricsCollector();

    metrics.feed(`${main({ Requests: 1, ColdStart: 1, PoolWaitMs: 3.5 })}\n${byRoute('GET /', '2xx')}\n`);
    metrics.feed(`${main({ Requests: 1, PoolWaitMs: 0.25, ReadsReplayed: 2 })}\n${byRoute('GET /', '2xx')}\n`);
    metrics.feed(`${main({ Requests: 1 })}\n${byRoute('POST /items', '4xx')}\n`);

    expect(metrics.summary()).toEqual({
      emfLines: 6,
      totals: { Requests: 3, ColdStart: 1, PoolWaitMs: 3.75, ReadsReplayed: 2 },
      requestsByRoute: { 'GET /': { '2xx': 2 }, 'POST /items': { '4xx': 1 } },
    });
  });

  it('passes every other line through and keeps only the api\'s EMF lines back', () => {
    const metrics = apiMetricsCollector();
    const other = JSON.stringify({ _aws: { CloudWatchMetrics: [{ Namespace: 'SomeoneElse', Dimensions: [['service']], Metrics: [{ Name: 'X' }] }] }, X: 1 });

    const printed = metrics.feed(`${log}\n${main({ Requests: 1 })}\nplain text\n${other}\n{"_aws": broken\n`);

    expect(printed).toBe(`${log}\nplain text\n${other}\n{"_aws": broken\n`);
    expect(metrics.summary()).toMatchObject({ emfLines: 1, totals: { Requests: 1 } });
  });

  it('puts a line split across chunks back together before reading it', () => {
    const metrics = apiMetricsCollector();
    const line = main({ Requests: 1, ColdStart: 1 });

    const printed = [metrics.feed(`${log}\n${line.slice(0, 20)}`), metrics.feed(line.slice(20, 60)), metrics.feed(`${line.slice(60)}\n${log.slice(0, 5)}`), metrics.feed(`${log.slice(5)}\n`)];

    expect(printed).toEqual([`${log}\n`, '', '', `${log}\n`]);
    expect(metrics.summary().totals).toEqual({ Requests: 1, ColdStart: 1 });
  });

  it('adds up EMF value arrays and ignores values that are not numbers', () => {
    const metrics = apiMetricsCollector();
    const line = JSON.parse(main({ Requests: 1, PoolWaitMs: 1 })) as Record<string, unknown>;

    metrics.feed(`${JSON.stringify({ ...line, Requests: [1, 1, 1], PoolWaitMs: 'a lot' })}\n`);

    expect(metrics.summary().totals).toEqual({ Requests: 3, PoolWaitMs: 0 });
  });

  it('hands out a copy: later lines do not change a summary already taken', () => {
    const metrics = apiMetricsCollector();
    metrics.feed(`${main({ Requests: 1 })}\n`);
    const before = metrics.summary();

    metrics.feed(`${main({ Requests: 1 })}\n${byRoute('GET /', '2xx')}\n`);

    expect(before).toEqual({ emfLines: 1, totals: { Requests: 1 }, requestsByRoute: {} });
  });
});

describe('apiMetricsLine', () => {
  it('says requests by route, then every other metric', () => {
    expect(
      apiMetricsLine({ emfLines: 4, totals: { Requests: 2, ColdStart: 1, PoolWaitMs: 3.75 }, requestsByRoute: { 'GET /': { '2xx': 1 }, 'POST /items': { '4xx': 1 } } }),
    ).toBe('api metrics: Requests 2 (GET / 2xx 1, POST /items 4xx 1) · ColdStart 1 · PoolWaitMs 3.8');
  });

  it('says so when there were no requests', () => {
    expect(apiMetricsLine({ emfLines: 0, totals: {}, requestsByRoute: {} })).toBe('api metrics: Requests 0');
  });
});
