import type { DbClientLogger } from '../logger';
import { silentLogger } from '../logger';

/**
 * Where the SDK client sends requests. Anything left out comes from the
 * environment as usual (`AWS_REGION`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`, the
 * Lambda role's credentials).
 */
export interface SecretsManagerClientConfig {
  /** e.g. a local endpoint `http://127.0.0.1:4566`. @default from `AWS_ENDPOINT_URL_SECRETS_MANAGER`, else the regional endpoint */
  endpoint?: string;
  /** @default from `AWS_REGION` */
  region?: string;
  /** @default the SDK's default credential chain */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Options for {@link secretsManagerCredentials}.
 *
 * @example
 * const options: SecretsManagerCredentialsOptions = { secretId: 'rds/app', ttlMs: 15 * 60_000, logger };
 */
export interface SecretsManagerCredentialsOptions {
  /** Name or ARN of the RDS secret (`{ username, password, host, port, dbname, ... }`). */
  secretId: string;
  /** After this long a `get()` still answers from the cache and starts one background refresh. @default 900_000 (15 minutes) */
  ttlMs?: number;
  /** At most one forced `refresh()` fetch, and one `pending()` fetch, per this many milliseconds. @default 10_000 */
  refreshCooldownMs?: number;
  /** Wait after the first failed fetch before the next is allowed; doubles per failure, with jitter. @default 1_000 */
  backoffBaseMs?: number;
  /** Longest wait between failed fetches. @default 60_000 */
  backoffMaxMs?: number;
  /** SDK: time allowed to open the connection. @default 1_000 */
  connectionTimeoutMs?: number;
  /** SDK: time allowed per attempt until the response starts. @default 2_000 */
  requestTimeoutMs?: number;
  /** SDK: attempts per fetch, the first included. @default 2 */
  maxAttempts?: number;
  /** Deadline of one fetch, SDK retries included. @default maxAttempts × requestTimeoutMs + 1_000 (5_000) */
  fetchTimeoutMs?: number;
  /** Endpoint, region and credentials for the SDK client. @default the environment's */
  clientConfig?: SecretsManagerClientConfig;
  /** Receives one warn line per failed fetch and an info line on recovery; never a secret value. @default silent */
  logger?: DbClientLogger;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Source of jitter in [0, 1), for tests. @default Math.random */
  random?: () => number;
}

/** Options with every default applied. */
export type ResolvedSecretsOptions = Required<Omit<SecretsManagerCredentialsOptions, 'clientConfig'>> & {
  clientConfig: SecretsManagerClientConfig;
};

/** Defaults of {@link SecretsManagerCredentialsOptions}. */
export const SECRETS_DEFAULTS = {
  ttlMs: 15 * 60_000,
  refreshCooldownMs: 10_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
} as const;

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** [min, max] of each numeric option. */
const RANGES = {
  ttlMs: [1, 24 * HOUR],
  refreshCooldownMs: [1, HOUR],
  backoffBaseMs: [1, 10 * MINUTE],
  backoffMaxMs: [1, HOUR],
  connectionTimeoutMs: [1, MINUTE],
  requestTimeoutMs: [1, MINUTE],
  maxAttempts: [1, 10],
  fetchTimeoutMs: [1, 5 * MINUTE],
} as const satisfies Record<string, readonly [number, number]>;

function integerIn(name: keyof typeof RANGES, value: unknown): number {
  const [min, max] = RANGES[name];
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function functionOr<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
  return value as T;
}

function checkLogger(value: unknown): DbClientLogger {
  if (value === undefined) return silentLogger;
  const logger = value as Partial<Record<keyof DbClientLogger, unknown>> | null;
  if (typeof logger !== 'object' || logger === null || (['debug', 'info', 'warn', 'error'] as const).some((level) => typeof logger[level] !== 'function')) {
    throw new TypeError('logger must have debug(), info(), warn() and error()');
  }
  return value as DbClientLogger;
}

function checkClientConfig(value: unknown): SecretsManagerClientConfig {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('clientConfig must be an object');
  const { endpoint, region, credentials } = value as Record<string, unknown>;
  if (endpoint !== undefined && (typeof endpoint !== 'string' || !/^https?:\/\/\S+$/.test(endpoint))) {
    throw new TypeError('clientConfig.endpoint must be an http(s) URL');
  }
  if (region !== undefined && (typeof region !== 'string' || region.trim() === '')) throw new TypeError('clientConfig.region must be a non-empty string');
  if (credentials !== undefined) {
    const { accessKeyId, secretAccessKey } = (credentials ?? {}) as Record<string, unknown>;
    if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof secretAccessKey !== 'string' || secretAccessKey === '') {
      throw new TypeError('clientConfig.credentials needs accessKeyId and secretAccessKey strings');
    }
  }
  return value as SecretsManagerClientConfig;
}

/**
 * Checks the options and applies the defaults. Errors name the option.
 *
 * @example
 * resolveSecretsOptions({ secretId: 'rds/app', ttlMs: 0 }); // RangeError: ttlMs must be an integer from 1 to 86400000, got 0
 */
export function resolveSecretsOptions(options: SecretsManagerCredentialsOptions): ResolvedSecretsOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with a secretId');
  const { secretId } = options;
  if (typeof secretId !== 'string' || secretId.trim() === '') throw new TypeError('secretId must be a non-empty string');
  if (secretId.length > 2048) throw new RangeError(`secretId must be at most 2048 characters, got ${secretId.length}`);

  const n = { ...SECRETS_DEFAULTS, ...withoutUndefined(options) };
  const maxAttempts = integerIn('maxAttempts', n.maxAttempts);
  const requestTimeoutMs = integerIn('requestTimeoutMs', n.requestTimeoutMs);
  const backoffBaseMs = integerIn('backoffBaseMs', n.backoffBaseMs);
  const backoffMaxMs = integerIn('backoffMaxMs', n.backoffMaxMs);
  if (backoffMaxMs < backoffBaseMs) throw new RangeError(`backoffMaxMs must be at least backoffBaseMs (${backoffBaseMs}), got ${backoffMaxMs}`);
  return {
    secretId,
    ttlMs: integerIn('ttlMs', n.ttlMs),
    refreshCooldownMs: integerIn('refreshCooldownMs', n.refreshCooldownMs),
    backoffBaseMs,
    backoffMaxMs,
    connectionTimeoutMs: integerIn('connectionTimeoutMs', n.connectionTimeoutMs),
    requestTimeoutMs,
    maxAttempts,
    fetchTimeoutMs: integerIn('fetchTimeoutMs', options.fetchTimeoutMs ?? Math.min(maxAttempts * requestTimeoutMs + 1_000, RANGES.fetchTimeoutMs[1])),
    clientConfig: checkClientConfig(options.clientConfig),
    logger: checkLogger(options.logger),
    now: functionOr('now', options.now, Date.now),
    random: functionOr('random', options.random, Math.random),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
