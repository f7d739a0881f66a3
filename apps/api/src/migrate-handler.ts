import { Logger } from '@aws-lambda-powertools/logger';
import {
  classify,
  connectionOptions,
  CredentialsUnavailableError,
  type DbSecret,
  driverInfo,
  loadMigrations,
  migrate,
  secretsManagerCredentials,
  syncAppUser,
} from '@serverless-app/db';
import type { MigrateConfig } from './config';
import { iamAuthFor, tlsFor } from './db';

/** What a deploy-time migration run did. */
export interface MigrationSummary {
  applied: string[];
  pending: string[];
  /** The app user: created this run, its password set, how many extra grants were revoked. */
  appUser: { user: string; created: boolean; passwordSet: boolean; revoked: number };
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
 * The deploy-time migration step: reads the administrator's secret (the same
 * Secrets Manager provider as the request handler: short timeouts, safe
 * errors), connects through the proxy as the request handler does (verified
 * TLS, or IAM auth when configured), applies the pending migrations from
 * `migrationsDir`, then keeps the app user in sync with its secret
 * (`appSecretId`): created if missing, its password set to the secret's
 * current one — unless a rotation of that secret is under way — and exactly
 * `SELECT, INSERT, UPDATE, DELETE` on the schema. Connection failures are
 * retried with backoff for up to `config.retryBudgetMs` (a new proxy needs a
 * while before it lends connections), the secrets re-read each time. Throwing
 * fails the deployment before the API takes traffic; DDL never runs on the
 * request path.
 *
 * @example
 * export const handler = createMigrateHandler({ config: loadMigrateConfig(), migrationsDir: join(__dirname, 'migrations') });
 */
export function createMigrateHandler(options: { config: MigrateConfig; migrationsDir: string; logger?: Logger }) {
  const { config, migrationsDir } = options;
  const logger = options.logger ?? new Logger({ serviceName: 'serverless-app-migrate', logLevel: config.logLevel });
  const budgetMs = config.retryBudgetMs;
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
    const credentials = iamAuth ? undefined : await readSecret(config.secretId);
    const connection = connectionOptions({
      host: config.dbHost,
      port: config.dbPort,
      database: config.dbName,
      tls: tlsFor(config),
      connectTimeoutMs: 10_000,
      ...(iamAuth ? { iamAuth } : { credentials }),
    });
    const { applied, status } = await migrate({ connection, migrations, logger });
    logger.info('migrations complete', { applied, pending: status.pending, total: migrations.length });
    const app = await readSecret(config.appSecretId, { withPending: true });
    const rotating = app.pending !== undefined && (app.pending.username !== app.current.username || app.pending.password !== app.current.password);
    if (rotating) logger.warn('the app secret is being rotated; its user\'s password is left as it is', { user: app.current.username });
    const appUser = await syncAppUser({
      connection,
      user: app.current.username,
      password: app.current.password,
      database: config.dbName,
      keepExistingPassword: rotating,
      logger,
    });
    return { applied, pending: status.pending, appUser: { user: app.current.username, ...appUser } };
  }

  /** Reads a secret once (and its AWSPENDING version with `withPending`), through libs/db's provider. */
  async function readSecret(secretId: string): Promise<DbSecret>;
  async function readSecret(secretId: string, options: { withPending: true }): Promise<{ current: DbSecret; pending: DbSecret | undefined }>;
  async function readSecret(secretId: string, options?: { withPending: true }) {
    const secret = secretsManagerCredentials({ secretId, logger });
    try {
      const current = await secret.get();
      return options?.withPending ? { current, pending: await secret.pending() } : current;
    } finally {
      secret.dispose();
    }
  }
}
