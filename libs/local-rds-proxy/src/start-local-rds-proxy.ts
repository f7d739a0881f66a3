import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { listen, type HttpListener } from '@serverless-app/testing';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createSecureContext } from 'node:tls';
import { BackendConnection } from './backend/backend-connection';
import { ConnectionPool } from './backend/pool';
import { TrackedState } from './backend/session-state';
import { ClientSession } from './frontend/client-session';
import type { ProxyContext } from './frontend/proxy-context';
import { ProxyMetrics, type ProxyMetricsSnapshot } from './metrics/metrics';
import { checkSecretRegistration, resolveProxyOptions, type LocalRdsProxyOptions } from './options';
import { BACKEND_BASE_CAPABILITIES } from './protocol/constants';
import { SecretRegistry, type SecretRegistration } from './secrets/secret-registry';
import { createCertificates, type ProxyCertificates } from './tls/certificates';

/**
 * Faults to inject, for tests of what clients do when RDS Proxy misbehaves.
 *
 * @example
 * proxy.faults.failNextBorrows(2); // the next two statements (or logins) get 9501
 * const release = proxy.faults.stallBorrows(); // borrows wait ...
 * release(); // ... until now
 */
export interface ProxyFaults {
  /** The next `count` borrows fail at once with error 9501 (at login or at statement time). */
  failNextBorrows(count: number): void;
  /** Closes every database connection now, idle or lent, statements in flight included; returns how many. */
  dropDatabaseConnections(): number;
  /** New borrows wait (then time out with 9501) until the returned function is called. */
  stallBorrows(): () => void;
  /** Undoes `failNextBorrows` and every stall. */
  clear(): void;
}

