import { randomUUID } from 'node:crypto';
import type { LocalBackend } from '@serverless-app/testing';
import { apiFor, captureLogs, startBackend } from './testing/api.test-util';

/**
 * A request that fails on the server must not put what the client sent into
 * the logs: mysql2 errors carry the statement with its values, and the
 * server's messages can quote them. Each test sends a unique canary in the body
 * and the idempotency key, makes the database refuse the write, and looks for
 * the canary in every log line and in the response.
 */
jest.setTimeout(60_000);

let backend: LocalBackend;

beforeAll(async () => {
  backend = await startBackend(); // this file's own: the last test drops a table
});
afterAll(() => backend?.stop());

async function failingCreates(canary: string) {
  const logs = captureLogs();
  const api = apiFor(backend, { LOG_LEVEL: 'DEBUG' });
  try {
    const body = { name: `name ${canary}`, description: `description ${canary}` };
    const plain = await api.invoke({ method: 'POST', path: '/items', body });
    const keyed = await api.invoke({ method: 'POST', path: '/items', body, headers: { 'Idempotency-Key': `key-${canary}` } });
    const update = await api.invoke({ method: 'PATCH', path: '/items/1', body: { name: `patched ${canary}` } });
    return { responses: [plain, keyed, update], logs };
  } finally {
    logs.restore();
    await api.dispose();
  }
}

it('answers 503 and logs no request data when the server refuses a write (read-only server)', async () => {
  const canary = `canary-${randomUUID()}`;
  await backend.db.query(`INSERT INTO ${backend.db.database}.items (name, created_at, updated_at) VALUES ('seed', NOW(3), NOW(3))`);
  await backend.db.setGlobal('read_only', 1);
  let result: Awaited<ReturnType<typeof failingCreates>>;
  try {
    result = await failingCreates(canary);
  } finally {
    await backend.db.setGlobal('read_only', 0);
  }

  // A read-only primary is what a failover looks like: transient, 503 with Retry-After, nothing applied.
  expect(result.responses.map((r) => r.statusCode)).toEqual([503, 503, 503]);
  for (const response of result.responses) expect(response.headers?.['retry-after']).toBeDefined();
  expect(await backend.db.query(`SELECT name FROM ${backend.db.database}.items`)).toEqual([{ name: 'seed' }]);
  for (const response of result.responses) expect(response.body).not.toContain(canary);
  for (const line of result.logs.lines) expect(line).not.toContain(canary);
});

it('logs no request data when a statement fails (missing table), yet says what failed', async () => {
  const canary = `canary-${randomUUID()}`;
  await backend.db.query(`DROP TABLE ${backend.db.database}.items`);

  const { responses, logs } = await failingCreates(canary);

  expect(responses.map((r) => r.statusCode)).toEqual([500, 500, 500]);
  for (const response of responses) expect(response.body).not.toContain(canary);
  for (const line of logs.lines) expect(line).not.toContain(canary);
  const failure = logs.json().find((l) => l['message'] === 'request failed') as { status: number; error: { name: string; errno?: number; stack?: string[] } };
  expect(failure).toMatchObject({ status: 500, error: { name: 'DatabaseError', errno: 1146 } });
  expect(failure.error.stack?.length).toBeGreaterThan(0);
});
