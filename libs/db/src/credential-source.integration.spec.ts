import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { createDbClient, type DbClient } from './client';
import type { CredentialsProvider, DbCredentials } from './credentials';
import { openConnections } from './integration.test-util';

jest.setTimeout(60_000);

let server: MysqlServer;
let db: DbClient;
const other = { username: 'app_next', password: 'next-password-4b2d' };

beforeAll(async () => {
  server = await startMysql();
  await server.query(`CREATE USER '${other.username}'@'%' IDENTIFIED BY '${other.password}'`);
  await server.query(`GRANT ALL ON ${server.database}.* TO '${other.username}'@'%'`);
});
afterAll(() => server?.stop());
afterEach(() => db?.close());

/** A provider whose cached value changes in the background, as one with a TTL does (alternating-users rotation). */
function switchingProvider(first: DbCredentials) {
  let cached = first;
  const calls = { get: 0, refresh: 0 };
  const provider: CredentialsProvider = {
    get: async () => (calls.get++, cached),
    refresh: async () => (calls.refresh++, cached),
    peek: () => cached,
  };
  return { provider, calls, switchTo: (next: DbCredentials) => void (cached = next) };
}

it('opens new connections with the credentials the provider holds now, without waiting for a 1045', async () => {
  const app = { username: server.app.user, password: server.app.password };
  const { provider, calls, switchTo } = switchingProvider(app);
  db = createDbClient({ host: server.host, port: server.port, database: server.database, credentials: provider, pinning: 'off' });
  expect(await db.query('SELECT SUBSTRING_INDEX(CURRENT_USER(), "@", 1) AS u')).toEqual([{ u: server.app.user }]);

  switchTo(other);
  const rows = await db.query('SELECT SUBSTRING_INDEX(CURRENT_USER(), "@", 1) AS u');

  expect(rows).toEqual([{ u: other.username }]);
  expect(calls).toEqual({ get: 1, refresh: 0 });
  expect(db.stats().credentialRefreshes).toBe(0);
  // The old pool's idle connection was closed when its pool was retired.
  for (let i = 0; i < 50 && (await openConnections(server, server.app.user)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await openConnections(server, server.app.user)).toBe(0);
});

it('keeps the credentials it moved to after a 1045 while the provider still holds the rejected ones', async () => {
  // Mid-rotation: AWSCURRENT (what peek() returns) is the old password; the pool runs on AWSPENDING.
  const rejected = { username: server.app.user, password: 'old-password' };
  const pending = { username: server.app.user, password: server.app.password };
  const provider: CredentialsProvider = {
    get: async () => rejected,
    refresh: async () => rejected,
    pending: async () => pending,
    peek: () => rejected,
  };
  db = createDbClient({ host: server.host, port: server.port, database: server.database, credentials: provider, pinning: 'off' });

  for (let i = 0; i < 5; i++) expect(await db.query('SELECT ? AS v', [i])).toEqual([{ v: i }]);

  expect(db.stats().credentialRefreshes).toBe(1);
});
