import { defaultPinningMode, type PinningMode } from '@serverless-app/db';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** What the Lambda needs to know, read once at cold start. */
export interface ApiConfig {
  /** Name or ARN of the Secrets Manager secret holding the database credentials. */
  secretId: string;
  /** RDS Proxy endpoint (or any MySQL host when run locally). */
  dbHost: string;
  dbPort: number;
  dbName: string;
  /** Verify the server's TLS certificate; off only against loopback. */
  dbTls: 'verify' | 'off';
  /**
   * The certificates (PEM) that verified TLS trusts instead of the Amazon roots bundled in libs/db, read from
   * `DB_TLS_CA_FILE`: the local RDS Proxy's CA. Unset in AWS.
   */
  dbTlsCa: string[] | undefined;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** How long the secret is cached before it is fetched again (it is also re-fetched when the database rejects it). */
  secretCacheTtlMs: number;
  /** IAM database authentication: the user to sign tokens for, and the region. */
  iamAuth: { username: string; region: string } | undefined;
  /** RDS Proxy pinning guard mode: from `DB_PINNING_GUARD`, else `off` when `NODE_ENV=production`, `warn` elsewhere. */
  pinning: PinningMode;
  /** The deployment stage (`STAGE`: `dev`, `prod`, `local` ...): the `stage` dimension of every metric. */
  stage: string;
  /** X-Ray subsegments per database statement kind (`TRACING=on`); the tracer is not even loaded when off. */
  tracing: 'on' | 'off';
  /**
   * How long the api's metrics are summed before they are written (`METRICS_FLUSH_MS`, 0 = every invocation);
   * a cold start and any failure counter are written at once.
   */
  metricsFlushMs: number;
}

/** The settings the migration runner shares with the api: how to reach the database. */
type DatabaseSettings = Omit<ApiConfig, 'stage' | 'tracing' | 'metricsFlushMs'>;

