import { Logger } from '@aws-lambda-powertools/logger';
import { type ApiHandler, createHandler, loadConfig } from '@serverless-app/api';
import { loadMigrations, migrate } from '@serverless-app/db';
import { type BackendProxy, silentProxyLogger, startBackendProxy } from '@serverless-app/local-rds-proxy';
import { lambdaContext, type LocalBackend, type LocalBackendOptions, restApiEvent, startLocalBackend } from '@serverless-app/testing';
import { join } from 'node:path';
import { workspaceRoot } from './workspace-root';


/** A migrated throwaway database and a local Secrets Manager endpoint, with the SDK pointed at the latter. */
export async function startBenchBackend(mysql: LocalBackendOptions['mysql'] = {}): Promise<LocalBackend> {
  const backend = await startLocalBackend({
    mysql,
    migrate: (app) => migrate({ connection: app, migrations: loadMigrations(join(workspaceRoot(), 'apps/api/migrations')) }),
  });
  Object.assign(process.env, backend.secrets.env());
  return backend;
}

/** A local RDS Proxy set up as the CDK app sets RDS Proxy, logging nothing, no metrics port. */
export function startBenchProxy(backend: LocalBackend): Promise<BackendProxy> {
  return startBackendProxy(backend, { logger: silentProxyLogger, metricsPort: false });
}

/** One execution environment of the api: `createHandler` with its own secret cache and pool; logs nothing. */
export interface ApiEnvironment {
  /** `GET /` (the database's `NOW()`); resolves with the status code, never rejects. */
  get(): Promise<number>;
  dispose(): Promise<void>;
  handler: ApiHandler;
}

/** An api execution environment with `env` (the backend's or the proxy's) as its Lambda environment; it logs nothing unless `BENCH_LOG_LEVEL` says so (e.g. `ERROR`, to see why requests failed). */
export function apiEnvironment(env: Record<string, string>): ApiEnvironment {
  // A thousand environments' metrics lines would bury the progress: counted, not written (Powertools skips the write).
  process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
  const config = loadConfig({ ...env, NODE_ENV: 'production', LOG_LEVEL: 'ERROR', STAGE: 'bench' });
  const handler = createHandler({ config, logger: new Logger({ serviceName: 'bench', logLevel: (process.env['BENCH_LOG_LEVEL'] ?? 'SILENT') as 'SILENT' }) });
  return {
    handler,
    get: () => handler(restApiEvent({ path: '/' }), lambdaContext()).then((res) => res.statusCode, () => 0),
    dispose: () => handler.dispose(),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
