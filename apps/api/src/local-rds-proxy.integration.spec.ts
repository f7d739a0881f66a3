import { PINNING_WARNING_MESSAGE } from '@serverless-app/db';
import { rotateSecret } from '@serverless-app/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createConnection, type Connection } from 'mysql2/promise';
import { apiFor, bodyOf, captureLogs } from './testing/api.test-util';
import { useProxiedApi } from './testing/proxy.test-util';

/**
 * The api as deployed — handler → RDS Proxy (TLS required and verified, caching_sha2_password) → database —
 * with a real local proxy: the whole item flow never pins a session, and what the proxy does wrong (borrow
 * timeouts, dropped connections, a database restart, a rotated secret) is answered as the HTTP contract says.
 */
jest.setTimeout(120_000);

// The proxy re-reads the secret a second after its last read (a rotation is noticed quickly).
const ctx = useProxiedApi({ secretCacheTtlMs: 1_000 });
const proxy = () => ctx.through.proxy;
const table = () => `${ctx.backend.db.database}.items`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type ItemBody = { id: number; name: string; description: string | null };

afterEach(() => proxy().faults.clear());

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

async function createItem(name: string): Promise<ItemBody> {
  const res = await ctx.api.invoke({ method: 'POST', path: '/items', body: { name } });
  expect(res.statusCode).toBe(201);
  return bodyOf(res) as ItemBody;
}

