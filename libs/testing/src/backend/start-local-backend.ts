import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMysql } from '../mysql';
import type { MysqlCredentials, MysqlServer, StartMysqlOptions } from '../mysql';
import { startSecretsManager } from '../secrets-manager';
import type { SecretsManagerEndpoint } from '../secrets-manager';

/** Options for {@link startLocalBackend}. */
export interface LocalBackendOptions {
  /** Name of the database secret. @default 'serverless-app-rds-secret' */
  secretName?: string;
  /** Runs the schema migrations as the app user, before the secret is handed out. */
  migrate?: (app: MysqlCredentials) => Promise<unknown>;
  mysql?: StartMysqlOptions;
}

/** What the api Lambda talks to, running locally. */
export interface LocalBackend {
  db: MysqlServer;
  secrets: SecretsManagerEndpoint;
  secretId: string;
  /**
   * The api's environment for this backend: `DB_SECRET_ID`, `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_TLS`,
   * plus the variables that point the AWS SDK at the local Secrets Manager endpoint.
   */
  env(): Record<string, string>;
  /** Stops both; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the api's backing services: a throwaway database (or `MYSQL_URL`),
 * migrated, and a local Secrets Manager endpoint holding the app user's
 * generated credentials as an RDS secret (`{ engine, host, port, dbname, username, password }`).
 *
 * @example
 * const backend = await startLocalBackend({ migrate: (app) => migrate({ connection: app, migrations }) });
 * Object.assign(process.env, backend.env());
 * const { handler } = await import('./main');
 * await backend.stop();
 */
export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const secretId = options.secretName ?? 'serverless-app-rds-secret';
  const [db, secrets] = await Promise.all([startMysql(options.mysql), startSecretsManager()]);
  try {
    await options.migrate?.(db.app);
    const client = new SecretsManagerClient(secrets.clientConfig());
    try {
      await client.send(
        new CreateSecretCommand({
          Name: secretId,
          Description: 'Local database credentials (generated)',
          SecretString: JSON.stringify({
            engine: 'mysql',
            host: db.host,
            port: db.port,
            dbname: db.database,
            username: db.app.user,
            password: db.app.password,
          }),
        }),
      );
    } finally {
      client.destroy();
    }
  } catch (error) {
    await Promise.allSettled([secrets.close(), db.stop()]);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    db,
    secrets,
    secretId,
    env: () => ({
      ...secrets.env(),
      DB_SECRET_ID: secretId,
      DB_HOST: db.host,
      DB_PORT: String(db.port),
      DB_NAME: db.database,
      DB_TLS: 'off',
    }),
    stop: () =>
      (stopping ??= Promise.allSettled([secrets.close(), db.stop()]).then((results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      })),
  };
}
