import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { silentProxyLogger, type ProxyLogger } from './logger';
import { CLIENT_PASSWORD_AUTH_TYPES, type ClientPasswordAuthType, type SecretRegistration } from './secrets/secret-registry';

/**
 * Options for {@link startLocalRdsProxy}. Names and defaults follow RDS
 * Proxy's settings (`MaxConnectionsPercent`, `ConnectionBorrowTimeout`, ...),
 * in milliseconds instead of seconds.
 *
 * @example
 * const options: LocalRdsProxyOptions = { target: { host: db.host, port: db.port }, secrets: ['rds/app'], connectionBorrowTimeoutMs: 5_000 };
 */
export interface LocalRdsProxyOptions {
  /** The database the proxy stands in front of. */
  readonly target: { readonly host: string; readonly port: number };
  /** The secrets whose credentials clients log in with (RDS Proxy's `Auth`); at least one. More with `registerSecret`. */
  readonly secrets: readonly SecretRegistration[];
  /**
   * How the secrets are read: a client (left open on close) or a config for one the proxy creates.
   * @default a client from the environment (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_REGION`, ...)
   */
  readonly secretsManager?: SecretsManagerClient | SecretsManagerClientConfig;
  /** How long a secret read is reused before it is read again. A login that fails re-reads at once. @default 10_000 */
  readonly secretCacheTtlMs?: number;
  /** Auth type of secrets registered without one. @default 'MYSQL_CACHING_SHA2_PASSWORD' (RDS Proxy's default for MySQL) */
  readonly defaultAuthType?: ClientPasswordAuthType;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Offer TLS (a generated CA and a certificate for localhost and 127.0.0.1). @default true */
  readonly tls?: boolean;
  /** Refuse clients that do not upgrade to TLS (RDS Proxy's `RequireTLS`). @default false */
  readonly requireTls?: boolean;
  /** Where the CA and certificate files go (kept on close). @default a new temp folder, removed on close */
  readonly certDir?: string;
  /** Database connections at most, in percent of the server's `max_connections` (1–100). @default 100 */
  readonly maxConnectionsPercent?: number;
  /** Idle database connections kept, in percent of `max_connections` (0–maxConnectionsPercent). @default 50 */
  readonly maxIdleConnectionsPercent?: number;
  /** How long a client waits for a database connection before error 9501 (1–300,000). @default 120_000 */
  readonly connectionBorrowTimeoutMs?: number;
  /** A client idle this long is disconnected (1–28,800,000). @default 1_800_000 */
  readonly idleClientTimeoutMs?: number;
  /** How long opening one database connection may take. @default 5_000 */
  readonly databaseConnectTimeoutMs?: number;
  /** Port of the metrics endpoint (JSON over HTTP on `host`); `false` for none. @default 0 (a free port) */
  readonly metricsPort?: number | false;
  /** Where the proxy logs (never SQL text, values or secrets). @default silent */
  readonly logger?: ProxyLogger;
}

/** {@link LocalRdsProxyOptions} with every default applied and every value checked. */
export interface ResolvedProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly secrets: readonly SecretRegistration[];
  readonly secretsManager: SecretsManagerClient | SecretsManagerClientConfig | undefined;
  readonly secretCacheTtlMs: number;
  readonly defaultAuthType: ClientPasswordAuthType;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly requireTls: boolean;
  readonly certDir: string | undefined;
  readonly maxConnectionsPercent: number;
  readonly maxIdleConnectionsPercent: number;
  readonly connectionBorrowTimeoutMs: number;
  readonly idleClientTimeoutMs: number;
  readonly databaseConnectTimeoutMs: number;
  readonly metricsPort: number | false;
  readonly logger: ProxyLogger;
}

const KNOWN = new Set<string>([
  'target',
  'secrets',
  'secretsManager',
  'secretCacheTtlMs',
  'defaultAuthType',
  'host',
  'port',
  'tls',
  'requireTls',
  'certDir',
  'maxConnectionsPercent',
  'maxIdleConnectionsPercent',
  'connectionBorrowTimeoutMs',
  'idleClientTimeoutMs',
  'databaseConnectTimeoutMs',
  'metricsPort',
  'logger',
]);

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function text(name: string, value: unknown, fallback: string | undefined): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function requiredText(name: string, value: unknown, fallback?: string): string {
  const checked = text(name, value, fallback);
  if (checked === undefined) throw new TypeError(`${name} must be a non-empty string`);
  return checked;
}

