import {
  createDbClient,
  type CredentialsProvider,
  type DbClient,
  type DbClientLogger,
  type IamAuthOptions,
  lazyDbClient,
  rdsIamTokenSource,
} from '@serverless-app/db';
import type { ApiConfig } from './config';

/**
 * IAM database authentication for the configured user, when enabled: tokens
 * signed for the proxy endpoint, renewed before they expire.
 *
 * @example
 * connectionOptions({ host, database, iamAuth: iamAuthFor(config) });
 */
export function iamAuthFor(config: ApiConfig): IamAuthOptions | undefined {
  if (!config.iamAuth) return undefined;
  const { username, region } = config.iamAuth;
  return { username, tokens: rdsIamTokenSource({ hostname: config.dbHost, port: config.dbPort, username, region }) };
}

/**
 * The database client for this execution environment, made on first use and
 * shared by every invocation after it.
 *
 * @example
 * const getDb = databaseFor(config, credentials, logger);
 * const db = await getDb();
 */
export function databaseFor(config: ApiConfig, credentials: CredentialsProvider, logger: DbClientLogger): () => Promise<DbClient> {
  const iamAuth = iamAuthFor(config);
  return lazyDbClient(() =>
    createDbClient({
      host: config.dbHost,
      port: config.dbPort,
      database: config.dbName,
      credentials,
      tls: config.dbTls,
      pinning: config.pinning,
      logger,
      ...(iamAuth ? { iamAuth } : {}),
    }),
  );
}
