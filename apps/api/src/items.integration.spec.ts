import { PINNING_WARNING_MESSAGE } from '@serverless-app/db';
import { lambdaContext, restApiEvent } from '@serverless-app/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { MAX_DESCRIPTION, MAX_NAME } from './items/item.schema';
import { bodyOf, captureLogs, useApi } from './testing/api.test-util';

jest.setTimeout(60_000);

const ctx = useApi();
beforeEach(async () => {
  await ctx.backend.db.query(`DELETE FROM ${ctx.backend.db.database}.items`);
  await ctx.backend.db.query(`DELETE FROM ${ctx.backend.db.database}.idempotency_keys`);
});

const create = (body: unknown, headers: Record<string, string> = {}) => ctx.api.invoke({ method: 'POST', path: '/items', body, headers });
type ItemBody = { id: number; name: string; description: string | null; createdAt: string; updatedAt: string };

describe('GET /', () => {
  it("answers the database's NOW() as a JSON string, like the workshop", async () => {
    const res = await ctx.api.invoke({ path: '/' });

    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(bodyOf(res)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });
});

describe('GET /health', () => {
  it('reports the database up with its latency', async () => {
    const res = await ctx.api.invoke({ path: '/health' });

    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ status: 'ok', database: { status: 'up', latencyMs: expect.any(Number) } });
  });
});

