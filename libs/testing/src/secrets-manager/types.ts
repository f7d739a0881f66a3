import type { SecretsManagerAction } from './actions';

export type { SecretsManagerAction } from './actions';

/**
 * Options for {@link startSecretsManager}.
 *
 * @example
 * ```ts
 * const sm = await startSecretsManager({ region: 'eu-west-1', accountId: '123456789012', latencyMs: 5 });
 * ```
 */
export interface StartSecretsManagerOptions {
  /** Port to listen on. @default 0 (a random free port) */
  port?: number;
  /** Interface to listen on. @default `127.0.0.1` */
  host?: string;
  /** Region used in ARNs and in {@link SecretsManagerEndpoint.clientConfig}. @default `us-east-1` */
  region?: string;
  /** Account id used in ARNs. @default `000000000000` */
  accountId?: string;
  /** Milliseconds added before every response (see {@link SecretsManagerEndpoint.setLatency}). @default 0 */
  latencyMs?: number;
  /**
   * Reject requests without a SigV4-shaped `Authorization` header (`AWS4-HMAC-SHA256 Credential=…,
   * SignedHeaders=…, Signature=…`); the signature itself is never checked. @default true
   */
  requireAuthorization?: boolean;
}

/**
 * Static fake credentials the local endpoint accepts.
 *
 * @example
 * ```ts
 * const { credentials } = sm.clientConfig(); // { accessKeyId: 'AKIALOCAL…', secretAccessKey: 'local-…' }
 * ```
 */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Everything a `SecretsManagerClient` needs to talk to the local endpoint.
 *
 * @example
 * ```ts
 * const client = new SecretsManagerClient({ ...sm.clientConfig(), maxAttempts: 1 });
 * ```
 */
export interface LocalClientConfig {
  endpoint: string;
  region: string;
  credentials: LocalCredentials;
}

/**
 * An error to answer with instead of running the action (see {@link SecretsManagerEndpoint.failNext}).
 *
 * @example
 * ```ts
 * sm.failNext('GetSecretValue', { name: 'ThrottlingException', message: 'Rate exceeded' }, 3);
 * ```
 */
export interface InjectedFailure {
  /** AWS error code, e.g. `InternalServiceError`, `ThrottlingException`. @default `InternalServiceError` */
  name?: string;
  /** @default a message saying the failure was injected */
  message?: string;
  /** @default 500 for `InternalServiceError`/`InternalFailure`, 503 for `ServiceUnavailable`, else 400 */
  status?: number;
}

/**
 * A running local Secrets Manager endpoint and its test hooks.
 *
 * @example
 * ```ts
 * let sm: SecretsManagerEndpoint;
 * beforeAll(async () => { sm = await startSecretsManager(); });
 * afterAll(() => sm.close());
 * beforeEach(() => sm.resetCounts());
 *
 * it('fetches the secret once per cold start', async () => {
 *   Object.assign(process.env, sm.env());
 *   // ... invoke the handler twice ...
 *   expect(sm.count('GetSecretValue', 'rds/app')).toBe(1);
 * });
 * ```
 */
export interface SecretsManagerEndpoint {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** Config for a real `SecretsManagerClient`: endpoint, region and static fake credentials. */
  clientConfig(): LocalClientConfig;
  /**
   * Environment variables that point the default SDK client chain here: `AWS_ENDPOINT_URL_SECRETS_MANAGER`,
   * `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`.
   */
  env(): Record<string, string>;
  /** Requests per action since start (or the last {@link resetCounts}), including ones that failed. */
  counts(): Partial<Record<SecretsManagerAction, number>>;
  /**
   * Requests for `action`; with `secretId`, only those naming that secret — matched against the `SecretId`
   * (or `Name`) sent and against the resolved secret's name and ARN.
   */
  count(action: SecretsManagerAction, secretId?: string): number;
  resetCounts(): void;
  /**
   * Makes the next `times` requests for `action` (`'*'`: any action) fail with `error` instead of running.
   * Injected failures are counted like other requests. Note the SDK retries 5xx and throttling errors.
   */
  failNext(action: SecretsManagerAction | '*', error?: string | InjectedFailure, times?: number): void;
  /** Drops every pending injected failure. */
  clearFailures(): void;
  /** Milliseconds added before every response from now on. */
  setLatency(ms: number): void;
  /** Stops listening and destroys open connections. Idempotent. */
  close(): Promise<void>;
}
