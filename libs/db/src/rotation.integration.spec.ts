import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  rotateSecret,
  startMysql,
  startSecretsManager,
  type MysqlServer,
  type SecretsManagerEndpoint,
} from '@serverless-app/testing';
import { createConnection } from 'mysql2/promise';
import { createDbClient, type DbClient } from './client';
import { type CredentialsProvider, type DbCredentials, parseDbSecret } from './credentials';
import { DatabaseAuthError } from './errors';
import { captureLogger, waitForNoConnections } from './integration.test-util';

jest.setTimeout(120_000);

const SECRET_ID = 'serverless-app-rds-secret';
let server: MysqlServer;
let sm: SecretsManagerEndpoint;
let sdk: SecretsManagerClient;
let db: DbClient | undefined;

/** What apps/api wires up: a cached secret, a cache-bypassing refresh and the pending version. */
function secretsManagerCredentials() {
  const calls = { refresh: 0 };
  const fetch = async (stage: string) => {
    const out = await sdk.send(new GetSecretValueCommand({ SecretId: SECRET_ID, VersionStage: stage }));
    return parseDbSecret(out.SecretString);
  };
  let cached: Promise<DbCredentials> | undefined;
  const provider: CredentialsProvider = {
    get: () => (cached ??= fetch('AWSCURRENT')),
    refresh: async () => {
      calls.refresh++;
      cached = fetch('AWSCURRENT');
      return cached;
    },
    pending: () => fetch('AWSPENDING').catch(() => undefined),
  };
  return { provider, calls };
}

const currentSecret = async () =>
  parseDbSecret((await sdk.send(new GetSecretValueCommand({ SecretId: SECRET_ID }))).SecretString);

beforeAll(async () => {
  [server, sm] = await Promise.all([startMysql(), startSecretsManager()]);
  sdk = new SecretsManagerClient(sm.clientConfig());
  await sdk.send(
    new CreateSecretCommand({
      Name: SECRET_ID,
      SecretString: JSON.stringify({
        engine: 'mysql',
        host: server.host,
        port: server.port,
        dbname: server.database,
        username: server.app.user,
        password: server.app.password,
      }),
    }),
  );
});
afterAll(async () => {
  sdk?.destroy();
  await sm?.close();
  await server?.stop();
});
afterEach(async () => {
  await db?.close();
  db = undefined;
});

function client(provider: CredentialsProvider, logger = captureLogger().logger): DbClient {
  return createDbClient({
    host: server.host,
    port: server.port,
    database: server.database,
    credentials: provider,
    logger,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, budgetMs: 3_000 },
  });
}

it('survives a rotation: one shared refresh, new pool, every caller succeeds, nothing logged leaks', async () => {
  const { provider, calls } = secretsManagerCredentials();
  const capture = captureLogger();
  const rotating = client(provider, capture.logger);
  db = rotating;
  await Promise.all([rotating.query('SELECT SLEEP(0.02)'), rotating.query('SELECT SLEEP(0.02)')]);
  const before = await currentSecret();
  sm.resetCounts();

  await rotateSecret({ endpoint: sm, secretId: SECRET_ID });
  await server.killConnections(); // make the pool open new connections, which now need the new password
  await waitForNoConnections(server);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => rotating.query<{ v: number }>('SELECT ? AS v', [i])));

  const after = await currentSecret();
  expect(after.password).not.toBe(before.password);
  expect(results.map((r) => r[0]?.v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(calls.refresh).toBe(1);
  expect(rotating.stats().credentialRefreshes).toBe(1);
  expect(capture.lines.some((l) => l.message.includes('credentials refreshed'))).toBe(true);
  expect(capture.text()).not.toContain(before.password);
  expect(capture.text()).not.toContain(after.password);
});

it('the old password is refused and the new one works', async () => {
  const before = await currentSecret();
  await rotateSecret({ endpoint: sm, secretId: SECRET_ID });
  const after = await currentSecret();

  const refused = await createConnection({ ...server.app, password: before.password }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' });
  const conn = await createConnection({ ...server.app, password: after.password });
  await conn.end();
});

it('survives the window where the password changed but AWSCURRENT has not moved yet', async () => {
  const { provider } = secretsManagerCredentials();
  const rotating = client(provider);
  db = rotating;
  await rotating.query('SELECT 1');
  let midRotation: Promise<unknown> | undefined;

  await rotateSecret({
    endpoint: sm,
    secretId: SECRET_ID,
    beforeStep: async (step) => {
      if (step !== 'finishSecret') return;
      await server.killConnections();
      await waitForNoConnections(server);
      midRotation = rotating.query<{ v: number }>('SELECT 7 AS v');
      await midRotation;
    },
  });

  await expect(midRotation).resolves.toEqual([{ v: 7 }]);
  expect(await rotating.query('SELECT 8 AS v')).toEqual([{ v: 8 }]);
});

it('fails with DatabaseAuthError when even the refreshed password is wrong, without leaking it', async () => {
  const wrong = { username: server.app.user, password: 'definitely-not-the-password' };
  const capture = captureLogger();
  const provider: CredentialsProvider = { get: async () => wrong, refresh: async () => wrong };
  db = client(provider, capture.logger);

  const error = await db.query('SELECT 1').catch((e: unknown) => e);

  expect(error).toBeInstanceOf(DatabaseAuthError);
  expect((error as Error).message).not.toContain(wrong.password);
  expect(capture.text()).not.toContain(wrong.password);
});
