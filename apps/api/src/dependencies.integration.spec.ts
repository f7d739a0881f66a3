import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type LocalBackend, type SecretsManagerEndpoint, startSecretsManager } from '@serverless-app/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { runInThisContext } from 'node:vm';
import { apiFor, bodyOf, captureLogs, startBackend } from './testing/api.test-util';

/**
 * What the api answers when a dependency fails: Secrets Manager down,
 * throttling, hanging or deleted; a password that stays wrong; a database that
 * stops answering. Each promise the README makes is checked against the real
 * SDK client and a real database, with a process-level unhandled-rejection
 * hook that fails the file if anything is left unobserved.
 */
jest.setTimeout(120_000);

let backend: LocalBackend;
const unhandled: unknown[] = [];
const realProcess = runInThisContext('process') as NodeJS.Process;
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  realProcess.on('unhandledRejection', recordUnhandled);
  backend = await startBackend();
});
afterAll(async () => {
  realProcess.off('unhandledRejection', recordUnhandled);
  await backend?.stop();
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Secrets Manager endpoint of the test's own, holding the backend's secret, that the test can break. */
async function ownSecretsManager(): Promise<SecretsManagerEndpoint> {
  const sm = await startSecretsManager();
  const client = new SecretsManagerClient(sm.clientConfig());
  try {
    const { user, password, host, port, database } = backend.db.app;
    await client.send(
      new CreateSecretCommand({
        Name: backend.secretId,
        SecretString: JSON.stringify({ username: user, password, engine: 'mysql', host, port, dbname: database }),
      }),
    );
  } finally {
    client.destroy();
  }
  return sm;
}

async function timed(request: Promise<APIGatewayProxyResult>): Promise<{ response: APIGatewayProxyResult; ms: number }> {
  const started = Date.now();
  const response = await request;
  return { response, ms: Date.now() - started };
}

describe('Secrets Manager failing at cold start', () => {
  it.each<[string, (sm: SecretsManagerEndpoint) => Promise<void> | void]>([
    ['down (connection refused)', (sm) => sm.close()],
    ['throttling', (sm) => sm.failNext('GetSecretValue', { name: 'ThrottlingException', message: 'Rate exceeded' }, 100)],
    ['hanging', (sm) => sm.setLatency(60_000)],
  ])('%s: 503 with Retry-After within a few seconds, never 500 or a timeout', async (_name, breakIt) => {
    const sm = await ownSecretsManager();
    await breakIt(sm);
    const api = apiFor(backend, sm.env());
    try {
      const { response, ms } = await timed(api.invoke({ path: '/' }));
      const again = await timed(api.invoke({ path: '/items' }));

      expect(response.statusCode).toBe(503);
      expect(Number(response.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(bodyOf(response)).toEqual({ error: { code: 'database_unavailable', message: 'the database is unavailable; retry later' } });
      expect(ms).toBeLessThan(10_000);
      // During the backoff after a failure, requests fail fast instead of each waiting on Secrets Manager.
      expect(again.response.statusCode).toBe(503);
      expect(again.ms).toBeLessThan(2_000);
    } finally {
      await api.dispose();
      await sm.close();
    }
  });

  it('serves as soon as Secrets Manager answers again', async () => {
    const sm = await ownSecretsManager();
    sm.failNext('GetSecretValue', 'InternalServiceError', 2); // the prefetch's two attempts
    const api = apiFor(backend, { ...sm.env(), SECRET_CACHE_TTL_MS: '1000' });
    try {
      expect((await api.invoke({ path: '/' })).statusCode).toBe(503);
      let status = 503;
      for (let i = 0; i < 40 && status !== 200; i++) {
        await sleep(250);
        status = (await api.invoke({ path: '/' })).statusCode;
      }
      expect(status).toBe(200);
    } finally {
      await api.dispose();
      await sm.close();
    }
  });
});

describe('Secrets Manager failing once credentials are in hand', () => {
  it('keeps serving with the last good secret when the secret is deleted, and does not hammer Secrets Manager', async () => {
    const sm = await ownSecretsManager();
    const api = apiFor(backend, { ...sm.env(), SECRET_CACHE_TTL_MS: '1000' });
    const client = new SecretsManagerClient(sm.clientConfig());
    try {
      expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
      await client.send(new DeleteSecretCommand({ SecretId: backend.secretId, ForceDeleteWithoutRecovery: true }));
      sm.resetCounts();

      const statuses: number[] = [];
      const started = Date.now();
      while (Date.now() - started < 4_000) {
        statuses.push((await api.invoke({ path: '/' })).statusCode);
        await sleep(50);
      }

      expect(new Set(statuses)).toEqual(new Set([200]));
      // The TTL passed four times; a failed refresh backs off (1 s, then 2 s ...) instead of being retried per request.
      expect(sm.count('GetSecretValue')).toBeGreaterThanOrEqual(1);
      expect(sm.count('GetSecretValue')).toBeLessThanOrEqual(4 * 2); // at most 2 SDK attempts per refresh
    } finally {
      client.destroy();
      await api.dispose();
      await sm.close();
    }
  });

  it('never waits on a hanging Secrets Manager to answer a warm request', async () => {
    const sm = await ownSecretsManager();
    const api = apiFor(backend, { ...sm.env(), SECRET_CACHE_TTL_MS: '1000' });
    try {
      expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
      sm.setLatency(30_000);
      await sleep(1_100); // the cached secret is now older than the TTL

      const { response, ms } = await timed(api.invoke({ path: '/' }));

      expect(response.statusCode).toBe(200);
      expect(ms).toBeLessThan(1_500);
    } finally {
      await api.dispose();
      await sm.close();
    }
  });
});

describe('a password that stays wrong', () => {
  it('costs one refresh round (at most 2 GetSecretValue calls), then answers at once without Secrets Manager', async () => {
    const sm = await ownSecretsManager();
    const logs = captureLogs();
    const api = apiFor(backend, sm.env());
    const { user } = backend.db.app;
    try {
      expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
      // The database's password changes behind the secret's back; the open connections go.
      await backend.db.query(`ALTER USER '${user}'@'%' IDENTIFIED BY 'changed-elsewhere-9c1e'`);
      await backend.db.killConnections(user);
      sm.resetCounts();

      const first = await api.invoke({ path: '/' });
      const callsAfterFirst = sm.count('GetSecretValue');
      const later = await Promise.all(Array.from({ length: 10 }, () => api.invoke({ path: '/' })));

      expect(first.statusCode).toBe(500);
      expect(bodyOf(first)).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
      expect(callsAfterFirst).toBeGreaterThanOrEqual(1);
      expect(callsAfterFirst).toBeLessThanOrEqual(2);
      expect(later.map((r) => r.statusCode)).toEqual(Array(10).fill(500));
      expect(sm.count('GetSecretValue')).toBe(callsAfterFirst);
      expect(logs.lines.join('\n')).not.toContain(backend.db.app.password);
    } finally {
      logs.restore();
      await backend.db.query(`ALTER USER '${user}'@'%' IDENTIFIED BY '${backend.db.app.password}'`);
      await api.dispose();
      await sm.close();
    }
  });
});

describe('one deadline per invocation', () => {
  it('answers 503 before the Lambda timeout when the database stops answering', async () => {
    const api = apiFor(backend);
    try {
      expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
      await backend.db.freeze();
      let result: { response: APIGatewayProxyResult; ms: number };
      try {
        result = await timed(api.invoke({ path: '/items' }, { timeoutMs: 2_000 }));
      } finally {
        await backend.db.thaw();
      }

      expect(result.response.statusCode).toBe(503);
      expect(result.response.headers?.['retry-after']).toBeDefined();
      expect(result.ms).toBeLessThan(2_000);
    } finally {
      await api.dispose();
    }
  });
});
