import { createDbClient, type CredentialsProvider, type DbClient, type DbClientLogger, lazyDbClient, rdsIamTokenSource } from '@serverless-app/db';
import type { ApiConfig } from './config';

/**
 * The database client for this execution environment, made on first use and
 * shared by every invocation after it.
 *
 * @example
 * const getDb = databaseFor(config, secret.credentials, logger);
 * const db = await getDb();
 */
export function databaseFor(config: ApiConfig, credentials: CredentialsProvider, logger: DbClientLogger): () => Promise<DbClient> {
  return lazyDbClient(() =>
    createDbClient({
      host: config.dbHost,
      port: config.dbPort,
      database: config.dbName,
      credentials,
      tls: config.dbTls,
      pinning: config.pinning,
      logger,
      ...(config.iamAuth
        ? {
            iamAuth: {
              username: config.iamAuth.username,
              tokens: rdsIamTokenSource({ hostname: config.dbHost, port: config.dbPort, username: config.iamAuth.username, region: config.iamAuth.region }),
            },
          }
        : {}),
    }),
  );
}
