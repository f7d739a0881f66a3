import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotateSecret, startMysql, startSecretsManager, type MysqlServer, type SecretsManagerEndpoint } from '@serverless-app/testing';
import { DatabaseUnavailableError } from '../errors';
import { captureLogger } from '../integration.test-util';
import { CredentialsUnavailableError } from './errors';
import type { SecretsManagerCredentialsOptions } from './options';
import { type SecretsManagerCredentials, secretsManagerCredentials } from './secrets-manager-credentials';
import { recordUnhandledRejections } from './unhandled-rejections.test-util';

jest.setTimeout(60_000);

const unhandled = recordUnhandledRejections();
const capture = captureLogger();
/** Every password stored in this file, and every error a provider gave us: checked for leaks at the end. */
const passwords: string[] = [];
const seenErrors: unknown[] = [];
const providers: SecretsManagerCredentials[] = [];

let sm: SecretsManagerEndpoint;
let admin: SecretsManagerClient;
/** An address where nothing listens (a closed endpoint). */
let closedEndpoint: string;

beforeAll(async () => {
  sm = await startSecretsManager();
  admin = new SecretsManagerClient({ ...sm.clientConfig(), maxAttempts: 1 });
  const closed = await startSecretsManager();
  closedEndpoint = closed.endpoint;
  await closed.close();
});
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.dispose();
  sm.clearFailures();
  sm.setLatency(0);
  await unhandled.flush();
  expect(unhandled.reasons).toEqual([]);
});
afterAll(async () => {
  admin?.destroy();
  await sm?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newPassword(): string {
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  passwords.push(password);
  return password;
}

const secretJson = (password: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ engine: 'mysql', username: 'app', password, host: '127.0.0.1', port: 3306, dbname: 'app', ...extra });

let secrets = 0;
async function createSecret(password: string): Promise<string> {
  const secretId = `rds/app-${++secrets}`;
  await admin.send(new CreateSecretCommand({ Name: secretId, SecretString: secretJson(password) }));
  return secretId;
}

const putSecret = (secretId: string, password: string, stages?: string[]) =>
  admin.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretJson(password), ...(stages ? { VersionStages: stages } : {}) }));

function provider(secretId: string, overrides: Partial<SecretsManagerCredentialsOptions> = {}): SecretsManagerCredentials {
  const created = secretsManagerCredentials({ secretId, clientConfig: sm.clientConfig(), logger: capture.logger, ...overrides });
  providers.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    seenErrors.push(error);
    return error;
  }
  throw new Error('expected a rejection');
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

const gets = (secretId: string) => sm.count('GetSecretValue', secretId);

