import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { HttpResponse } from '../http/response';
import type { HttpEvent, RouteManifestEntry } from '../http/route';
import { type CounterSources, counterDeltas } from './db-counters';
import { API_METRICS_CONTRACT, type ApiMetricName } from './metrics-contract';
import { routeLabels, STATUS_CLASSES, statusClassIndex } from './route-label';

/** Options of {@link apiMetrics}. */
export interface ApiMetricsOptions extends CounterSources {
  /** The `stage` dimension (`STAGE`). */
  stage: string;
  /** The routes served: the only values the `route` dimension takes (besides `other`). */
  routes: readonly RouteManifestEntry[];
  /**
   * How long counts are summed before they are written (`METRICS_FLUSH_MS`); 0 writes at every invocation.
   * @default 1000
   */
  flushMs?: number;
  /** The clock, in ms. @default Date.now */
  now?: () => number;
}

/** The middleware, and `flush()` to write what is summed (the handler's `dispose`, tests). */
export type ApiMetricsMiddleware = MiddlewareObj<HttpEvent, HttpResponse> & { flush(): void };

const { namespace, service, metrics: UNITS } = API_METRICS_CONTRACT;
const NAMES = Object.keys(UNITS) as ApiMetricName[];

/** A Metrics instance with the contract's namespace and service, whatever `POWERTOOLS_*` variables say. */
const metricsWith = (dimensions: Record<string, string>, singleMetric = false) =>
  new Metrics({ namespace, serviceName: service, defaultDimensions: dimensions, singleMetric });

/**
 * The api's metrics (Powertools Metrics, CloudWatch EMF on stdout), counted at every invocation, error answers
 * included, and written as sums: `Requests`, `ColdStart` and what libs/db's counters moved by (credential
 * refreshes and their failures, replayed reads, replaced stale connections, writes of unknown outcome, time
 * waited for the pool, failed background secret refreshes) in one EMF line with the dimensions `service` and
 * `stage`; then `Requests` by `route` and `statusClass`, one line per series that moved. Names and units come
 * from {@link API_METRICS_CONTRACT}; dimension values are the stage, a declared route's template or `other`,
 * and a status class — never anything from the request.
 *
 * Writing a line costs Powertools ~20–30 µs, a fifth of a warm request, so counts are summed and written at
 * most once per `flushMs` — but at once on a cold start and whenever a failure counter moved (every counter
 * but `Requests` and `PoolWaitMs`), so alarms see those within the invocation. What is summed when an
 * environment is shut down, at most `flushMs` of `Requests` and `PoolWaitMs`, is lost (Lambda sends no signal
 * to a function without an extension).
 *
 * Register it first, so that its `after`/`onError` see the final answer. Counting never fails a request.
 *
 * @example
 * middy(router).use(apiMetrics({ stage: config.stage, routes, db: () => client?.stats(), secret: () => secret.stats() }))
 */
export function apiMetrics(options: ApiMetricsOptions): ApiMetricsMiddleware {
  const { flushMs = 1_000, now = Date.now } = options;
  const metrics = metricsWith({ stage: options.stage });
  const deltas = counterDeltas(options);
  const label = routeLabels(options.routes);
  const sums = new Map<ApiMetricName, number>(NAMES.map((name) => [name, 0]));
  /** Requests by route label, one slot per status class. */
  const byRoute = new Map<string, Float64Array>();
  /** One single-metric instance per route and status class, made when first written (a few dozen at most). */
  const series = new Map<string, Metrics>();
  let cold = true;
  let urgent = false;
  let lastFlush = now();

  const sum = (name: ApiMetricName, value: number) => {
    sums.set(name, (sums.get(name) as number) + value);
    if (name !== 'PoolWaitMs') urgent = true;
  };

  const flush = () => {
    try {
      for (const name of NAMES) {
        const value = sums.get(name) as number;
        if (value > 0) metrics.addMetric(name, UNITS[name], value);
        sums.set(name, 0);
      }
      metrics.publishStoredMetrics();
      for (const [route, counts] of byRoute) {
        counts.forEach((count, index) => {
          if (count === 0) return;
          const status = STATUS_CLASSES[index] as string;
          const key = `${route} ${status}`;
          let instance = series.get(key);
          if (!instance) series.set(key, (instance = metricsWith({ stage: options.stage, route, statusClass: status }, true)));
          instance.addMetric('Requests', UNITS.Requests, count);
        });
        counts.fill(0);
      }
    } catch {
      metrics.clearMetrics(); // a metrics failure must not fail the request, nor leak into the next line
    }
  };

  const count = (request: { event: HttpEvent; response: HttpResponse | null | undefined }) => {
    try {
      sums.set('Requests', (sums.get('Requests') as number) + 1);
      if (cold) sum('ColdStart', 1);
      cold = false;
      deltas.each(sum);
      const { event } = request;
      const route = label(event?.httpMethod, event?.resource);
      let counts = byRoute.get(route);
      if (!counts) byRoute.set(route, (counts = new Float64Array(STATUS_CLASSES.length)));
      (counts[statusClassIndex(request.response?.statusCode)] as number)++;
      const at = now();
      if (urgent || at - lastFlush >= flushMs) {
        urgent = false;
        lastFlush = at;
        flush();
      }
    } catch {
      // counting never fails a request
    }
  };
  return { after: count, onError: count, flush };
}