const itemCount = async (id: number) => Number((await ctx.backend.db.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM ${table()} WHERE id = ?`, [id]))[0]?.n);

function expect503(res: APIGatewayProxyResult): void {
  expect(res.statusCode).toBe(503);
  expect(res.headers?.['retry-after']).toMatch(/^\d+$/);
  expect(bodyOf(res)).toEqual({ error: { code: 'database_unavailable', message: expect.any(String) } });
}

describe('through the proxy, with TLS verified', () => {
  it('serves the whole item flow and never pins a session (the pinning guard in warn mode says nothing either)', async () => {
    const logs = captureLogs();
    const before = proxy().metrics();
    const statuses: number[] = [];
    try {
      const track = async (res: Promise<APIGatewayProxyResult>) => {
        const answer = await res;
        statuses.push(answer.statusCode);
        return answer;
      };
      await track(ctx.api.invoke({ path: '/' }));
      await track(ctx.api.invoke({ path: '/health' }));
      const created = bodyOf(await track(ctx.api.invoke({ method: 'POST', path: '/items', body: { name: 'one', description: 'through the proxy' } }))) as ItemBody;
      const keyed = { method: 'POST', path: '/items', body: { name: 'two' }, headers: { 'idempotency-key': `k-${Date.now()}` } };
      const second = bodyOf(await track(ctx.api.invoke(keyed))) as ItemBody;
      const replayed = await track(ctx.api.invoke(keyed));
      await Promise.all([0, 1, 2].map((i) => track(ctx.api.invoke({ method: 'POST', path: '/items', body: { name: `concurrent ${i}` } }))));
      const page = bodyOf(await track(ctx.api.invoke({ path: '/items', query: { limit: '2' } }))) as { nextCursor: string };
      await track(ctx.api.invoke({ path: '/items', query: { limit: '2', cursor: page.nextCursor } }));
      await track(ctx.api.invoke({ path: `/items/${created.id}` }));
      await track(ctx.api.invoke({ method: 'PATCH', path: `/items/${created.id}`, body: { description: null } }));
      await track(ctx.api.invoke({ method: 'DELETE', path: `/items/${second.id}` }));
      await track(ctx.api.invoke({ path: `/items/${second.id}` }));

      expect(replayed.headers?.['idempotent-replayed']).toBe('true');
      expect(page.nextCursor).toEqual(expect.any(String));
    } finally {
      logs.restore();
    }

    const after = proxy().metrics();
    expect(statuses).toEqual([200, 200, 201, 201, 201, 201, 201, 201, 200, 200, 200, 200, 204, 404]);
    expect(after.QueryRequests - before.QueryRequests).toBeGreaterThanOrEqual(14);
    expect(after.ClientConnections).toBeGreaterThanOrEqual(1);
    expect(after.ClientConnectionsNoTLS).toBe(0);
    expect(after.QueryRequestsNoTLS).toBe(0);
    expect(after.DatabaseConnectionsCurrentlySessionPinned).toBe(0);
    expect(after.SessionPinsByReason).toEqual({});
    expect(ctx.pinLines()).toEqual([]);
    expect(logs.json().filter((line) => line['message'] === PINNING_WARNING_MESSAGE)).toEqual([]);
  });
});

describe('borrow timeout (9501)', () => {
  it('at login, for longer than the retries: 503 + Retry-After; the next request works', async () => {
    const cold = apiFor(ctx.backend, ctx.through.env()); // a new execution environment: no connection yet
    const logs = captureLogs();
    try {
      proxy().faults.failNextBorrows(1_000);
      const refused = await cold.invoke({ path: '/' });
      proxy().faults.clear();
      const served = await cold.invoke({ path: '/' });

      expect503(refused);
      expect(served.statusCode).toBe(200);
    } finally {
      logs.restore();
      await cold.dispose();
    }
  });

  it('at statement time: a read is replayed (200), a write answers 503 + Retry-After and is not applied', async () => {
    const item = await createItem('busy');
    const logs = captureLogs();
    try {
      proxy().faults.failNextBorrows(1);
      const read = await ctx.api.invoke({ path: `/items/${item.id}` });
      proxy().faults.failNextBorrows(1);
      const write = await ctx.api.invoke({ method: 'DELETE', path: `/items/${item.id}` });

      expect(read.statusCode).toBe(200);
      expect503(write);
      expect(await itemCount(item.id)).toBe(1);
    } finally {
      logs.restore();
    }
  });
});

describe('the proxy drops its database connections mid-statement', () => {
  let locker: Connection;
  beforeEach(async () => {
    locker = await createConnection(ctx.backend.db.admin);
  });
  afterEach(async () => {
    await locker.query('UNLOCK TABLES').catch(() => undefined);
    await locker.end();
  });

  /** The api's statement is in flight: it waits on the table lock another session holds. */
  const waitingOnLock = async () =>
    Number(
      (
        await ctx.backend.db.query<Array<{ n: number }>>(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE user = ? AND state LIKE '%metadata lock%'",
          [ctx.backend.db.app.user],
        )
      )[0]?.n,
    ) > 0;

  it('a read is replayed and answered 200; a write is answered 503 + Retry-After (its outcome is unknown)', async () => {
    const item = await createItem('dropped');
    const logs = captureLogs();
    try {
      await locker.query(`LOCK TABLES ${table()} WRITE`);
      const reading = ctx.api.invoke({ path: `/items/${item.id}` });
      await until(waitingOnLock);
      expect(proxy().faults.dropDatabaseConnections()).toBeGreaterThanOrEqual(1);
      await locker.query('UNLOCK TABLES');
      const read = await reading;

      await locker.query(`LOCK TABLES ${table()} WRITE`);
      const writing = ctx.api.invoke({ method: 'DELETE', path: `/items/${item.id}` });
      await until(waitingOnLock);
      proxy().faults.dropDatabaseConnections();
      const write = await writing;
      await locker.query('UNLOCK TABLES');

      expect(read.statusCode).toBe(200);
      expect(bodyOf(read)).toMatchObject({ id: item.id, name: 'dropped' });
      expect503(write);
      expect(write.headers?.['retry-after']).toBe('1');
      expect(logs.json().filter((line) => line['message'] === 'request failed').map((line) => line['status'])).toEqual([503]);
    } finally {
      logs.restore();
    }
  });
});

describe('the database restarts behind the proxy', () => {
  it("the api's idle connections survive: the next request is served on them", async () => {
    expect((await ctx.api.invoke({ path: '/' })).statusCode).toBe(200);
    const before = proxy().metrics();

    await ctx.backend.db.restart();
    const res = await ctx.api.invoke({ path: '/' });

    const after = proxy().metrics();
    expect(res.statusCode).toBe(200);
    expect(after.ClientConnectionsReceived).toBe(before.ClientConnectionsReceived);
    expect(after.ClientConnectionsClosed).toBe(before.ClientConnectionsClosed);
  });
});

describe('rotation of the secret the proxy and the api share', () => {
  it('under light load: no failed request; new connections on both sides use the new password', async () => {
    const sm = ctx.backend.secrets;
    const api = apiFor(ctx.backend, ctx.through.env()); // a fresh environment: one connection while the load is sequential
    proxy().faults.dropDatabaseConnections(); // nothing in flight: the proxy starts over with one connection for the sequential load
    const before = proxy().metrics();
    const statuses: number[] = [];
    let concurrency = 1;
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        if (n >= concurrency) {
          await sleep(5);
          continue;
        }
        const res = await (i % 4 === 0 ? api.invoke({ method: 'POST', path: '/items', body: { name: `r${n}-${i}` } }) : api.invoke({ path: '/' }));
        statuses.push(res.statusCode);
        await sleep(2);
      }
    };
    const logs = captureLogs();
    try {
      const load = Promise.all([0, 1, 2, 3].map(worker));
      await sleep(300);
      await rotateSecret({ endpoint: sm, secretId: ctx.backend.secretId });
      await sleep(1_200); // the proxy's cached secret has expired
      concurrency = 4; // the api's pool (2 connections) opens a second one, the proxy new database connections
      await sleep(1_500);
      stop = true;
      await load;
    } finally {
      logs.restore();
      await api.dispose();
    }

    const after = proxy().metrics();
    expect(statuses.length).toBeGreaterThan(30);
    expect(statuses.filter((status) => status !== 200 && status !== 201)).toEqual([]);
    // The api logged in to the proxy with the old password (refused), refreshed the secret once, then with the new one.
    expect(after.ClientConnectionsSetupFailedAuth - before.ClientConnectionsSetupFailedAuth).toBeGreaterThanOrEqual(1);
    expect(after.ClientConnectionsSetupSucceeded - before.ClientConnectionsSetupSucceeded).toBeGreaterThanOrEqual(2);
    expect(logs.json().filter((line) => String(line['message']).startsWith('database credentials refreshed'))).toHaveLength(1);
    // The proxy opened database connections after the rotation: only the new password gets in now.
    expect(after.DatabaseConnectionsSetupSucceeded - before.DatabaseConnectionsSetupSucceeded).toBeGreaterThanOrEqual(1);
    expect(after.DatabaseConnectionsCurrentlySessionPinned).toBe(0);
  });
});
