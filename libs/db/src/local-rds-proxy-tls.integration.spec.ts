import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalRdsProxy, type LocalRdsProxy } from '@serverless-app/local-rds-proxy';
import { startMysql, startSecretsManager, type MysqlServer, type SecretsManagerEndpoint } from '@serverless-app/testing';
import { createDbClient, type DbClientOptions } from './client';
import { staticCredentials } from './credentials';
import { DatabaseError } from './errors';

jest.setTimeout(90_000);

let server: MysqlServer;
let sm: SecretsManagerEndpoint;
let client: SecretsManagerClient;
let proxy: LocalRdsProxy;

beforeAll(async () => {
  [server, sm] = await Promise.all([startMysql(), startSecretsManager()]);
  client = new SecretsManagerClient(sm.clientConfig());
  await client.send(new CreateSecretCommand({ Name: 'rds/app', SecretString: JSON.stringify({ username: server.app.user, password: server.app.password }) }));
  // RDS Proxy's defaults for MySQL: caching_sha2_password, here with TLS required as the CDK app sets it.
  proxy = await startLocalRdsProxy({ target: { host: server.host, port: server.port }, secrets: ['rds/app'], secretsManager: client, requireTls: true });
});
afterAll(async () => {
  await proxy?.close();
  client?.destroy();
  await Promise.allSettled([sm?.close(), server?.stop()]);
});

const clientWith = (tls: DbClientOptions['tls'], host: string) =>
  createDbClient({
    host,
    port: proxy.port,
    database: server.database,
    credentials: staticCredentials({ username: server.app.user, password: server.app.password }),
    tls,
    pinning: 'strict',
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 1_000 },
  });

describe('libs/db through the local RDS Proxy', () => {
  it('connects with verified TLS to localhost using the proxy CA (caching_sha2_password, TLS required) and runs statements and transactions', async () => {
    const db = clientWith({ ca: String(proxy.caPem) }, 'localhost');
    try {
      const [row] = await db.query<{ one: number }>('SELECT 1 AS one');
      await db.transaction(async (tx) => {
        await tx.query('SELECT 1');
      });

      expect(row).toEqual({ one: 1 });
      expect(proxy.metrics()).toMatchObject({ ClientConnectionsNoTLS: 0, DatabaseConnectionsCurrentlySessionPinned: 0, ClientConnectionsSetupFailedAuth: 0 });
    } finally {
      await db.close();
    }
  });

  it('refuses the proxy when it trusts another CA', async () => {
    const other = await startLocalRdsProxy({ target: { host: server.host, port: server.port }, secrets: ['rds/app'], secretsManager: client, metricsPort: false });
    const db = clientWith({ ca: String(other.caPem) }, 'localhost');
    try {
      const error = await db.query('SELECT 1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).code).toBe('HANDSHAKE_SSL_ERROR');
    } finally {
      await db.close();
      await other.close();
    }
  });

  it('refuses verified TLS to the proxy by IP address before connecting (mysql2 cannot check an address)', () => {
    expect(() => clientWith({ ca: String(proxy.caPem) }, '127.0.0.1')).toThrow(TypeError);
  });
});
