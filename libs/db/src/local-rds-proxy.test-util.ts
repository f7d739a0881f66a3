import { type LocalRdsProxy, type LocalRdsProxyOptions, type ProxyLogger, startBackendProxy } from '@serverless-app/local-rds-proxy';
import { type MysqlServer, type SecretsManagerEndpoint, startLocalBackend, type StartMysqlOptions } from '@serverless-app/testing';
import { createDbClient, type DbClient, type DbClientOptions } from './client';
import { captureLogger } from './integration.test-util';
import { type SecretsManagerCredentials, secretsManagerCredentials } from './secrets';

/** One line the proxy logged. */
export interface ProxyLogLine {
  level: string;
  message: string;
  attributes: Record<string, unknown> | undefined;
}

/**
 * libs/db as it runs in AWS, locally: a real server behind a real local RDS Proxy that authenticates
 * against the app user's secret in a local Secrets Manager (caching_sha2_password, TLS required, as the
 * CDK app sets), and clients that read that secret with the real SDK and connect to `localhost` with
 * verified TLS against the proxy's CA.
 */
export interface ProxiedDatabase {
  server: MysqlServer;
  sm: SecretsManagerEndpoint;
  proxy: LocalRdsProxy;
  secretId: string;
  /** What the proxy logged (pins, failovers), in order. */
  proxyLogs: ProxyLogLine[];
  /** A client through the proxy; its logs go to `logs`. Closed (and its secret cache disposed) by {@link close}. */
  client(overrides?: Partial<DbClientOptions>, logs?: ReturnType<typeof captureLogger>): DbClient;
  /** The Secrets Manager credentials provider of each client made, in order. */
  providers: SecretsManagerCredentials[];
  /** Pin log lines of the proxy so far. */
  pinLines(): ProxyLogLine[];
  close(): Promise<void>;
}

const SECRET_ID = 'serverless-app-rds-app-secret';

/**
 * Starts a server, a local Secrets Manager with the app user's RDS secret and a local RDS Proxy in
 * front of the server registered with that secret, set up as the CDK app sets RDS Proxy
 * (`startBackendProxy`), with a 2 s borrow timeout unless `options.proxy` says otherwise.
 *
 * @example
 * const world = await startProxiedDatabase({ proxy: { secretCacheTtlMs: 1_000 } });
 * const db = world.client();
 * await db.query('SELECT 1');
 * world.proxy.metrics().QueryRequests; // 1 or more
 * await world.close();
 */
export async function startProxiedDatabase(options: { proxy?: Omit<Partial<LocalRdsProxyOptions>, 'target' | 'secrets'>; mysql?: StartMysqlOptions } = {}): Promise<ProxiedDatabase> {
  const backend = await startLocalBackend({ secretName: SECRET_ID, mysql: options.mysql });
  const { db: server, secrets: sm } = backend;
  const proxyLogs: ProxyLogLine[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => void proxyLogs.push({ level, message, attributes });
  const logger: ProxyLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  let proxy: LocalRdsProxy;
  try {
    ({ proxy } = await startBackendProxy(backend, { connectionBorrowTimeoutMs: 2_000, metricsPort: false, logger, ...options.proxy }));
  } catch (error) {
    await backend.stop();
    throw error;
  }

  const clients: DbClient[] = [];
  const providers: SecretsManagerCredentials[] = [];
  return {
    server,
    sm,
    proxy,
    secretId: SECRET_ID,
    proxyLogs,
    providers,
    client: (overrides = {}, logs = captureLogger()) => {
      const credentials = secretsManagerCredentials({ secretId: SECRET_ID, clientConfig: sm.clientConfig(), refreshCooldownMs: 1, logger: logs.logger });
      providers.push(credentials);
      const db = createDbClient({
        host: 'localhost',
        port: proxy.port,
        database: server.database,
        credentials,
        tls: { ca: String(proxy.caPem) },
        pinning: 'warn',
        logger: logs.logger,
        retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, budgetMs: 5_000 },
        ...overrides,
      });
      clients.push(db);
      return db;
    },
    pinLines: () => proxyLogs.filter((line) => line.message.startsWith('The client session was pinned')),
    close: async () => {
      await Promise.allSettled(clients.map((db) => db.close()));
      for (const provider of providers) provider.dispose();
      await proxy.close();
      await backend.stop();
    },
  };
}
