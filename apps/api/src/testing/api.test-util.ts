import { Logger } from '@aws-lambda-powertools/logger';
import { loadMigrations, migrate } from '@serverless-app/db';
import { type HttpEventOptions, lambdaContext, type LocalBackend, restApiEvent, startLocalBackend } from '@serverless-app/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { type ApiHandler, createHandler } from '../handler';

export const MIGRATIONS_DIR = join(__dirname, '../../migrations');

/** Starts the backend (real database, migrated; local Secrets Manager) once per test file. */
export function startBackend(): Promise<LocalBackend> {
  return startLocalBackend({ migrate: (app) => migrate({ connection: app, migrations: loadMigrations(MIGRATIONS_DIR) }) });
}

/** Captures what the logger writes (JSON lines on stdout). */
export function captureStdout() {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest) || true;
  }) as typeof process.stdout.write);
  return { lines, restore: () => spy.mockRestore(), json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * A handler wired to the backend exactly as in Lambda (environment → config at
 * "cold start"), with its own secret cache.
 */
export function apiFor(backend: LocalBackend, env: Record<string, string> = {}) {
  Object.assign(process.env, backend.secrets.env());
  const config = loadConfig({ ...backend.env(), NODE_ENV: 'test', ...env });
  const logger = new Logger({ serviceName: 'serverless-app-api', logLevel: config.logLevel });
  const handler: ApiHandler = createHandler({ config, logger, secretCacheKey: `db-secret-${randomUUID()}` });
  const invoke = (options: HttpEventOptions = {}) =>
    handler(restApiEvent(options), lambdaContext()) as Promise<APIGatewayProxyResult>;
  return { handler, invoke, config, dispose: () => handler.dispose() };
}

/** The parsed JSON body of a response. */
export const bodyOf = (response: APIGatewayProxyResult): unknown => (response.body ? JSON.parse(response.body) : undefined);
