/** For tools (benchmarks, local stack): build handlers and read the route table without importing the Lambda entry points. */
export { loadConfig, type ApiConfig, ConfigError } from './config';
export { createHandler, type ApiHandler, type HandlerOptions } from './handler';
export { createMigrateHandler, type MigrationSummary } from './migrate-handler';
export { routeManifest } from './route-table';
export type { Feature, HttpMethod, Route, RouteAuth, RouteManifestEntry } from './http/route';
