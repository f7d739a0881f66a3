import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { framePacket, PacketReader } from '../protocol/framing';
import { commandPayload } from '../protocol/packets';
import { BACKEND_BASE_CAPABILITIES, Capability, Command } from '../protocol/constants';
import { BackendConnection, type BackendTarget } from './backend-connection';
import { DatabaseConnectionLostError, DatabaseServerError } from './backend-errors';

jest.setTimeout(60_000);

let server: MysqlServer;
let target: BackendTarget;
beforeAll(async () => {
  server = await startMysql();
  target = { host: server.host, port: server.port, connectTimeoutMs: 5_000 };
});
afterAll(() => server?.stop());

const login = () => ({ user: server.app.user, password: server.app.password, database: server.database, capabilities: BACKEND_BASE_CAPABILITIES | Capability.MULTI_RESULTS });

describe('BackendConnection', () => {
  it('logs in and runs statements of its own', async () => {
    const conn = await BackendConnection.open(target, login());
    try {
      const outcome = await conn.query('SELECT 1 AS one, NULL AS nothing, DATABASE() AS db, CONNECTION_ID() AS id');

      expect(outcome).toMatchObject({ kind: 'rows', rows: [['1', null, server.database, String(conn.threadId)]] });
      expect(conn.serverVersion).toContain(server.version); // MariaDB prefixes its greeting with 5.5.5-
      expect(await conn.query('DO 1')).toMatchObject({ kind: 'ok' });
      expect(await conn.query('SELECT * FROM no_such_table')).toMatchObject({ kind: 'error', error: { errno: 1146, sqlState: '42S02' } });
    } finally {
      conn.quit();
    }
  });

  it('relays a response byte for byte and reports how it ended', async () => {
    const conn = await BackendConnection.open(target, login());
    const received: Buffer[] = [];
    try {
      const raw = framePacket(commandPayload(Command.QUERY, 'SELECT 1 AS a UNION SELECT 2'), 0).bytes;
      const outcome = await conn.relay(raw, 'result', { write: (chunk) => received.push(chunk) > 0, once: () => undefined });
      const packets = new PacketReader().push(Buffer.concat(received));

      expect(outcome).toMatchObject({ failed: false, errno: 0, localInfile: false });
      expect(outcome.status & 3).toBe(2); // autocommit, not in a transaction
      expect(packets.map((p) => p.sequenceId)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      conn.quit();
    }
  });

  it('refuses a wrong password with the server error (1045)', async () => {
    const attempt = BackendConnection.open(target, { ...login(), password: 'wrong' });

    await expect(attempt).rejects.toBeInstanceOf(DatabaseServerError);
    await expect(attempt).rejects.toMatchObject({ fields: { errno: 1045, sqlState: '28000' } });
  });

  it('fails fast when nothing listens', async () => {
    await expect(BackendConnection.open({ host: '127.0.0.1', port: 1, connectTimeoutMs: 2_000 }, login())).rejects.toBeInstanceOf(DatabaseConnectionLostError);
  });

  it('rejects the exchange in flight when the connection dies', async () => {
    const conn = await BackendConnection.open(target, login());
    const pending = conn.query('SELECT SLEEP(5)');
    setTimeout(() => void server.killConnections(server.app.user), 200);

    await expect(pending).rejects.toBeInstanceOf(DatabaseConnectionLostError);
    expect(conn.closed).toBe(true);
  });
});
