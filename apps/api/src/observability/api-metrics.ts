import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { HttpResponse } from '../http/response';
import type { HttpEvent, RouteManifestEntry } from '../http/route';
import { type CounterSources, counterDeltas } from './db-counters';
import { API_METRICS_CONTRACT, type ApiMetricName } from './metrics-contract';
import { routeLabels, statusClass } from './route-label';

/** Options of {@link apiMetrics}. */
export interface ApiMetricsOptions extends CounterSources {
  /** The `stage` dimension (`STAGE`). */
  stage: string;
  /** The routes served: the only values the `route` dimension takes (besides `other`). */
  routes: readonly RouteManifestEntry[];
}

const { namespace, service, metrics: UNITS } = API_METRICS_CONTRACT;

/** A Metrics instance with the contract's namespace and service, whatever `POWERTOOLS_*` variables say. */
const metricsWith = (dimensions: Record<string, string>, singleMetric = false) =>
  new Metrics({ namespace, serviceName: service, defaultDimensions: dimensions, singleMetric });

/**
 * The api's metrics (Powertools Metrics, CloudWatch EMF on stdout), once per invocation, error answers
 * included: `Requests` (1), `ColdStart` (1, first invocation only) and what libs/db's counters moved by since
 * the last invocation (credential refreshes and their failures, replayed reads, replaced stale connections,
 * writes of unknown outcome, time waited for the pool, failed background secret refreshes) — one EMF line with
 * the dimensions `service` and `stage`; then `Requests` once more with `route` and `statusClass` too, as a
 * second line. Names and units come from {@link API_METRICS_CONTRACT}; dimension values are the stage, a
 * declared route's template or `other`, and a status class — never anything from the request.
 *
 * Register it first, so that its `after`/`onError` see the final answer. Emitting never fails a request.
 *
 * @example
 * middy(router).use(apiMetrics({ stage: config.stage, routes, db: () => client?.stats(), secret: () => secret.stats() }))
 */
export function apiMetrics(options: ApiMetricsOptions): MiddlewareObj<HttpEvent, HttpResponse> {
  const metrics = metricsWith({ stage: options.stage });
  const deltas = counterDeltas(options);
  const label = routeLabels(options.routes);
  /** One single-metric instance per route and status class, made on first use (a few dozen at most). */
  const series = new Map<string, Map<string, Metrics>>();
  const seriesFor = (route: string, status: string) => {
    let byStatus = series.get(route);
    if (!byStatus) series.set(route, (byStatus = new Map()));
    let instance = byStatus.get(status);
    if (!instance) byStatus.set(status, (instance = metricsWith({ stage: options.stage, route, statusClass: status }, true)));
    return instance;
  };
  const add = (name: ApiMetricName, value: number) => metrics.addMetric(name, UNITS[name], value);
  let cold = true;

  const flush = (request: Request<HttpEvent, HttpResponse>) => {
    try {
      add('Requests', 1);
      if (cold) add('ColdStart', 1);
      cold = false;
      deltas.each(add);
      metrics.publishStoredMetrics();
      const { event } = request;
      seriesFor(label(event?.httpMethod, event?.resource), statusClass(request.response?.statusCode)).addMetric('Requests', UNITS.Requests, 1);
    } catch {
      metrics.clearMetrics(); // a metrics failure must not fail the request, nor leak into the next one
    }
  };
  return { after: flush, onError: flush };
}