describe('get()', () => {
  it('fetches once for many calls, through AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    const password = newPassword();
    const secretId = await createSecret(password);
    const saved = { ...process.env };
    Object.assign(process.env, sm.env());
    try {
      const secrets = provider(secretId, { clientConfig: undefined });

      const first = await Promise.all(Array.from({ length: 10 }, () => secrets.get()));
      for (let i = 0; i < 40; i++) await secrets.get();

      expect(first.map((s) => s.password)).toEqual(Array(10).fill(password));
      expect(gets(secretId)).toBe(1);
      expect(secrets.stats()).toMatchObject({ fetches: 1, fetchFailures: 0 });
    } finally {
      process.env = saved;
    }
  });

  it('past ttlMs answers at once from the cache while one refresh runs in the background', async () => {
    const [before, after] = [newPassword(), newPassword()];
    const secretId = await createSecret(before);
    const secrets = provider(secretId, { ttlMs: 200, requestTimeoutMs: 8_000, fetchTimeoutMs: 10_000 });
    await secrets.get();
    await putSecret(secretId, after);
    sm.setLatency(3_000); // the endpoint counts a request when it answers, after this delay
    await sleep(250);

    const stale = await secrets.get();
    const countWhenAnswered = gets(secretId);
    const more = await Promise.all(Array.from({ length: 10 }, () => secrets.get()));

    expect(stale.password).toBe(before);
    expect(countWhenAnswered).toBe(1); // get() resolved before the refresh had finished
    expect(more.map((s) => s.password)).toEqual(Array(10).fill(before));
    expect(secrets.stats()).toMatchObject({ backgroundRefreshes: 1, servedStale: 11 });

    await waitFor(async () => (await secrets.get()).password === after);
    expect(gets(secretId)).toBe(2);
    expect(secrets.stats()).toMatchObject({ fetches: 2, backgroundRefreshes: 1, fetchFailures: 0 });
  });

  describe('after a good fetch, with Secrets Manager failing', () => {
    const traffic = async (secrets: SecretsManagerCredentials, ms: number) => {
      const served = new Set<string>();
      const end = Date.now() + ms;
      while (Date.now() < end) {
        served.add((await secrets.get()).password);
        await sleep(25);
      }
      return served;
    };
    const options = { ttlMs: 100, backoffBaseMs: 200, backoffMaxMs: 800 };

    it.each([
      ['InternalServiceError', 'InternalServiceError'],
      ['ThrottlingException', 'ThrottlingException'],
    ])('keeps serving the good secret through %s and backs off', async (errorName, expected) => {
      const password = newPassword();
      const secretId = await createSecret(password);
      const secrets = provider(secretId, options);
      await secrets.get();
      sm.failNext('GetSecretValue', errorName, 1_000);

      const served = await traffic(secrets, 2_500);

      const stats = secrets.stats();
      expect(served).toEqual(new Set([password]));
      // About 100 get() calls; waits of 100-200, 200-400, 400-800, then 400-800 ms between fetches.
      expect(stats.backgroundRefreshes).toBeGreaterThanOrEqual(2);
      expect(stats.backgroundRefreshes).toBeLessThanOrEqual(8);
      expect(stats.fetchFailures).toBeGreaterThanOrEqual(stats.backgroundRefreshes - 1);
      expect(gets(secretId)).toBeLessThanOrEqual(1 + 2 * stats.backgroundRefreshes); // maxAttempts 2 per fetch
      expect(stats.lastError).toEqual({ name: expected });
      const warnings = capture.lines.filter((l) => l.level === 'warn' && l.attributes?.['error'] === expected);
      expect(warnings.length).toBeGreaterThanOrEqual(stats.fetchFailures);
    });

    it('keeps serving the good secret when the endpoint goes away (connection refused)', async () => {
      const password = newPassword();
      const own = await startSecretsManager();
      try {
        const client = new SecretsManagerClient({ ...own.clientConfig(), maxAttempts: 1 });
        await client.send(new CreateSecretCommand({ Name: 'rds/app', SecretString: secretJson(password) }));
        client.destroy();
        const secrets = provider('rds/app', { ...options, clientConfig: own.clientConfig() });
        await secrets.get();
        await own.close();

        const served = await traffic(secrets, 2_500);

        expect(served).toEqual(new Set([password]));
        expect(secrets.stats().backgroundRefreshes).toBeGreaterThanOrEqual(2);
        expect(secrets.stats().backgroundRefreshes).toBeLessThanOrEqual(8);
        // Under Jest the socket error comes from another realm and the SDK wraps it without its code (ECONNREFUSED).
        expect(secrets.stats().lastError).toMatchObject({ name: 'Error' });
      } finally {
        await own.close();
      }
    });

    it('keeps serving the good secret while Secrets Manager hangs, with one refresh in flight', async () => {
      const password = newPassword();
      const secretId = await createSecret(password);
      const secrets = provider(secretId, options);
      await secrets.get();
      sm.setLatency(30_000);

      const served = await traffic(secrets, 2_500);

      expect(served).toEqual(new Set([password]));
      expect(secrets.stats().backgroundRefreshes).toBe(1); // still waiting on the first (2 attempts of 2 s)
      await waitFor(() => secrets.stats().fetchFailures === 1, 10_000);
      expect(secrets.stats().lastError).toEqual({ name: 'TimeoutError', code: 'ETIMEDOUT' });
      expect((await secrets.get()).password).toBe(password);
    });
  });

  describe('on a cold start with Secrets Manager failing', () => {
    it.each([
      ['down (connection refused)', () => ({ clientConfig: { ...sm.clientConfig(), endpoint: closedEndpoint } }), { errorName: 'Error' }],
      ['throttling', () => (sm.failNext('GetSecretValue', 'ThrottlingException', 10), {}), { errorName: 'ThrottlingException', httpStatusCode: 400 }],
      ['hanging', () => (sm.setLatency(30_000), {}), { errorName: 'TimeoutError' }],
    ])('%s: rejects with CredentialsUnavailableError within seconds, then fails fast', async (_label, arrange, cause) => {
      const secretId = await createSecret(newPassword());
      const secrets = provider(secretId, arrange());
      const started = Date.now();

      const error = await rejection(secrets.get());

      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(CredentialsUnavailableError);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ retryAfterSeconds: 1, attempts: 1 });
      expect((error as Error).cause).toMatchObject(cause);
      const calls = gets(secretId);
      expect(calls).toBeLessThanOrEqual(2);

      const again = await rejection(secrets.get());

      expect(again).toBeInstanceOf(CredentialsUnavailableError);
      expect(gets(secretId)).toBe(calls);
      expect(secrets.stats()).toMatchObject({ fetches: 1, fetchFailures: 1, failedFast: 1 });
    });

    it('prefetch() never rejects; get() during the backoff fails fast without calling Secrets Manager', async () => {
      const secretId = await createSecret(newPassword());
      sm.failNext('GetSecretValue', 'InternalServiceError', 10);
      const secrets = provider(secretId, { backoffBaseMs: 5_000, backoffMaxMs: 5_000 });

      await expect(secrets.prefetch()).resolves.toBeUndefined();
      const calls = gets(secretId);
      const errors = await Promise.all(Array.from({ length: 5 }, () => rejection(secrets.get())));

      expect(calls).toBe(2); // one fetch, two attempts
      expect(gets(secretId)).toBe(calls);
      expect(errors.every((e) => e instanceof CredentialsUnavailableError)).toBe(true);
      expect(errors[0]).toMatchObject({ message: 'database credentials are unavailable: Secrets Manager InternalServiceError' });
      expect((errors[0] as CredentialsUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(2);
      expect(secrets.stats()).toMatchObject({ fetches: 1, failedFast: 5 });
    });

    it('a prefetch that fails with nobody waiting leaves no unhandled rejection', async () => {
      const secrets = provider('rds/app-missing');

      void secrets.prefetch();
      await waitFor(() => secrets.stats().fetchFailures === 1);

      expect(secrets.stats().lastError).toEqual({ name: 'ResourceNotFoundException' });
    });
  });
});

