import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMysql, startSecretsManager, type MysqlServer, type SecretsManagerEndpoint, type StartMysqlOptions } from '@serverless-app/testing';
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import type { ProxyLogger } from './logger';
import type { LocalRdsProxyOptions } from './options';
import { startLocalRdsProxy, type LocalRdsProxy } from './start-local-rds-proxy';

/** Resolves when the client's socket closes (the proxy hung up). */
export function whenClosed(conn: Connection): Promise<void> {
  const stream = (conn as unknown as { connection: { stream: { once(event: 'close', listener: () => void): void } } }).connection.stream;
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

/** The greeting the client got (server version string, ...). */
export function greetingOf(conn: Connection): { serverVersion: string } {
  return (conn as unknown as { connection: { _handshakePacket: { serverVersion: string } } }).connection._handshakePacket;
}

/** A throwaway database, a local Secrets Manager holding the app user's secret, and (per test file) proxies in front. */
export interface ProxyWorld {
  db: MysqlServer;
  sm: SecretsManagerEndpoint;
  client: SecretsManagerClient;
  /** Id of the secret holding the app user's credentials. */
  secretId: string;
  /** Starts a proxy in front of the database with that secret; closed after the file. */
  proxy(options?: Partial<LocalRdsProxyOptions>): Promise<LocalRdsProxy>;
  /** Opens a mysql2 connection through `proxy` as the app user (plaintext unless `ssl` is given); closed after the file. */
  connect(proxy: LocalRdsProxy, options?: ConnectionOptions): Promise<Connection>;
  /** Opens a mysql2 connection straight to the database as the app user; closed after the file. */
  direct(options?: ConnectionOptions): Promise<Connection>;
  /** Log lines of every proxy started by {@link proxy}. */
  logs: Array<{ level: string; message: string; attributes: Record<string, unknown> | undefined }>;
}

/**
 * Starts the world once for a test file (`beforeAll`) and tears it down (`afterAll`).
 *
 * @example
 * const world = useProxyWorld();
 * it('...', async () => { const proxy = await world.proxy(); const conn = await world.connect(proxy); });
 */
export function useProxyWorld(mysql: StartMysqlOptions = {}): ProxyWorld {
  const proxies: LocalRdsProxy[] = [];
  const connections: Connection[] = [];
  const world = { logs: [] } as unknown as ProxyWorld;
  const logger: ProxyLogger = {
    debug: (message, attributes) => world.logs.push({ level: 'debug', message, attributes }),
    info: (message, attributes) => world.logs.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => world.logs.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => world.logs.push({ level: 'error', message, attributes }),
  };

  beforeAll(async () => {
    const [db, sm] = await Promise.all([startMysql(mysql), startSecretsManager()]);
    world.db = db;
    world.sm = sm;
    world.client = new SecretsManagerClient(sm.clientConfig());
    world.secretId = 'rds/app';
    await world.client.send(
      new CreateSecretCommand({
        Name: world.secretId,
        SecretString: JSON.stringify({ engine: 'mysql', host: db.host, port: db.port, dbname: db.database, username: db.app.user, password: db.app.password }),
      }),
    );
    world.proxy = async (options = {}) => {
      const proxy = await startLocalRdsProxy({
        target: { host: db.host, port: db.port },
        secrets: [{ secretId: world.secretId, clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' }],
        secretsManager: world.client,
        logger,
        ...options,
      });
      proxies.push(proxy);
      return proxy;
    };
    world.connect = async (proxy, options = {}) => {
      const conn = await createConnection({
        host: options.ssl ? 'localhost' : proxy.host,
        port: proxy.port,
        user: db.app.user,
        password: db.app.password,
        database: db.database,
        connectTimeout: 20_000,
        ...options,
      });
      conn.on('error', () => undefined);
      connections.push(conn);
      return conn;
    };
    world.direct = async (options = {}) => {
      const conn = await createConnection({ ...db.app, connectTimeout: 20_000, ...options });
      conn.on('error', () => undefined);
      connections.push(conn);
      return conn;
    };
  }, 120_000);

  afterAll(async () => {
    for (const conn of connections) conn.destroy();
    await Promise.allSettled(proxies.map((p) => p.close()));
    world.client?.destroy();
    await Promise.allSettled([world.sm?.close(), world.db?.stop()]);
  }, 60_000);

  return world;
}