/** A running local RDS Proxy. */
export interface LocalRdsProxy {
  /** Where clients connect (for verified TLS, connect to `localhost` with `caPem`). */
  readonly host: string;
  readonly port: number;
  /** The CA certificate file clients trust; `undefined` with `tls: false`. */
  readonly caFile: string | undefined;
  readonly caPem: string | undefined;
  /** `http://host:port/metrics`, answering the metrics as JSON; `undefined` with `metricsPort: false`. */
  readonly metricsUrl: string | undefined;
  /** The database connection cap: `maxConnectionsPercent` of the server's `max_connections`. */
  readonly maxConnections: number;
  /** The metrics now. */
  metrics(): ProxyMetricsSnapshot;
  readonly faults: ProxyFaults;
  /** Adds a secret clients may log in with (read on the next login). */
  registerSecret(secret: SecretRegistration): void;
  /** Stops listening, closes every client and database connection, removes generated files; leaves no timers. Idempotent. */
  close(): Promise<void>;
  /** Same as {@link close}. */
  stop(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts a local stand-in for Amazon RDS Proxy (MySQL engine family) in front
 * of a MySQL/MariaDB server: clients log in with the credentials of the
 * registered Secrets Manager secrets (over TLS with a generated CA, if they
 * ask), statements are multiplexed over a capped pool of database connections
 * per transaction, sessions are pinned by the shared RDS Proxy rules, borrows
 * time out with error 9501, and a restarted database is reconnected
 * transparently for idle clients. See the README for what it does not do.
 *
 * At start it logs in with the first readable secret to read the server's
 * version, `max_connections` and session defaults; it fails if it cannot.
 *
 * @example
 * const proxy = await startLocalRdsProxy({
 *   target: { host: db.host, port: db.port },
 *   secrets: ['rds/app'],
 *   secretsManager: sm.clientConfig(),
 *   connectionBorrowTimeoutMs: 5_000,
 * });
 * const conn = await createConnection({ host: 'localhost', port: proxy.port, user, password, ssl: { ca: proxy.caPem } });
 * proxy.metrics().DatabaseConnections; // 1
 * await proxy.close();
 */
export async function startLocalRdsProxy(options: LocalRdsProxyOptions): Promise<LocalRdsProxy> {
  const config = resolveProxyOptions(options);
  const { logger } = config;
  const ownClient = !(config.secretsManager instanceof SecretsManagerClient);
  const client =
    config.secretsManager instanceof SecretsManagerClient
      ? config.secretsManager
      : new SecretsManagerClient({
          maxAttempts: 2,
          // Short, explicit timeouts: the SDK's defaults wait minutes on an endpoint that does not answer.
          requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
          ...(config.secretsManager ?? {}),
        });
  const secrets = new SecretRegistry({ client, ttlMs: config.secretCacheTtlMs, defaultAuthType: config.defaultAuthType, logger });
  for (const secret of config.secrets) secrets.register(secret);
  const target = { ...config.target, connectTimeoutMs: config.databaseConnectTimeoutMs };

  let certificates: ProxyCertificates | undefined;
  let pool: ConnectionPool | undefined;
  let metricsListener: HttpListener | undefined;
  let server: Server | undefined;
  try {
    const first = await secrets.first();
    if (!first) throw new Error(`none of the secrets (${secrets.secretIds.join(', ')}) could be read with a username and password`);
    const probe = await BackendConnection.open(target, { user: first.username, password: first.password, capabilities: BACKEND_BASE_CAPABILITIES });
    let maxConnectionsSetting: number;
    let tracked: TrackedState;
    let baseState;
    try {
      const outcome = await probe.query('SELECT @@global.max_connections');
      maxConnectionsSetting = outcome.kind === 'rows' ? Number(outcome.rows[0]?.[0]) : Number.NaN;
      if (!Number.isInteger(maxConnectionsSetting) || maxConnectionsSetting < 1) throw new Error('could not read max_connections from the database');
      tracked = await TrackedState.probe(probe);
      baseState = await tracked.snapshot(probe);
    } finally {
      probe.quit();
    }
    const maxConnections = Math.max(1, Math.floor((maxConnectionsSetting * config.maxConnectionsPercent) / 100));
    const maxIdleConnections = Math.floor((maxConnectionsSetting * config.maxIdleConnectionsPercent) / 100);

    certificates = config.tls ? await createCertificates(config.certDir) : undefined;
    const metrics = new ProxyMetrics();
    pool = new ConnectionPool({ target, maxConnections, maxIdleConnections, tracked, passwords: (user, refresh) => secrets.passwordFor(user, refresh), metrics, logger });
    const sessions = new Set<ClientSession>();
    const context: ProxyContext = {
      pool,
      secrets,
      tracked,
      baseState,
      serverVersion: probe.serverVersion,
      serverCollationId: probe.collationId,
      secureContext: certificates ? createSecureContext({ key: certificates.keyPem, cert: certificates.certPem }) : undefined,
      requireTls: config.requireTls,
      defaultAuthType: config.defaultAuthType,
      borrowTimeoutMs: config.connectionBorrowTimeoutMs,
      idleClientTimeoutMs: config.idleClientTimeoutMs,
      metrics,
      logger,
    };
    const livePool = pool;
    const snapshot = (): ProxyMetricsSnapshot => {
      let noTls = 0;
      for (const session of sessions) if (!session.secure) noTls += 1;
      const { pinned, inTransaction } = livePool.leaseCounts();
      return metrics.snapshot({
        clientConnections: sessions.size,
        clientConnectionsNoTls: noTls,
        databaseConnections: livePool.size,
        borrowed: livePool.borrowed,
        pinned,
        inTransaction,
        waiting: livePool.waiting,
        maxConnections,
      });
    };

    const listening = createServer({ noDelay: true }, (socket) => ClientSession.start(socket, context, sessions));
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen({ host: config.host, port: config.port, backlog: 4096 }, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const port = (listening.address() as AddressInfo).port;
    if (config.metricsPort !== false) {
      metricsListener = await listen(config.host, config.metricsPort, (request, response) => {
        if (request.method !== 'GET' || (request.url !== '/metrics' && request.url !== '/')) {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found; GET /metrics"}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(snapshot()));
      });
    }
    logger.info('Local RDS Proxy started', { host: config.host, port, maxConnections, serverVersion: probe.serverVersion });

    const certs = certificates;
    const metricsHttp = metricsListener;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        const stopped = closeServer(listening);
        for (const session of sessions) session.close();
        livePool.close();
        if (ownClient) client.destroy();
        await Promise.all([stopped, metricsHttp?.close()]);
        certs?.remove();
      })());
    return {
      host: config.host,
      port,
      caFile: certs?.caFile,
      caPem: certs?.caPem,
      metricsUrl: metricsHttp ? `${metricsHttp.origin}/metrics` : undefined,
      maxConnections,
      metrics: snapshot,
      faults: {
        failNextBorrows: (count) => {
          if (!Number.isInteger(count) || count < 0) throw new TypeError(`failNextBorrows needs a count of 0 or more, got ${JSON.stringify(count)}`);
          livePool.failNextBorrows(count);
        },
        dropDatabaseConnections: () => livePool.dropAll(),
        stallBorrows: () => livePool.stallBorrows(),
        clear: () => livePool.clearFaults(),
      },
      registerSecret: (secret) => secrets.register(checkSecretRegistration(secret)),
      close,
      stop: close,
    };
  } catch (error) {
    pool?.close();
    if (server) await closeServer(server);
    await metricsListener?.close();
    certificates?.remove();
    if (ownClient) client.destroy();
    throw error;
  }
}