describe('refresh()', () => {
  it('shares one call among 10 concurrent callers, returns the new value, and the cool-down bounds calls', async () => {
    const [first, second, third] = [newPassword(), newPassword(), newPassword()];
    const secretId = await createSecret(first);
    const secrets = provider(secretId, { refreshCooldownMs: 500 });
    await secrets.get();
    await putSecret(secretId, second);

    const refreshed = await Promise.all(Array.from({ length: 10 }, () => secrets.refresh()));

    expect(refreshed.map((s) => s.password)).toEqual(Array(10).fill(second));
    expect(gets(secretId)).toBe(2);
    expect((await secrets.get()).password).toBe(second);

    await putSecret(secretId, third);
    for (let i = 0; i < 20; i++) expect((await secrets.refresh()).password).toBe(second);
    expect(gets(secretId)).toBe(2);

    await sleep(550);
    expect((await secrets.refresh()).password).toBe(third);
    expect(gets(secretId)).toBe(3);
    expect(secrets.stats()).toMatchObject({ forcedRefreshes: 2, coolDownHits: 20, fetches: 3 });
  });

  it('rejects when Secrets Manager fails, and get() keeps the cached secret', async () => {
    const password = newPassword();
    const secretId = await createSecret(password);
    const secrets = provider(secretId);
    await secrets.get();
    sm.failNext('GetSecretValue', 'InternalServiceError', 2);

    const error = await rejection(secrets.refresh());

    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((await secrets.get()).password).toBe(password);
  });
});