function authType(name: string, value: unknown): ClientPasswordAuthType | undefined {
  if (value === undefined) return undefined;
  if (!CLIENT_PASSWORD_AUTH_TYPES.includes(value as ClientPasswordAuthType)) {
    throw new TypeError(`${name} must be one of ${CLIENT_PASSWORD_AUTH_TYPES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as ClientPasswordAuthType;
}

/**
 * Checks one secret registration; throws a `TypeError` naming what is wrong.
 *
 * @example
 * checkSecretRegistration({ secretId: 'rds/app', clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' }, 'secrets[0]');
 */
export function checkSecretRegistration(value: unknown, name = 'secret'): SecretRegistration {
  if (typeof value === 'string') return requiredText(name, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be a secret id or { secretId, clientPasswordAuthType? }`);
  }
  const { secretId, clientPasswordAuthType, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new TypeError(`${name} has unknown key(s): ${unknown.join(', ')}`);
  const checkedType = authType(`${name}.clientPasswordAuthType`, clientPasswordAuthType);
  return { secretId: requiredText(`${name}.secretId`, secretId), ...(checkedType ? { clientPasswordAuthType: checkedType } : {}) };
}

/**
 * Applies the defaults and checks every option; throws a `TypeError` that
 * names the first bad one.
 *
 * @example
 * resolveProxyOptions({ target: { host: '127.0.0.1', port: 3306 }, secrets: ['rds/app'] }).connectionBorrowTimeoutMs; // 120000
 */
export function resolveProxyOptions(options: LocalRdsProxyOptions): ResolvedProxyOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('startLocalRdsProxy needs an options object');
  const unknown = Object.keys(options).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new TypeError(`unknown option(s): ${unknown.join(', ')}`);

  const target = options.target as unknown;
  if (typeof target !== 'object' || target === null) throw new TypeError('target must be { host, port } of the database');
  const targetHost = requiredText('target.host', (target as { host?: unknown }).host);
  const targetPort = integer('target.port', (target as { port?: unknown }).port ?? Number.NaN, 0, 1, 65_535);

  if (!Array.isArray(options.secrets) || options.secrets.length === 0) throw new TypeError('secrets must list at least one secret id');
  const secrets = options.secrets.map((s, i) => checkSecretRegistration(s, `secrets[${i}]`));

  const maxConnectionsPercent = integer('maxConnectionsPercent', options.maxConnectionsPercent, 100, 1, 100);
  const metricsPort = options.metricsPort === false ? false : integer('metricsPort', options.metricsPort, 0, 0, 65_535);
  const logger = options.logger ?? silentProxyLogger;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger[level] !== 'function') throw new TypeError(`logger must have a ${level}() method`);
  }
  const tls = boolean('tls', options.tls, true);
  const requireTls = boolean('requireTls', options.requireTls, false);
  if (requireTls && !tls) throw new TypeError('requireTls needs tls: true');
  return {
    target: { host: targetHost, port: targetPort },
    secrets,
    secretsManager: options.secretsManager,
    secretCacheTtlMs: integer('secretCacheTtlMs', options.secretCacheTtlMs, 10_000, 0, 86_400_000),
    defaultAuthType: authType('defaultAuthType', options.defaultAuthType) ?? 'MYSQL_CACHING_SHA2_PASSWORD',
    host: requiredText('host', options.host, '127.0.0.1'),
    port: integer('port', options.port, 0, 0, 65_535),
    tls,
    requireTls,
    certDir: text('certDir', options.certDir, undefined),
    maxConnectionsPercent,
    maxIdleConnectionsPercent: integer('maxIdleConnectionsPercent', options.maxIdleConnectionsPercent, Math.min(50, maxConnectionsPercent), 0, maxConnectionsPercent),
    connectionBorrowTimeoutMs: integer('connectionBorrowTimeoutMs', options.connectionBorrowTimeoutMs, 120_000, 1, 300_000),
    idleClientTimeoutMs: integer('idleClientTimeoutMs', options.idleClientTimeoutMs, 1_800_000, 1, 28_800_000),
    databaseConnectTimeoutMs: integer('databaseConnectTimeoutMs', options.databaseConnectTimeoutMs, 5_000, 1, 600_000),
    metricsPort,
    logger,
  };
}
