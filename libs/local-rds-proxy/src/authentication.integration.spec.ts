import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(60_000);

const world = useProxyWorld();

/** The error a mysql2 connection attempt failed with. */
async function loginError(attempt: Promise<unknown>): Promise<{ errno?: number; sqlState?: string; message?: string; code?: string }> {
  try {
    await attempt;
  } catch (error) {
    return error as { errno?: number; sqlState?: string; message?: string };
  }
  throw new Error('the login succeeded');
}

describe('client authentication against the registered secrets', () => {
  describe('mysql_native_password', () => {
    it('lets in the secret user with its password and counts a wrong password as ClientConnectionsSetupFailedAuth (1045, as a server words it)', async () => {
      const proxy = await world.proxy();
      const conn = await world.connect(proxy);
      const [[row]] = (await conn.query('SELECT CURRENT_USER() AS who')) as unknown as [[{ who: string }]];

      const error = await loginError(world.connect(proxy, { password: 'not-the-password' }));

      expect(row.who).toBe(`${world.db.app.user}@%`);
      expect(error).toMatchObject({
        errno: 1045,
        sqlState: '28000',
        message: `Access denied for user '${world.db.app.user}'@'127.0.0.1' (using password: YES)`,
      });
      expect(proxy.metrics()).toMatchObject({ ClientConnectionsSetupSucceeded: 1, ClientConnectionsSetupFailedAuth: 1 });
    });

    it('refuses a user no secret names, and an empty password, with 1045', async () => {
      const proxy = await world.proxy();

      expect(await loginError(world.connect(proxy, { user: 'root' }))).toMatchObject({ errno: 1045 });
      expect(await loginError(world.connect(proxy, { password: '' }))).toMatchObject({
        errno: 1045,
        message: expect.stringContaining('(using password: NO)'),
      });
      expect(proxy.metrics().ClientConnectionsSetupFailedAuth).toBe(2);
    });

    it('re-reads the secrets once when a password matches none of them (and not otherwise)', async () => {
      const proxy = await world.proxy({ secretCacheTtlMs: 60_000 });
      await world.connect(proxy);
      const reads = world.sm.count('GetSecretValue', world.secretId);

      await world.connect(proxy);
      await loginError(world.connect(proxy, { password: 'wrong' }));

      expect(world.sm.count('GetSecretValue', world.secretId) - reads).toBe(1);
    });

    it('never logs the password or the statement', async () => {
      const proxy = await world.proxy();
      const conn = await world.connect(proxy);
      await conn.query("SELECT 'canary-value-7f3a' AS v");
      await loginError(world.connect(proxy, { password: 'canary-password-9c1e' }));

      const logged = JSON.stringify(world.logs);

      expect(logged).not.toContain('canary');
      expect(logged).not.toContain(world.db.app.password);
    });
  });

  describe('caching_sha2_password (RDS Proxy default)', () => {
    it('logs in over TLS with full authentication, verifying the proxy certificate for localhost', async () => {
      const proxy = await world.proxy({ secrets: [world.secretId] });
      const conn = await world.connect(proxy, { ssl: { ca: proxy.caPem } });

      const [rows] = await conn.query('SELECT 1 AS one');

      expect(rows).toEqual([{ one: 1 }]);
      expect(proxy.metrics()).toMatchObject({ ClientConnections: 1, ClientConnectionsNoTLS: 0 });
    });

    it('refuses it without TLS, as a server without RSA keys does (1045), and counts it', async () => {
      const proxy = await world.proxy({ secrets: [world.secretId] });

      const error = await loginError(world.connect(proxy));

      expect(error).toMatchObject({ errno: 1045 });
      expect(proxy.metrics().ClientConnectionsSetupFailedAuth).toBe(1);
    });

    it('refuses a wrong password over TLS', async () => {
      const proxy = await world.proxy({ secrets: [world.secretId] });

      expect(await loginError(world.connect(proxy, { ssl: { ca: proxy.caPem }, password: 'wrong' }))).toMatchObject({ errno: 1045, sqlState: '28000' });
    });
  });

  describe('TLS', () => {
    it('is refused by a client that checks the certificate against another CA', async () => {
      const proxy = await world.proxy();
      const other = await world.proxy();

      const error = await loginError(world.connect(proxy, { ssl: { ca: other.caPem } }));

      expect(error.code).toMatch(/HANDSHAKE_SSL_ERROR|SELF_SIGNED|UNABLE_TO_VERIFY/);
    });

    it('with requireTls, refuses plaintext clients (3159) and lets TLS clients in', async () => {
      const proxy = await world.proxy({ requireTls: true });

      const error = await loginError(world.connect(proxy));
      const conn = await world.connect(proxy, { ssl: { ca: proxy.caPem } });

      expect(error).toMatchObject({ errno: 3159, message: expect.stringContaining('insecure transport') });
      expect(await conn.query('SELECT 1')).toBeDefined();
    });

    it('answers a client that wants TLS from a proxy started without it', async () => {
      const proxy = await world.proxy({ tls: false });

      const error = await loginError(world.connect(proxy, { ssl: { rejectUnauthorized: false } }));

      expect(proxy.caFile).toBeUndefined();
      expect(error.code).toBe('HANDSHAKE_NO_SSL_SUPPORT');
    });
  });
});