describe('pending()', () => {
  it('is undefined when there is no AWSPENDING version, without a warning', async () => {
    const secretId = await createSecret(newPassword());
    const secrets = provider(secretId);

    expect(await secrets.pending()).toBeUndefined();
    expect(gets(secretId)).toBe(1);
    expect(secrets.stats()).toMatchObject({ pendingFetches: 1, fetchFailures: 0 });
    expect(capture.lines.filter((l) => l.message.includes('pending'))).toEqual([]);
  });

  it('is the pending value when one exists', async () => {
    const [current, pending] = [newPassword(), newPassword()];
    const secretId = await createSecret(current);
    await putSecret(secretId, pending, ['AWSPENDING']);
    const secrets = provider(secretId);

    expect((await secrets.pending())?.password).toBe(pending);
    expect((await secrets.get()).password).toBe(current);
  });
});

describe('dispose()', () => {
  it('abandons a cold fetch in flight: the waiter gets CredentialsUnavailableError at once', async () => {
    const secretId = await createSecret(newPassword());
    sm.setLatency(2_000);
    const secrets = provider(secretId, { requestTimeoutMs: 5_000 });

    const waiting = rejection(secrets.get());
    void secrets.prefetch();
    await sleep(100);
    secrets.dispose();

    expect(await waiting).toBeInstanceOf(CredentialsUnavailableError);
    expect(gets(secretId)).toBe(0);
  });

  it('abandons a background refresh in flight without an unhandled rejection', async () => {
    const password = newPassword();
    const secretId = await createSecret(password);
    const secrets = provider(secretId, { ttlMs: 50 });
    await secrets.get();
    sm.setLatency(1_000);
    await sleep(60);

    expect((await secrets.get()).password).toBe(password);
    secrets.dispose();
    await sleep(1_200);

    expect(secrets.stats()).toMatchObject({ backgroundRefreshes: 1, fetchFailures: 1 });
  });
});

describe('with a rotation (real database)', () => {
  let server: MysqlServer;
  let secretId: string;
  beforeAll(async () => {
    server = await startMysql();
    secretId = `rds/rotated-${++secrets}`;
    passwords.push(server.app.password);
    await admin.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: JSON.stringify({ engine: 'mysql', host: server.host, port: server.port, dbname: server.database, username: server.app.user, password: server.app.password }),
      }),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });
  const currentPassword = async () => JSON.parse((await admin.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '{}').password as string;

  it('pending() sees the new password mid-rotation; refresh() returns it once AWSCURRENT moved', async () => {
    const secrets = provider(secretId, { refreshCooldownMs: 1 });
    const before = (await secrets.get()).password;
    let midRotation: { current?: string; pending?: string } = {};

    await rotateSecret({
      endpoint: sm,
      secretId,
      beforeStep: async (step) => {
        if (step !== 'testSecret') return;
        // The database password already changed; AWSCURRENT still holds the old one.
        midRotation = { current: (await secrets.refresh()).password, pending: (await secrets.pending())?.password };
      },
    });
    const after = await currentPassword();
    passwords.push(after);
    await sleep(5);
    const refreshed = await secrets.refresh();

    expect(after).not.toBe(before);
    expect(midRotation).toEqual({ current: before, pending: after });
    expect(refreshed.password).toBe(after);
    expect((await secrets.get()).password).toBe(after);
    expect(await secrets.pending()).toBeUndefined();
  });
});

it('nothing thrown or logged in this file carries a secret value', () => {
  expect(passwords.length).toBeGreaterThan(20);
  expect(seenErrors.length).toBeGreaterThan(10);
  expect(capture.lines.some((l) => l.level === 'warn')).toBe(true);
  const texts = [...seenErrors.map((e) => inspect(e, { depth: 10 })), capture.text()];
  for (const text of texts) for (const password of passwords) expect(text).not.toContain(password);
});
