import { useProxyWorld } from './proxy.test-util';

jest.setTimeout(60_000);

const world = useProxyWorld();

describe('startLocalRdsProxy', () => {
  it('relays statements for a client that logs in with the secret', async () => {
    const proxy = await world.proxy();
    const conn = await world.connect(proxy);

    const [rows] = await conn.query('SELECT 1 AS one, DATABASE() AS db');

    expect(rows).toEqual([{ one: 1, db: world.db.database }]);
    expect(proxy.metrics()).toMatchObject({ ClientConnections: 1, DatabaseConnections: 1, DatabaseConnectionsCurrentlyBorrowed: 0, QueryRequests: 1 });
  });
});