/** A missing or malformed environment variable; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name]?.trim() || fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65_535) {
    throw new ConfigError(name, `must be a port number between 1 and 65535, got "${raw}"`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function pinningMode(env: Env): PinningMode {
  try {
    return defaultPinningMode(env);
  } catch (cause) {
    const variable = (cause as { variable?: string }).variable ?? 'DB_PINNING_GUARD';
    throw new ConfigError(variable, (cause as Error).message.replace(new RegExp(`^${variable}\\s*`), ''));
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/** The PEM certificates of `DB_TLS_CA_FILE`, read now; `undefined` when it is not set. */
function tlsCaFile(env: Env, dbTls: 'verify' | 'off'): string[] | undefined {
  const name = 'DB_TLS_CA_FILE';
  const path = env[name]?.trim();
  if (!path) return undefined;
  if (dbTls !== 'verify') throw new ConfigError(name, `may be set only with DB_TLS=verify (TLS is "${dbTls}")`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(name, `cannot be read: "${path}" (${(cause as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) throw new ConfigError(name, `must name a file with a PEM certificate; "${path}" has none`);
  for (const [index, pem] of certificates.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      throw new ConfigError(name, `must name a file of valid PEM certificates; certificate ${index + 1} of "${path}" cannot be parsed`);
    }
  }
  return certificates;
}

const STAGE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The stage name: required, a metric dimension value, so a short name with no spaces or punctuation. */
function stage(env: Env): string {
  const value = required(env, 'STAGE');
  if (!STAGE_NAME.test(value)) throw new ConfigError('STAGE', `must be 1-64 letters, digits, hyphens or underscores, got "${value.slice(0, 64)}"`);
  return value;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/;

/**
 * Reads and validates the Lambda's configuration from the environment. Call it
 * once at module scope so a bad deployment fails the cold start, naming the
 * variable, instead of failing requests.
 *
 * Variables: `DB_SECRET_ID` (required), `DB_HOST` (required), `DB_PORT` (3306),
 * `DB_NAME` (required), `DB_TLS` (`verify` — the host must then be a DNS name,
 * which the certificate is checked against — or `off` for loopback hosts only;
 * default `verify`, `off` on loopback), `LOG_LEVEL` (`INFO`),
 * `SECRET_CACHE_TTL_MS` (900000), `DB_IAM_AUTH` (`false`; with `true`,
 * `DB_USER` and `AWS_REGION` are required), `DB_TLS_CA_FILE` (unset: the
 * Amazon Trust Services roots that RDS Proxy's certificates chain to; set, with
 * `DB_TLS=verify` only, to a PEM file of the CA to trust instead — the local
 * RDS Proxy's — read and checked here), `STAGE` (required: the `stage` dimension of the
 * api's metrics, e.g. `dev`, `prod`, `local`), `TRACING` (`off`; `on` loads the X-Ray tracer and
 * records a subsegment per database statement kind), `METRICS_FLUSH_MS` (1000, 0–60000: the api's metrics are
 * summed this long before an EMF line is written; 0 writes one per invocation).
 *
 * @example
 * const config = loadConfig(); // throws ConfigError('DB_HOST is required but not set')
 */
export function loadConfig(env: Env = process.env): ApiConfig {
  return {
    ...databaseSettings(env),
    stage: stage(env),
    tracing: oneOf(env, 'TRACING', ['on', 'off'] as const, 'off'),
    metricsFlushMs: integer(env, 'METRICS_FLUSH_MS', 1_000, 0, 60_000),
  };
}

/** What the api and the migration runner both read: everything but the api's observability settings. */
function databaseSettings(env: Env): DatabaseSettings {
  const dbHost = required(env, 'DB_HOST');
  const loopback = LOOPBACK.test(dbHost);
  const dbTls = oneOf(env, 'DB_TLS', ['verify', 'off'] as const, loopback ? 'off' : 'verify');
  if (dbTls === 'off' && !loopback) {
    throw new ConfigError('DB_TLS', `may be "off" only for a loopback DB_HOST, not "${dbHost}"`);
  }
  if (dbTls === 'verify' && isIP(dbHost) !== 0) {
    throw new ConfigError('DB_TLS', `"verify" needs the host name the certificate was issued for (the RDS Proxy endpoint), not the IP address ${dbHost}`);
  }
  const iam = oneOf(env, 'DB_IAM_AUTH', ['true', 'false'] as const, 'false') === 'true';
  if (iam && dbTls === 'off') throw new ConfigError('DB_IAM_AUTH', 'needs TLS; it cannot be used with DB_TLS=off');
  return {
    secretId: required(env, 'DB_SECRET_ID'),
    dbHost,
    dbPort: port(env, 'DB_PORT', 3306),
    dbName: required(env, 'DB_NAME'),
    dbTls,
    dbTlsCa: tlsCaFile(env, dbTls),
    logLevel: oneOf(env, 'LOG_LEVEL', ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const, 'INFO'),
    secretCacheTtlMs: integer(env, 'SECRET_CACHE_TTL_MS', 900_000, 1_000, 86_400_000),
    iamAuth: iam ? { username: required(env, 'DB_USER'), region: required(env, 'AWS_REGION') } : undefined,
    pinning: pinningMode(env),
  };
}

/** The deploy-time migration runner's configuration: the api's database settings, plus the app user it keeps in sync. */
export interface MigrateConfig extends DatabaseSettings {
  /** Name or ARN of the app user's secret; `secretId` (`DB_SECRET_ID`) is then the administrator's. */
  appSecretId: string;
  /** How long a database that cannot be reached yet is waited for (a fresh proxy's target), in ms. */
  retryBudgetMs: number;
}

/** The longest retry budget: the runner must still fit Lambda's 15 minutes with time to migrate. */
export const MAX_RETRY_BUDGET_MS = 13 * 60_000;

/**
 * Reads the migration runner's configuration: what {@link loadConfig} reads but `STAGE`, `TRACING` and `METRICS_FLUSH_MS` (it emits
 * no metrics) — `DB_SECRET_ID` naming the administrator's secret, which it connects with — plus `DB_APP_SECRET_ID` (required: the app user's secret,
 * whose user it creates and keeps in sync) and `MIGRATE_RETRY_BUDGET_MS` (200000, at most 780000).
 *
 * @example
 * const config = loadMigrateConfig(); // throws ConfigError('DB_APP_SECRET_ID is required but not set')
 */
export function loadMigrateConfig(env: Env = process.env): MigrateConfig {
  const config = databaseSettings(env);
  const appSecretId = required(env, 'DB_APP_SECRET_ID');
  if (appSecretId === config.secretId) throw new ConfigError('DB_APP_SECRET_ID', 'must name the app user\'s secret, not the administrator\'s DB_SECRET_ID');
  return { ...config, appSecretId, retryBudgetMs: integer(env, 'MIGRATE_RETRY_BUDGET_MS', 200_000, 0, MAX_RETRY_BUDGET_MS) };
}
