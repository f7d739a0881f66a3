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
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

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

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/;

/**
 * Reads and validates the Lambda's configuration from the environment. Call it
 * once at module scope so a bad deployment fails the cold start, naming the
 * variable, instead of failing requests.
 *
 * Variables: `DB_SECRET_ID` (required), `DB_HOST` (required), `DB_PORT` (3306),
 * `DB_NAME` (required), `DB_TLS` (`verify`, or `off` for loopback hosts only;
 * default `verify`, `off` on loopback), `LOG_LEVEL` (`INFO`).
 *
 * @example
 * const config = loadConfig(); // throws ConfigError('DB_HOST is required but not set')
 */
export function loadConfig(env: Env = process.env): ApiConfig {
  const dbHost = required(env, 'DB_HOST');
  const loopback = LOOPBACK.test(dbHost);
  const dbTls = oneOf(env, 'DB_TLS', ['verify', 'off'] as const, loopback ? 'off' : 'verify');
  if (dbTls === 'off' && !loopback) {
    throw new ConfigError('DB_TLS', `may be "off" only for a loopback DB_HOST, not "${dbHost}"`);
  }
  return {
    secretId: required(env, 'DB_SECRET_ID'),
    dbHost,
    dbPort: port(env, 'DB_PORT', 3306),
    dbName: required(env, 'DB_NAME'),
    dbTls,
    logLevel: oneOf(env, 'LOG_LEVEL', ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const, 'INFO'),
  };
}
