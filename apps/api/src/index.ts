/** For tools (benchmarks, local stack): build handlers without importing the Lambda entry points. */
export { loadConfig, type ApiConfig, ConfigError } from './config';
export { createHandler, type ApiHandler, type HandlerOptions } from './handler';
export { createMigrateHandler, type MigrationSummary } from './migrate-handler';
