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

/**
 * The deploy-time migration step: reads the DB secret, connects through the
 * proxy (TLS, or IAM auth when configured) and applies the pending migrations
 * from `migrationsDir`. Throwing fails the deployment before the API takes
 * traffic; DDL never runs on the request path.
 *
 * @example
 * export const handler = createMigrateHandler({ config: loadConfig(), migrationsDir: join(__dirname, 'migrations') });
 */
export function createMigrateHandler(options: { config: ApiConfig; migrationsDir: string; logger?: Logger }) {
  const { config, migrationsDir } = options;
  const logger = options.logger ?? new Logger({ serviceName: 'serverless-app-migrate', logLevel: config.logLevel });
  return async (): Promise<MigrationSummary> => {
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
  };
}
