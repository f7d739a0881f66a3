import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotateSecret } from '@serverless-app/testing';
import { parseDbSecret } from './credentials';
import { captureLogger } from './integration.test-util';
import { type ProxiedDatabase, startProxiedDatabase } from './local-rds-proxy.test-util';

/**
 * A single-user rotation of the secret the proxy is registered with, as Secrets Manager's rotation
 * function does it, while libs/db works through the proxy: the proxy opens its new database connections
 * with the new password, libs/db logs in to the proxy with it once the old one is refused, and no call fails.
 */
jest.setTimeout(120_000);

let world: ProxiedDatabase;

beforeAll(async () => {
  // The proxy re-reads its secret a second after the last read; until then it still accepts the old password.
  world = await startProxiedDatabase({ proxy: { secretCacheTtlMs: 1_000 } });
  await world.server.query(`CREATE TABLE ${world.server.database}.notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(100) NOT NULL)`);
});
afterAll(() => world?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function currentPassword(): Promise<string> {
  const sdk = new SecretsManagerClient(world.sm.clientConfig());
  try {
    return parseDbSecret((await sdk.send(new GetSecretValueCommand({ SecretId: world.secretId }))).SecretString).password;
  } finally {
    sdk.destroy();
  }
}

it('rotating the proxied secret under light load fails no call; the proxy and the client both move to the new password', async () => {
  const logs = captureLogger();
  const db = world.client({ pool: { connectionLimit: 4 } }, logs);
  const oldPassword = await currentPassword();
  await db.query('SELECT 1'); // one client connection, one database connection, both with the old password
  const before = world.proxy.metrics();

  const failures: unknown[] = [];
  let calls = 0;
  let workers = 1;
  let stop = false;
  const worker = async (n: number) => {
    for (let i = 0; !stop; i++) {
      if (n >= workers) {
        await sleep(5);
        continue;
      }
      calls++;
      // Reads hold their database connection a little, so more workers need more connections on both sides.
      const call = i % 3 === 0 ? db.run('INSERT INTO notes (body) VALUES (?)', [`w${n}-${i}`]) : db.query('SELECT SLEEP(0.01) AS s');
      await call.catch((error: unknown) => failures.push(error));
      await sleep(2);
    }
  };
  const load = Promise.all([0, 1, 2, 3].map(worker));

  await sleep(200);
  await rotateSecret({ endpoint: world.sm, secretId: world.secretId });
  await sleep(1_200); // the proxy's cached secret has expired: new logins are checked against the new password
  workers = 4; // new client connections (to the proxy) and database connections (from it) are needed now
  await sleep(1_000);
  stop = true;
  await load;

  const after = world.proxy.metrics();
  const newPassword = await currentPassword();
  expect(newPassword).not.toBe(oldPassword);
  expect(failures).toEqual([]);
  expect(calls).toBeGreaterThan(50);
  // libs/db: the proxy refused the cached old password for a new connection; one refresh, then the new one.
  expect(db.stats().credentialRefreshes).toBe(1);
  expect(after.ClientConnectionsSetupFailedAuth - before.ClientConnectionsSetupFailedAuth).toBeGreaterThanOrEqual(1);
  expect(after.ClientConnectionsSetupSucceeded - before.ClientConnectionsSetupSucceeded).toBeGreaterThanOrEqual(1);
  // The proxy: database connections opened after the rotation logged in with the new password.
  expect(after.DatabaseConnectionsSetupSucceeded - before.DatabaseConnectionsSetupSucceeded).toBeGreaterThanOrEqual(1);
  expect(after.DatabaseConnectionsCurrentlySessionPinned).toBe(0);
  expect(JSON.stringify(logs.lines)).not.toContain(oldPassword);
  expect(JSON.stringify(logs.lines)).not.toContain(newPassword);
  expect(JSON.stringify(world.proxyLogs)).not.toContain(newPassword);
});
