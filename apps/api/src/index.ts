/**
 * For tools (benchmarks, local stack, the endpoint generator): build handlers, read the route table and render
 * README's route rows without importing the Lambda entry points.
 */
export { loadConfig, type ApiConfig, ConfigError } from './config';
export { createHandler, type ApiHandler, type HandlerOptions } from './handler';
export { createMigrateHandler, type MigrationSummary } from './migrate-handler';
export { routeManifest } from './route-table';
export { API_METRICS_CONTRACT, type ApiMetricName } from './observability/metrics-contract';
export { apiMetrics, type ApiMetricsOptions } from './observability/api-metrics';
export { README_ROUTES_END, README_ROUTES_START, type ReadmeRoute, readmeRouteRow, readmeRouteTable, withRouteTable } from './readme-routes';
export type { Feature, HttpMethod, Route, RouteAuth, RouteManifestEntry } from './http/route';
