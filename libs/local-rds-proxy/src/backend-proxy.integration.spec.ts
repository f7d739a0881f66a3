import { type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { readFileSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { startBackendProxy, type BackendProxy } from './backend-proxy';

jest.setTimeout(60_000);

let backend: LocalBackend;
let through: BackendProxy;

beforeAll(async () => {
  backend = await startLocalBackend();
  through = await startBackendProxy(backend, { metricsPort: false });
});
afterAll(async () => {
  await through?.close();
  await backend?.stop();
});

describe('startBackendProxy', () => {
  it("gives the api's environment through the proxy: localhost, the proxy's port, verified TLS with its CA file", () => {
    const env = through.env();

    expect(env).toEqual({
      ...backend.env(),
      DB_HOST: 'localhost',
      DB_PORT: String(through.proxy.port),
      DB_TLS: 'verify',
      DB_TLS_CA_FILE: through.proxy.caFile,
    });
    expect(readFileSync(env['DB_TLS_CA_FILE'] as string, 'utf8')).toBe(through.proxy.caPem);
  });

  it('lets the app user in with verified TLS (caching_sha2_password) and refuses plaintext, as the deployed proxy does', async () => {
    const env = through.env();
    const login = { host: env['DB_HOST'], port: Number(env['DB_PORT']), user: backend.db.app.user, password: backend.db.app.password, database: env['DB_NAME'] };

    const secure = await createConnection({ ...login, ssl: { ca: readFileSync(env['DB_TLS_CA_FILE'] as string, 'utf8'), rejectUnauthorized: true } });
    const [rows] = await secure.query("SELECT 1 AS one, @@version_comment IS NOT NULL AS server");
    await secure.end();
    const plain = await createConnection(login).then(
      (conn) => conn.end().then(() => undefined),
      (error: { errno?: number }) => error,
    );

    expect(rows).toEqual([{ one: 1, server: 1 }]);
    expect(plain).toMatchObject({ errno: 3159 });
    expect(through.proxy.metrics().ClientConnectionsSetupSucceeded).toBe(1);
  });

  it('needs TLS: a proxy without it is refused and closed', async () => {
    await expect(startBackendProxy(backend, { tls: false, requireTls: false, metricsPort: false })).rejects.toThrow('needs the proxy to offer TLS');
  });
});
