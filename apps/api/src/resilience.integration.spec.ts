import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotateSecret, type LocalBackend } from '@serverless-app/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiFor, bodyOf, captureLogs, startBackend } from './testing/api.test-util';

jest.setTimeout(120_000);

let backend: LocalBackend;

beforeAll(async () => {
  backend = await startBackend();
});
afterAll(() => backend?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('fetches the secret once for many invocations (prefetched at init, then cached)', async () => {
  backend.secrets.resetCounts();
  const api = apiFor(backend);
  try {
    for (let i = 0; i < 25; i++) expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
    await Promise.all(Array.from({ length: 25 }, () => api.invoke({ path: '/health' })));

    expect(backend.secrets.count('GetSecretValue', backend.secretId)).toBe(1);
  } finally {
    await api.dispose();
  }
});

it('answers 503 with Retry-After while the database is down, and loses no acknowledged write', async () => {
  const logs = captureLogs();
  const api = apiFor(backend);
  try {
    await backend.db.query(`DELETE FROM ${backend.db.database}.items`);
    await backend.db.query(`DELETE FROM ${backend.db.database}.idempotency_keys`);
    const acknowledged = new Set<number>();
    const downAnswers: APIGatewayProxyResult[] = [];
    let down = false;

    // Each logical create carries its own Idempotency-Key and is retried on 503, as a client should.
    const createUntilAcknowledged = async (n: number) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const res = await api.invoke({ method: 'POST', path: '/items', body: { name: `w-${n}` }, headers: { 'idempotency-key': `write-${n}` } });
        if (res.statusCode === 201) {
          acknowledged.add((bodyOf(res) as { id: number }).id);
          return;
        }
        expect(res.statusCode).toBe(503);
        if (down) downAnswers.push(res);
        await sleep(Number(res.headers?.['retry-after'] ?? 1) * 20);
      }
      throw new Error(`create ${n} never succeeded`);
    };
    const writers = (async () => {
      for (let n = 0; n < 60; n++) await createUntilAcknowledged(n);
    })();
    await sleep(100);
    down = true;
    await backend.db.down();
    const whileDown = await api.invoke({ path: '/' });
    const healthDown = await api.invoke({ path: '/health' });
    await backend.db.up();
    down = false;
    await writers;

    expect(whileDown.statusCode).toBe(503);
    expect(whileDown.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(bodyOf(whileDown)).toEqual({ error: { code: 'database_unavailable', message: 'the database is unavailable; retry later' } });
    expect(healthDown.statusCode).toBe(503);
    expect(healthDown.headers?.['retry-after']).toBe('5');
    expect(bodyOf(healthDown)).toEqual({ status: 'unavailable', database: { status: 'down' } });
    expect((await api.invoke({ path: '/' })).statusCode).toBe(200);
    expect(acknowledged.size).toBe(60);
    const [rows] = await backend.db.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM ${backend.db.database}.items`);
    expect(Number(rows?.n)).toBe(acknowledged.size);
    const failures = logs.json().filter((l) => l['message'] === 'request failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((l) => l['status'] === 503)).toBe(true);
    // Concurrent invocations share one logger here, unlike in Lambda; at least the sequential ones carry their id.
    expect(failures.some((l) => typeof l['correlation_id'] === 'string')).toBe(true);
  } finally {
    logs.restore();
    await api.dispose();
  }
});

it('fails no request when the secret is rotated in the middle of traffic, and never logs a password', async () => {
  const logs = captureLogs();
  const api = apiFor(backend, { LOG_LEVEL: 'DEBUG' });
  const statuses: number[] = [];
  const passwords = [backend.db.app.password];
  try {
    let running = true;
    const traffic = Array.from({ length: 3 }, (_, worker) =>
      (async () => {
        for (let i = 0; running; i++) {
          const res =
            i % 2 === 0
              ? await api.invoke({ path: '/' })
              : await api.invoke({ method: 'POST', path: '/items', body: { name: `r-${worker}-${i}` }, headers: { 'idempotency-key': `rot-${worker}-${i}` } });
          statuses.push(res.statusCode);
        }
      })(),
    );
    await sleep(50);

    await rotateSecret({
      endpoint: backend.secrets,
      secretId: backend.secretId,
      beforeStep: async (step) => {
        if (step === 'finishSecret') {
          // New connections now need the new password, which is still only AWSPENDING.
          await backend.db.killConnections();
          await sleep(50);
        }
      },
    });
    await backend.db.killConnections();
    await sleep(100);
    running = false;
    await Promise.all(traffic);
    const sdk = new SecretsManagerClient(backend.secrets.clientConfig());
    const current = await sdk.send(new GetSecretValueCommand({ SecretId: backend.secretId }));
    sdk.destroy();
    passwords.push(JSON.parse(current.SecretString ?? '{}').password);
    expect(passwords[1]).not.toBe(passwords[0]);

    const fresh = apiFor(backend); // a new execution environment reads the rotated secret
    expect((await fresh.invoke({ path: '/' })).statusCode).toBe(200);
    await fresh.dispose();

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    const text = logs.lines.join('\n');
    expect(text).toContain('database credentials refreshed');
    for (const password of passwords) expect(text).not.toContain(password);
  } finally {
    logs.restore();
    await api.dispose();
  }
});

it('writes JSON log lines carrying the correlation id', async () => {
  const logs = captureLogs();
  const api = apiFor(backend, { LOG_LEVEL: 'DEBUG' });
  try {
    await api.invoke({ path: '/nope', requestId: 'corr-123' });
  } finally {
    logs.restore();
    await api.dispose();
  }
  const lines = logs.json();
  const rejected = lines.find((l) => l['message'] === 'request rejected');

  expect(lines.length).toBeGreaterThan(0);
  expect(rejected).toMatchObject({ level: 'WARN', correlation_id: 'corr-123', service: 'serverless-app-api', status: 404 });
});

it.each([
  ['not JSON', 'app:hunter2-not-json', 'database secret is not valid JSON'],
  ['without a password', '{"username":"app","host":"x"}', 'database secret field \\"password\\" must be a non-empty string'],
  ['with a numeric password', '{"username":"app","password":12345678}', 'database secret field \\"password\\" must be a non-empty string, got number'],
])('answers 500 for a secret %s, logs which field is wrong, and echoes no value', async (_name, secretString, logged) => {
  const secretId = `broken-${Math.random().toString(36).slice(2)}`;
  const sdk = new SecretsManagerClient(backend.secrets.clientConfig());
  await sdk.send(new CreateSecretCommand({ Name: secretId, SecretString: secretString }));
  sdk.destroy();
  const logs = captureLogs();
  const api = apiFor(backend, { DB_SECRET_ID: secretId });
  try {
    const res = await api.invoke({ path: '/' });

    expect(res.statusCode).toBe(500);
    expect(bodyOf(res)).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    const text = logs.lines.join('\n');
    expect(text).toContain(logged);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('12345678');
  } finally {
    logs.restore();
    await api.dispose();
  }
});