describe('/items', () => {
  it('creates, reads, updates and deletes an item', async () => {
    const created = await create({ name: 'first', description: 'about it' });
    const item = bodyOf(created) as ItemBody;

    expect(created.statusCode).toBe(201);
    expect(created.headers?.['location']).toBe(`/dev/items/${item.id}`);
    expect(item).toEqual({ id: expect.any(Number), name: 'first', description: 'about it', createdAt: expect.any(String), updatedAt: item.createdAt });
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);

    const got = await ctx.api.invoke({ path: `/items/${item.id}` });
    expect(bodyOf(got)).toEqual(item);

    const patched = await ctx.api.invoke({ method: 'PATCH', path: `/items/${item.id}`, body: { description: null } });
    expect(patched.statusCode).toBe(200);
    expect(bodyOf(patched)).toMatchObject({ id: item.id, name: 'first', description: null });

    const deleted = await ctx.api.invoke({ method: 'DELETE', path: `/items/${item.id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await ctx.api.invoke({ path: `/items/${item.id}` })).statusCode).toBe(404);
  });

  it('answers 404 for a missing item on GET, PATCH and DELETE', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await ctx.api.invoke({ method, path: '/items/999999', ...(method === 'PATCH' ? { body: { name: 'x' } } : {}) });
      expect([method, res.statusCode, bodyOf(res)]).toEqual([method, 404, { error: { code: 'not_found', message: 'item 999999 does not exist' } }]);
    }
  });

  it('pages through items with an opaque cursor, capped page size', async () => {
    for (let i = 0; i < 7; i++) await create({ name: `item-${i}` });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await ctx.api.invoke({ path: '/items', query: { limit: '3', ...(cursor ? { cursor } : {}) } });
      const page = bodyOf(res) as { items: ItemBody[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);

    expect(seen).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4', 'item-5', 'item-6']);
    expect(pages).toBe(3);
    expect((await ctx.api.invoke({ path: '/items', query: { limit: '101' } })).statusCode).toBe(422);
    const all = bodyOf(await ctx.api.invoke({ path: '/items' })) as { items: unknown[] };
    expect(all.items).toHaveLength(7);
  });

  it('creates exactly one row for requests retried with the same Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'create-abc-1' };

    const results = await Promise.all([create({ name: 'once' }, headers), create({ name: 'once' }, headers), create({ name: 'once' }, headers)]);
    const again = await create({ name: 'once' }, headers);

    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const ids = new Set([...results, again].map((r) => (bodyOf(r) as ItemBody).id));
    expect(ids.size).toBe(1);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(await ctx.backend.db.query(`SELECT COUNT(*) AS n FROM ${ctx.backend.db.database}.items`)).toEqual([{ n: 1 }]);
  });

  it('refuses an Idempotency-Key reused with a different body', async () => {
    await create({ name: 'one' }, { 'idempotency-key': 'k-2' });

    const res = await create({ name: 'two' }, { 'idempotency-key': 'k-2' });

    expect(res.statusCode).toBe(409);
    expect(bodyOf(res)).toEqual({ error: { code: 'idempotency_key_reused', message: 'this Idempotency-Key was used with a different body' } });
  });

  it('compares Idempotency-Keys byte for byte: a key differing only in case is another client\'s key', async () => {
    const upper = await create({ name: 'upper' }, { 'Idempotency-Key': 'Case-x' });
    const lower = await create({ name: 'lower' }, { 'Idempotency-Key': 'case-x' });

    expect([upper.statusCode, lower.statusCode]).toEqual([201, 201]);
    expect(lower.headers?.['idempotent-replayed']).toBeUndefined();
    expect(bodyOf(lower)).toMatchObject({ name: 'lower' });
    expect((bodyOf(lower) as ItemBody).id).not.toBe((bodyOf(upper) as ItemBody).id);
  });

  it('refuses an anonymous call (no IAM caller in the event) with 403, creating nothing, should a route lose its authoriser', async () => {
    const res = await ctx.api.invoke({ method: 'POST', path: '/items', body: { name: 'anonymous' }, iamCaller: undefined });

    expect(res.statusCode).toBe(403);
    expect(bodyOf(res)).toMatchObject({ error: { code: 'missing_authentication' } });
    expect(await ctx.backend.db.query(`SELECT COUNT(*) AS n FROM ${ctx.backend.db.database}.items`)).toEqual([{ n: 0 }]);
  });

  it("keeps each IAM caller's Idempotency-Keys apart: another caller's same key creates, never replays the first caller's item", async () => {
    const as = (userArn: string, name: string) => {
      const event = restApiEvent({ method: 'POST', path: '/items', body: { name }, headers: { 'Idempotency-Key': 'shared-key' } });
      event.requestContext.identity.userArn = userArn;
      return ctx.api.handler(event, lambdaContext()) as Promise<APIGatewayProxyResult>;
    };
    const alice = await as('arn:aws:iam::123456789012:user/alice', 'alice-secret-item');
    const bob = await as('arn:aws:iam::123456789012:user/bob', 'bob-item');
    const aliceAgain = await as('arn:aws:iam::123456789012:user/alice', 'alice-secret-item');

    expect([alice.statusCode, bob.statusCode, aliceAgain.statusCode]).toEqual([201, 201, 201]);
    expect(bob.headers?.['idempotent-replayed']).toBeUndefined();
    expect(bob.body).not.toContain('alice-secret-item');
    expect(aliceAgain.headers?.['idempotent-replayed']).toBe('true');
    expect(bodyOf(aliceAgain)).toEqual(bodyOf(alice));
  });

  it('answers a late retry of a create whose item was deleted with the original answer, creating nothing', async () => {
    const first = await create({ name: 'short-lived' }, { 'Idempotency-Key': 'late-1' });
    const item = bodyOf(first) as ItemBody;
    expect((await ctx.api.invoke({ method: 'DELETE', path: `/items/${item.id}` })).statusCode).toBe(204);

    const late = await create({ name: 'short-lived' }, { 'Idempotency-Key': 'late-1' });

    expect(late.statusCode).toBe(201);
    expect(late.body).toBe(first.body);
    expect(late.headers).toMatchObject({ 'idempotent-replayed': 'true', location: first.headers?.['location'] });
    expect(await ctx.backend.db.query(`SELECT COUNT(*) AS n FROM ${ctx.backend.db.database}.items`)).toEqual([{ n: 0 }]);
  });

  it('treats an expired Idempotency-Key as unused', async () => {
    const first = await create({ name: 'old' }, { 'Idempotency-Key': 'expired-1' });
    await ctx.backend.db.query(`UPDATE ${ctx.backend.db.database}.idempotency_keys SET expires_at = '2000-01-01 00:00:00'`);

    const again = await create({ name: 'new' }, { 'Idempotency-Key': 'expired-1' });

    expect(again.statusCode).toBe(201);
    expect(again.headers?.['idempotent-replayed']).toBeUndefined();
    expect((bodyOf(again) as ItemBody).id).not.toBe((bodyOf(first) as ItemBody).id);
  });

  it('answers a create from what it inserted, as a later read sees it', async () => {
    const created = bodyOf(await create({ name: 'as stored', description: '𝄞 ☃' })) as ItemBody;

    expect(bodyOf(await ctx.api.invoke({ path: `/items/${created.id}` }))).toEqual(created);
  });

  it('keeps the largest keyed create under RDS Proxy\'s 16 KB statement limit (no pinning), and replays it', async () => {
    // Control characters are the costliest: JSON writes \u0001 (6 bytes), and the statement escapes its backslash.
    const body = { name: '\u0001'.repeat(MAX_NAME), description: '\u0001'.repeat(MAX_DESCRIPTION) };
    const headers = { 'Idempotency-Key': `${'\\'.repeat(64)}${"'".repeat(64)}` };
    const logs = captureLogs();
    let first, retry;
    try {
      first = await create(body, headers);
      retry = await create(body, headers);
    } finally {
      logs.restore();
    }

    expect([first.statusCode, retry.statusCode, retry.headers?.['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(bodyOf(first)).toMatchObject(body);
    expect(logs.json().filter((l) => l['message'] === PINNING_WARNING_MESSAGE)).toEqual([]);
  });

  it('round-trips SQL metacharacters and multi-byte text verbatim in every field', async () => {
    const name = `'); DROP TABLE items; -- \\ " \` % _ ☃ 𝄞`;
    const description = `' OR '1'='1\n\t\u0000 /* */ # ; \\'`;

    const res = await create({ name, description });
    const got = bodyOf(await ctx.api.invoke({ path: `/items/${(bodyOf(res) as ItemBody).id}` })) as ItemBody;

    expect(res.statusCode).toBe(201);
    expect(got.name).toBe(name);
    expect(got.description).toBe(description);
  });
});
