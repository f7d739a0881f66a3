import { Logger } from '@aws-lambda-powertools/logger';
import { createDbClient, type DbClient, loadMigrations, migrate, staticCredentials } from '@serverless-app/db';
import { type HttpEventOptions, lambdaContext, type LambdaContextOptions, type LocalBackend, restApiEvent, startLocalBackend, TEST_IAM_CALLER } from '@serverless-app/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { type ApiHandler, createHandler, type HandlerOptions } from '../handler';

export const MIGRATIONS_DIR = join(__dirname, '../../migrations');

/** Starts the backend (real database, migrated; local Secrets Manager) once per test file. */
export function startBackend(): Promise<LocalBackend> {
  return startLocalBackend({ migrate: (app) => migrate({ connection: app, migrations: loadMigrations(MIGRATIONS_DIR) }) });
}

/** Captures what the logger writes: JSON lines on stdout (debug, info) and stderr (warn, error). */
export function captureLogs() {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) => {
    return jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter((l) => l.startsWith('{')));
      return true;
    }) as typeof stream.write);
  });
  return {
    lines,
    restore: () => spies.forEach((spy) => spy.mockRestore()),
    json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/**
 * A handler wired to the backend exactly as in Lambda (environment → config at
 * "cold start"), with its own secret cache; `options` can swap the features.
 * `invoke` sends every request as {@link TEST_IAM_CALLER}, as API Gateway would
 * after checking its signature; `invoke({ ..., iamCaller: undefined })` is anonymous.
 */
export function apiFor(backend: LocalBackend, env: Record<string, string> = {}, options: Pick<HandlerOptions, 'features'> = {}) {
  // The SDK reads its endpoint and credentials from the process environment; `env` may point it elsewhere.
  const sdkEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('AWS_')));
  Object.assign(process.env, backend.secrets.env(), sdkEnv);
  const config = loadConfig({ ...backend.env(), NODE_ENV: 'test', STAGE: 'local', ...env });
  const logger = new Logger({ serviceName: 'serverless-app-api', logLevel: config.logLevel });
  const handler: ApiHandler = createHandler({ config, logger, ...options });
  const invoke = (options: HttpEventOptions = {}, context: LambdaContextOptions = {}) =>
    handler(restApiEvent({ iamCaller: TEST_IAM_CALLER, ...options }), lambdaContext(context)) as Promise<APIGatewayProxyResult>;
  return { handler, invoke, config, dispose: () => handler.dispose() };
}

/**
 * A database client as the app user, for tests that call services and the kit
 * directly (no handler, no Secrets Manager). Close it after use.
 */
export function dbFor(backend: LocalBackend): DbClient {
  const { host, port, user, password, database } = backend.db.app;
  return createDbClient({ host, port, database, credentials: staticCredentials({ username: user, password }), pinning: 'off' });
}

/** The parsed JSON body of a response. */
export const bodyOf = (response: APIGatewayProxyResult): unknown => (response.body ? JSON.parse(response.body) : undefined);

/**
 * Registers the usual lifecycle for a test file: one migrated backend and one
 * handler for all its tests, disposed of afterwards. Read the fields inside tests.
 */
export function useApi(env: Record<string, string> = {}, options: Pick<HandlerOptions, 'features'> = {}) {
  const ctx = {} as { backend: LocalBackend; api: ReturnType<typeof apiFor> };
  beforeAll(async () => {
    ctx.backend = await startBackend();
    ctx.api = apiFor(ctx.backend, env, options);
  });
  afterAll(async () => {
    await ctx.api?.dispose();
    await ctx.backend?.stop();
  });
  return ctx;
}
