import { Logger } from '@aws-lambda-powertools/logger';
import {
  classify,
  connectionOptions,
  CredentialsUnavailableError,
  driverInfo,
  loadMigrations,
  migrate,
  secretsManagerCredentials,
} from '@serverless-app/db';
import type { ApiConfig } from './config';
import { iamAuthFor } from './db';

/** What a deploy-time migration run did. */
export interface MigrationSummary {
  applied: string[];
  pending: string[];
}

/**
 * Failures worth waiting out on a first deploy, while the new proxy's target
 * becomes available: no connection yet (refused, borrow timeout, too many
 * connections, closed), access denied (the secret not attached to the proxy
 * yet), Secrets Manager not answering — classified by libs/db like every other
 * database failure.
 */
const isTransient = (error: unknown): boolean =>
  error instanceof CredentialsUnavailableError
    ? !PERMANENT_SECRET_ERRORS.has(error.code ?? '')
    : ['busy', 'connection-lost', 'closed', 'auth'].includes(classify(error));

/** Secrets Manager answers that waiting will not change: the deploy fails at once, naming it. */
const PERMANENT_SECRET_ERRORS = new Set(['ResourceNotFoundException', 'InvalidParameterException', 'InvalidRequestException', 'DecryptionFailure']);

/**
 * The deploy-time migration step: reads the DB secret (the same Secrets Manager
 * provider as the request handler: short timeouts, safe errors), connects
 * through the proxy as the request handler does (verified TLS, or IAM auth when
 * configured) and applies the pending migrations from `migrationsDir`.
 * Connection failures are retried with backoff for up to `retryBudgetMs` (a new
 * proxy needs a while before it lends connections), the secret re-read each
 * time. Throwing fails the deployment before the API takes traffic; DDL never
 * runs on the request path.
 *
 * @example
 * export const handler = createMigrateHandler({ config: loadConfig(), migrationsDir: join(__dirname, 'migrations') });
 */
export function createMigrateHandler(options: { config: ApiConfig; migrationsDir: string; logger?: Logger; retryBudgetMs?: number }) {
  const { config, migrationsDir } = options;
  const logger = options.logger ?? new Logger({ serviceName: 'serverless-app-migrate', logLevel: config.logLevel });
  const budgetMs = options.retryBudgetMs ?? 200_000;
  const iamAuth = iamAuthFor(config);
  return async (): Promise<MigrationSummary> => {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await migrateOnce();
      } catch (error) {
        const delayMs = Math.min(10_000, 500 * 2 ** (attempt - 1));
        if (!isTransient(error) || Date.now() - started + delayMs > budgetMs) throw error;
        logger.warn('database not reachable yet; retrying the migrations', { attempt, delayMs, ...driverInfo(error) });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  };

  async function migrateOnce(): Promise<MigrationSummary> {
    const migrations = loadMigrations(migrationsDir);
    const secret = secretsManagerCredentials({ secretId: config.secretId, logger });
    let credentials;
    try {
      credentials = iamAuth ? undefined : await secret.get();
    } finally {
      secret.dispose();
    }
    const connection = connectionOptions({
      host: config.dbHost,
      port: config.dbPort,
      database: config.dbName,
      tls: config.dbTls,
      connectTimeoutMs: 10_000,
      ...(iamAuth ? { iamAuth } : { credentials }),
    });
    const { applied, status } = await migrate({ connection, migrations, logger });
    logger.info('migrations complete', { applied, pending: status.pending, total: migrations.length });
    return { applied, pending: status.pending };
  }
}
