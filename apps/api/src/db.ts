import {
  createDbClient,
  type CredentialsProvider,
  type DbClient,
  type DbClientLogger,
  type IamAuthOptions,
  lazyDbClient,
  rdsIamTokenSource,
  type TlsOption,
} from '@serverless-app/db';
import type { ApiConfig } from './config';
import { loadInstrument } from './observability/tracing';

/**
 * IAM database authentication for the configured user, when enabled: tokens
 * signed for the proxy endpoint, renewed before they expire.
 *
 * @example
 * connectionOptions({ host, database, iamAuth: iamAuthFor(config) });
 */
export function iamAuthFor(config: Pick<ApiConfig, 'iamAuth' | 'dbHost' | 'dbPort'>): IamAuthOptions | undefined {
  if (!config.iamAuth) return undefined;
  const { username, region } = config.iamAuth;
  return { username, tokens: rdsIamTokenSource({ hostname: config.dbHost, port: config.dbPort, username, region }) };
}

/**
 * TLS to the database as configured: verified against the CA of `DB_TLS_CA_FILE` when it is set (the local
 * RDS Proxy's), else `DB_TLS` as is (`verify`: the Amazon roots bundled in libs/db).
 *
 * @example
 * tlsFor(config); // 'verify' in AWS; { ca: ['-----BEGIN CERTIFICATE-----...'] } in the local stack
 */
export function tlsFor(config: Pick<ApiConfig, 'dbTls' | 'dbTlsCa'>): TlsOption {
  return config.dbTlsCa ? { ca: config.dbTlsCa } : config.dbTls;
}

/**
 * The database client for this execution environment, made on first use and
 * shared by every invocation after it; with `TRACING=on`, its statements in
 * X-Ray subsegments (the tracer starts loading now, at init).
 *
 * @example
 * const getDb = databaseFor(config, credentials, logger);
 * const db = await getDb();
 */
export function databaseFor(config: ApiConfig, credentials: CredentialsProvider, logger: DbClientLogger): () => Promise<DbClient> {
  const iamAuth = iamAuthFor(config);
  const instrument = loadInstrument(config.tracing, logger);
  return lazyDbClient(async () =>
    createDbClient({
      host: config.dbHost,
      port: config.dbPort,
      database: config.dbName,
      credentials,
      tls: tlsFor(config),
      pinning: config.pinning,
      logger,
      ...(iamAuth ? { iamAuth } : {}),
      instrument: await instrument,
    }),
  );
}
