import type { GetSecretValueCommand as GetSecretValue, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type SecretStage, SecretsManagerFetchError } from './errors';
import type { ResolvedSecretsOptions } from './options';

/** Reads one version stage of the secret; `signal` abandons the request. */
export type SecretFetcher = (stage: SecretStage, signal: AbortSignal) => Promise<string>;

/** A {@link SecretFetcher} backed by an SDK client, and a way to close that client. */
export interface SecretSource {
  fetch: SecretFetcher;
  /** Destroys the SDK client (its sockets). Later fetches fail. */
  destroy(): void;
}

interface Sdk {
  client: SecretsManagerClient;
  GetSecretValueCommand: typeof GetSecretValue;
}

/**
 * The SDK client settings: short explicit timeouts and few attempts (the SDK's defaults wait minutes).
 *
 * @example
 * new SecretsManagerClient(sdkClientConfig(resolveSecretsOptions({ secretId: 'rds/app' })));
 */
export function sdkClientConfig(options: Pick<ResolvedSecretsOptions, 'clientConfig' | 'connectionTimeoutMs' | 'requestTimeoutMs' | 'maxAttempts'>) {
  const { endpoint, region, credentials } = options.clientConfig;
  return {
    // Left out unless given, so AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_REGION apply.
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    maxAttempts: options.maxAttempts,
    // A plain object becomes NodeHttpHandler options. Without throwOnRequestTimeout,
    // @smithy/node-http-handler 4.x only warns when requestTimeout passes.
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      socketTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * Fetches the secret with `@aws-sdk/client-secrets-manager`. The SDK is
 * imported and its client created on the first fetch, so importing libs/db
 * costs nothing for code that never reads a secret.
 *
 * @example
 * const source = sdkSecretSource(resolveSecretsOptions({ secretId: 'rds/app' }));
 * const json = await source.fetch('AWSCURRENT', AbortSignal.timeout(5_000));
 * source.destroy();
 */
export function sdkSecretSource(options: ResolvedSecretsOptions): SecretSource {
  let loading: Promise<Sdk> | undefined;
  let loaded: SecretsManagerClient | undefined;
  let destroyed = false;

  const load = (): Promise<Sdk> =>
    (loading ??= import('@aws-sdk/client-secrets-manager').then(
      (sdk) => {
        const client = new sdk.SecretsManagerClient(sdkClientConfig(options));
        loaded = client;
        if (destroyed) client.destroy();
        return { client, GetSecretValueCommand: sdk.GetSecretValueCommand };
      },
      (error: unknown) => {
        loading = undefined; // a failed import may succeed later; the caller sees this failure
        throw error;
      },
    ));

  return {
    async fetch(stage, signal) {
      if (destroyed) throw new SecretsManagerFetchError(stage, { errorName: 'ClientDestroyed' });
      const { client, GetSecretValueCommand } = await load();
      if (signal.aborted) throw new SecretsManagerFetchError(stage, { errorName: 'AbortError' });
      const out = await client.send(new GetSecretValueCommand({ SecretId: options.secretId, VersionStage: stage }), { abortSignal: signal });
      if (typeof out.SecretString !== 'string') throw new SecretsManagerFetchError(stage, { errorName: 'SecretStringMissing' });
      return out.SecretString;
    },
    destroy() {
      destroyed = true;
      loaded?.destroy();
    },
  };
}
