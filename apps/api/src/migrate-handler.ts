import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadMigrations, migrate, parseDbSecret, rdsIamTokenSource, resolveTls } from '@serverless-app/db';
import type { ConnectionOptions } from 'mysql2';
import type { ApiConfig } from './config';

/** What a deploy-time migration run did. */
export interface MigrationSummary {
  applied: string[];
  pending: string[];
}

/** Failures worth waiting out on a first deploy, while the new proxy's target becomes available. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST']);
const TRANSIENT_ERRNOS = new Set([1040, 1045, 9501]); // too many connections, access denied (secret not attached yet), borrow timeout

const isTransient = (error: unknown): boolean => {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return (typeof code === 'string' && TRANSIENT_CODES.has(code)) || (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno));
};

/**
 * The deploy-time migration step: reads the DB secret, connects through the
 * proxy (TLS, or IAM auth when configured) and applies the pending migrations
 * from `migrationsDir`. Connection failures are retried with backoff for up to
 * `retryBudgetMs` (a new proxy needs a while before it lends connections), the
 * secret re-read each time. Throwing fails the deployment before the API takes
 * traffic; DDL never runs on the request path.
 *
 * @example
 * export const handler = createMigrateHandler({ config: loadConfig(), migrationsDir: join(__dirname, 'migrations') });
 */
export function createMigrateHandler(options: { config: ApiConfig; migrationsDir: string; logger?: Logger; retryBudgetMs?: number }) {
  const { config, migrationsDir } = options;
  const logger = options.logger ?? new Logger({ serviceName: 'serverless-app-migrate', logLevel: config.logLevel });
  const budgetMs = options.retryBudgetMs ?? 200_000;
  return async (): Promise<MigrationSummary> => {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await migrateOnce();
      } catch (error) {
        const delayMs = Math.min(10_000, 500 * 2 ** (attempt - 1));
        if (!isTransient(error) || Date.now() - started + delayMs > budgetMs) throw error;
        const { code, errno } = error as { code?: string; errno?: number };
        logger.warn('database not reachable yet; retrying the migrations', { attempt, delayMs, code, errno });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  };

  async function migrateOnce(): Promise<MigrationSummary> {
    const migrations = loadMigrations(migrationsDir);
    const client = new SecretsManagerClient({});
    let secret;
    try {
      secret = parseDbSecret((await client.send(new GetSecretValueCommand({ SecretId: config.secretId }))).SecretString);
    } finally {
      client.destroy();
    }
    const connection: ConnectionOptions = {
      host: config.dbHost,
      port: config.dbPort,
      database: config.dbName,
      user: secret.username,
      password: secret.password,
      ssl: resolveTls(config.dbHost, config.dbTls),
      connectTimeout: 10_000,
    };
    if (config.iamAuth) {
      const tokens = rdsIamTokenSource({ hostname: config.dbHost, port: config.dbPort, username: config.iamAuth.username, region: config.iamAuth.region });
      Object.assign(connection, {
        user: config.iamAuth.username,
        password: '',
        authPlugins: { mysql_clear_password: () => async () => Buffer.from(`${await tokens.get()}\0`) },
      });
    }
    const { applied, status } = await migrate({ connection, migrations, logger });
    logger.info('migrations complete', { applied, pending: status.pending, total: migrations.length });
    return { applied, pending: status.pending };
  }
}
