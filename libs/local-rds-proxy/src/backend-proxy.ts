import type { LocalBackend } from '@serverless-app/testing';
import type { LocalRdsProxyOptions } from './options';
import { startLocalRdsProxy, type LocalRdsProxy } from './start-local-rds-proxy';

/**
 * The settings the CDK app gives the deployed RDS Proxy (`apps/infra/src/constructs/database.ts`): TLS
 * required, `caching_sha2_password` for the app secret, 90 % of the server's connections, a 5 s borrow
 * timeout (well inside the api's 15 s function timeout).
 */
export const DEPLOYED_PROXY_SETTINGS = {
  requireTls: true,
  clientPasswordAuthType: 'MYSQL_CACHING_SHA2_PASSWORD',
  maxConnectionsPercent: 90,
  connectionBorrowTimeoutMs: 5_000,
} as const;

/**
 * A local RDS Proxy in front of a {@link LocalBackend}'s database, and the api's environment through it.
 *
 * @example
 * const { proxy, env } = await startBackendProxy(backend);
 * const api = apiFor(backend, env());
 */
export interface BackendProxy {
  readonly proxy: LocalRdsProxy;
  /**
   * The api's environment through the proxy: the backend's (`DB_SECRET_ID`, `DB_NAME`, the AWS SDK pointed at the
   * local Secrets Manager) with `DB_HOST=localhost` (the name the proxy's certificate carries; libs/db refuses
   * verified TLS to an IP address), `DB_PORT` the proxy's, `DB_TLS=verify` and `DB_TLS_CA_FILE` its CA file.
   */
  env(): Record<string, string>;
  /** Closes the proxy (the backend is left running). Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a local RDS Proxy in front of the backend's database, registered with the backend's secret (the
 * app user's credentials) and set up as the CDK app sets up the deployed one ({@link DEPLOYED_PROXY_SETTINGS});
 * `options` may change anything but the target and the secret.
 *
 * @example
 * const backend = await startLocalBackend({ migrate });
 * const through = await startBackendProxy(backend, { logger });
 * Object.assign(functionEnv, through.env()); // DB_HOST=localhost, DB_PORT=<proxy>, DB_TLS=verify, DB_TLS_CA_FILE=...
 * through.proxy.metrics().QueryRequests;
 * await through.close();
 * await backend.stop();
 */
export async function startBackendProxy(
  backend: LocalBackend,
  options: Omit<Partial<LocalRdsProxyOptions>, 'target' | 'secrets'> = {},
): Promise<BackendProxy> {
  const { clientPasswordAuthType, ...settings } = DEPLOYED_PROXY_SETTINGS;
  const proxy = await startLocalRdsProxy({
    ...settings,
    secretsManager: backend.secrets.clientConfig(),
    ...options,
    target: { host: backend.db.host, port: backend.db.port },
    secrets: [{ secretId: backend.secretId, clientPasswordAuthType }],
  });
  const caFile = proxy.caFile;
  if (caFile === undefined) {
    await proxy.close();
    throw new TypeError('startBackendProxy needs the proxy to offer TLS (tls: false leaves the api nothing to verify)');
  }
  return {
    proxy,
    env: () => ({
      ...backend.env(),
      DB_HOST: 'localhost',
      DB_PORT: String(proxy.port),
      DB_TLS: 'verify',
      DB_TLS_CA_FILE: caFile,
    }),
    close: () => proxy.close(),
  };
}
