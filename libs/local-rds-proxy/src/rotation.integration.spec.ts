import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { rotateSecret } from '@serverless-app/testing';
import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(60_000);

const world = useProxyWorld();

async function currentPassword(): Promise<string> {
  const out = await world.client.send(new GetSecretValueCommand({ SecretId: world.secretId }));
  return (JSON.parse(out.SecretString ?? '{}') as { password: string }).password;
}

describe('secret rotation', () => {
  it('lets the new password in at once and refuses the old one with 1045, as RDS Proxy does', async () => {
    const proxy = await world.proxy({ secretCacheTtlMs: 60_000 });
    const before = await world.connect(proxy);
    const oldPassword = world.db.app.password;

    await rotateSecret({ endpoint: world.sm, secretId: world.secretId });
    const newPassword = await currentPassword();
    const after = await world.connect(proxy, { password: newPassword });
    const refused = await world.connect(proxy, { password: oldPassword }).then(
      () => undefined,
      (error: { errno?: number }) => error,
    );

    expect(newPassword).not.toBe(oldPassword);
    expect(await after.query('SELECT 1')).toBeDefined();
    expect(refused).toMatchObject({ errno: 1045, sqlState: '28000' });
    // A session opened before the rotation keeps working.
    expect(await before.query('SELECT 1')).toBeDefined();
  });

  it('opens new database connections with the rotated password', async () => {
    const proxy = await world.proxy({ secretCacheTtlMs: 0 });
    const conn = await world.connect(proxy, { password: await currentPassword() });
    await rotateSecret({ endpoint: world.sm, secretId: world.secretId });

    proxy.faults.dropDatabaseConnections(); // every pooled connection was logged in with the old password
    const fresh = await world.connect(proxy, { password: await currentPassword() });
    const [rows] = await fresh.query('SELECT 1 AS one');

    expect(rows).toEqual([{ one: 1 }]);
    expect(proxy.metrics().DatabaseConnectionsSetupSucceeded).toBeGreaterThanOrEqual(2);
    expect(await conn.query('SELECT 1')).toBeDefined();
  });
});
