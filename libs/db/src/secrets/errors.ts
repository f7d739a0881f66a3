import { DatabaseAuthError, DatabaseUnavailableError, SAFE_ERROR } from '../errors';

/** The secret versions the provider reads. */
export type SecretStage = 'AWSCURRENT' | 'AWSPENDING';

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;
const SAFE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

const safeName = (value: unknown): string => (typeof value === 'string' && SAFE_NAME.test(value) ? value : 'Error');
const safeCode = (value: unknown): string | undefined => (typeof value === 'string' && SAFE_CODE.test(value) ? value : undefined);

/**
 * A `GetSecretValue` call that failed, reduced to facts that cannot quote a
 * secret: the AWS error name (or `TimeoutError`, `AbortError`, ...), a Node
 * error code and the HTTP status. The SDK's message and response are dropped.
 *
 * @example
 * catch (e) { if (e instanceof SecretsManagerFetchError && e.errorName === 'ThrottlingException') slowDown(); }
 */
export class SecretsManagerFetchError extends Error {
  override name = 'SecretsManagerFetchError';
  readonly [SAFE_ERROR] = true;
  /** AWS error code (`ThrottlingException`, `ResourceNotFoundException`, ...) or the JavaScript error's name. */
  readonly errorName: string;
  /** Node system error code, e.g. `ECONNREFUSED`. */
  readonly code: string | undefined;
  readonly httpStatusCode: number | undefined;
  readonly stage: SecretStage;

  constructor(stage: SecretStage, facts: { errorName: string; code?: string; httpStatusCode?: number }) {
    const detail = [facts.errorName, facts.code, facts.httpStatusCode === undefined ? undefined : `HTTP ${facts.httpStatusCode}`].filter(Boolean).join(', ');
    super(`GetSecretValue (${stage}) failed: ${detail}`);
    this.errorName = facts.errorName;
    this.code = facts.code;
    this.httpStatusCode = facts.httpStatusCode;
    this.stage = stage;
  }

  /**
   * The safe facts of any error an SDK call rejected with.
   *
   * @example
   * const safe = SecretsManagerFetchError.from('AWSCURRENT', sdkError); // no message, no $response
   */
  static from(stage: SecretStage, error: unknown): SecretsManagerFetchError {
    if (error instanceof SecretsManagerFetchError) return error;
    const { name, code, $metadata } = (typeof error === 'object' && error !== null ? error : {}) as {
      name?: unknown;
      code?: unknown;
      $metadata?: { httpStatusCode?: unknown };
    };
    const status = $metadata?.httpStatusCode;
    return new SecretsManagerFetchError(stage, {
      errorName: safeName(name),
      ...(safeCode(code) ? { code: safeCode(code) } : {}),
      ...(typeof status === 'number' && Number.isInteger(status) ? { httpStatusCode: status } : {}),
    });
  }
}

/** What caused a failed fetch, safe to keep as `cause` and to log: a fetch error or a malformed secret. */
export type SecretFailure = SecretsManagerFetchError | DatabaseAuthError;

/**
 * Reduces anything a fetch rejected with to a {@link SecretFailure}. A malformed
 * secret keeps `parseDbSecret`'s message (it names the field, never a value) and
 * loses any cause.
 *
 * @example
 * const failure = toSecretFailure('AWSCURRENT', error);
 */
export function toSecretFailure(stage: SecretStage, error: unknown): SecretFailure {
  if (error instanceof DatabaseAuthError) return new DatabaseAuthError(error.message, { code: 'MALFORMED_SECRET' });
  return SecretsManagerFetchError.from(stage, error);
}

/**
 * `{ name, code }` of a failure, for logs and stats.
 *
 * @example
 * failureSummary(new SecretsManagerFetchError('AWSCURRENT', { errorName: 'Error', code: 'ECONNREFUSED' })); // { name: 'Error', code: 'ECONNREFUSED' }
 */
export function failureSummary(failure: SecretFailure): { name: string; code?: string } {
  if (failure instanceof SecretsManagerFetchError) return { name: failure.errorName, ...(failure.code ? { code: failure.code } : {}) };
  return { name: failure.name, ...(failure.code ? { code: failure.code } : {}) };
}

/**
 * The database credentials could not be read from Secrets Manager and none are
 * cached yet (cold start with Secrets Manager down, throttling or hanging). A {@link DatabaseUnavailableError}, so callers answer 503
 * with `Retry-After: retryAfterSeconds`. `cause` is a {@link SecretFailure}:
 * never the SDK's error, never the secret.
 *
 * @example
 * catch (e) { if (e instanceof CredentialsUnavailableError) return reply(503, { 'Retry-After': String(e.retryAfterSeconds) }); }
 */
export class CredentialsUnavailableError extends DatabaseUnavailableError {
  override name = 'CredentialsUnavailableError';

  constructor(message: string, options: { cause?: SecretFailure; retryAfterSeconds: number; attempts: number }) {
    super(message, {
      ...options,
      reason: 'credentials',
      ...(options.cause ? { code: failureSummary(options.cause).code ?? failureSummary(options.cause).name } : {}),
    });
  }
}
