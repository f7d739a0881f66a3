import { API_METRICS_CONTRACT } from '@serverless-app/api';

/** The gateway's local-only endpoint with the api's metrics (summed EMF) and the local RDS Proxy's counters. */
export const METRICS_PATH = '/__metrics';

/**
 * The api's metrics as the local stack saw them in its environments' EMF lines, summed since the stack started:
 * what CloudWatch would chart, for one developer's requests.
 */
export interface ApiMetricsSummary {
  /** EMF lines of the api's namespace read so far. */
  emfLines: number;
  /** Each metric of the `service` + `stage` series, summed (`Requests`, `ColdStart`, `PoolWaitMs` ...). */
  totals: Record<string, number>;
  /** `Requests` by route and status class: `{ "GET /": { "2xx": 3 } }`. */
  requestsByRoute: Record<string, Record<string, number>>;
}

interface EmfDocument {
  _aws?: { CloudWatchMetrics?: Array<{ Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }> };
  [key: string]: unknown;
}

const ROUTE_DIMENSIONS = JSON.stringify([[...API_METRICS_CONTRACT.dimensions, ...API_METRICS_CONTRACT.routeDimensions]]);
const MAIN_DIMENSIONS = JSON.stringify([[...API_METRICS_CONTRACT.dimensions]]);

/** The api's EMF document on a line, or undefined for any other line (a log line, another namespace, broken JSON). */
function apiEmf(line: string): EmfDocument | undefined {
  if (!line.startsWith('{"_aws"')) return undefined;
  try {
    const document = JSON.parse(line) as EmfDocument;
    return document._aws?.CloudWatchMetrics?.[0]?.Namespace === API_METRICS_CONTRACT.namespace ? document : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the api's EMF lines out of its environments' stdout and sums them. `feed()` takes each chunk as it comes
 * and returns what is left to print — everything but the api's EMF lines (a partial line waits for its end).
 *
 * @example
 * const metrics = apiMetricsCollector();
 * process.stdout.write(metrics.feed(chunk)); // log lines pass, EMF lines are counted
 * metrics.summary(); // { emfLines: 2, totals: { Requests: 1, ColdStart: 1 }, requestsByRoute: { 'GET /': { '2xx': 1 } } }
 */
export function apiMetricsCollector(): { feed(chunk: string): string; summary(): ApiMetricsSummary } {
  const state: ApiMetricsSummary = { emfLines: 0, totals: {}, requestsByRoute: {} };
  let partial = '';

  const count = (document: EmfDocument) => {
    const directive = document._aws?.CloudWatchMetrics?.[0];
    const names = Array.isArray(directive?.Metrics) ? (directive.Metrics as Array<{ Name?: unknown }>).map((m) => m.Name) : [];
    const dimensions = JSON.stringify(directive?.Dimensions);
    state.emfLines++;
    if (dimensions === ROUTE_DIMENSIONS) {
      const route = String(document['route']);
      const status = String(document['statusClass']);
      const byStatus = (state.requestsByRoute[route] ??= {});
      byStatus[status] = (byStatus[status] ?? 0) + sum(document['Requests']);
    } else if (dimensions === MAIN_DIMENSIONS) {
      for (const name of names) if (typeof name === 'string') state.totals[name] = (state.totals[name] ?? 0) + sum(document[name]);
    }
  };

  return {
    feed(chunk) {
      const text = partial + chunk;
      const end = text.lastIndexOf('\n');
      partial = end === -1 ? text : text.slice(end + 1);
      if (end === -1) return '';
      const kept: string[] = [];
      for (const line of text.slice(0, end).split('\n')) {
        const document = apiEmf(line);
        if (document) count(document);
        else kept.push(line);
      }
      return kept.length > 0 ? `${kept.join('\n')}\n` : '';
    },
    summary: () => structuredClone(state),
  };
}

/** A metric value: a number, or (EMF) an array of numbers. */
function sum(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.reduce((total: number, v) => total + sum(v), 0);
  return 0;
}

/**
 * The summary in one line, for the terminal on Ctrl-C: requests, cold starts, then every other metric that moved.
 *
 * @example
 * apiMetricsLine(summary); // 'api metrics: Requests 12 (GET / 2xx 10, POST /items 4xx 2) · ColdStart 1 · PoolWaitMs 14.2'
 */
export function apiMetricsLine(summary: ApiMetricsSummary): string {
  const routes = Object.entries(summary.requestsByRoute).flatMap(([route, byStatus]) => Object.entries(byStatus).map(([status, n]) => `${route} ${status} ${n}`));
  const { Requests = 0, ...others } = summary.totals;
  const parts = [`Requests ${Requests}${routes.length > 0 ? ` (${routes.join(', ')})` : ''}`];
  for (const [name, value] of Object.entries(others)) parts.push(`${name} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  return `api metrics: ${parts.join(' · ')}`;
}
