import { bodyOf, useApi } from './testing/api.test-util';

/**
 * Database round trips per request, counted by the throwaway server itself (its global `Questions` and
 * `Com_*` status counters; nothing else talks to it during a test): a create answers from what it inserted,
 * a read or a page of a list is one statement.
 */
jest.setTimeout(60_000);

const ctx = useApi();

type Counts = { questions: number; select: number; insert: number; update: number; delete: number };

async function counters(): Promise<Counts> {
  const rows = await ctx.backend.db.query<Array<{ Variable_name: string; Value: string }>>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete')",
  );
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value);
  return { questions: value('Questions'), select: value('Com_select'), insert: value('Com_insert'), update: value('Com_update'), delete: value('Com_delete') };
}

/** What `fn` sent to the server, less what reading the counters itself costs (measured with nothing in between). */
async function roundTrips(fn: () => Promise<unknown>): Promise<Counts> {
  const idle0 = await counters();
  const idle1 = await counters();
  await fn();
  const after = await counters();
  const delta = (k: keyof Counts) => after[k] - idle1[k] - (idle1[k] - idle0[k]);
  return { questions: delta('questions'), select: delta('select'), insert: delta('insert'), update: delta('update'), delete: delta('delete') };
}

const none = { questions: 0, select: 0, insert: 0, update: 0, delete: 0 };

beforeAll(async () => {
  await ctx.api.invoke({ path: '/' }); // the pool's first connection, outside the counts
});

it('GET / is one SELECT', async () => {
  expect(await roundTrips(() => ctx.api.invoke({ path: '/' }))).toEqual({ ...none, questions: 1, select: 1 });
});

it('POST /items is one INSERT, answered from what it inserted (no read back)', async () => {
  let status = 0;
  let body: unknown;
  const counts = await roundTrips(async () => {
    const response = await ctx.api.invoke({ method: 'POST', path: '/items', body: { name: 'counted' } });
    status = response.statusCode;
    body = bodyOf(response);
  });
  expect(status).toBe(201);
  expect(body).toMatchObject({ name: 'counted', description: null });
  expect(counts).toEqual({ ...none, questions: 1, insert: 1 });
});

it('GET /items/{id} is one SELECT', async () => {
  const created = bodyOf(await ctx.api.invoke({ method: 'POST', path: '/items', body: { name: 'read me' } })) as { id: number };
  expect(await roundTrips(() => ctx.api.invoke({ path: `/items/${created.id}` }))).toEqual({ ...none, questions: 1, select: 1 });
});

it('a page of GET /items is one SELECT, also when there is a next page', async () => {
  for (const name of ['a', 'b', 'c']) await ctx.api.invoke({ method: 'POST', path: '/items', body: { name } });
  let page: { items: unknown[]; nextCursor: string | null } | undefined;
  const counts = await roundTrips(async () => (page = bodyOf(await ctx.api.invoke({ path: '/items', query: { limit: '2' } })) as typeof page));
  expect(page?.items).toHaveLength(2);
  expect(page?.nextCursor).not.toBeNull();
  expect(counts).toEqual({ ...none, questions: 1, select: 1 });
});

it('DELETE /items/{id} is one DELETE', async () => {
  const created = bodyOf(await ctx.api.invoke({ method: 'POST', path: '/items', body: { name: 'delete me' } })) as { id: number };
  expect(await roundTrips(() => ctx.api.invoke({ method: 'DELETE', path: `/items/${created.id}` }))).toEqual({ ...none, questions: 1, delete: 1 });
});
