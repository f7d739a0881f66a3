import { createServer } from 'mysql2';
import type { AddressInfo, Socket } from 'node:net';

interface ServerConnection {
  stream: Socket;
  serverHandshake(args: Record<string, unknown>): void;
  sequenceId: number;
  on(event: 'query', listener: (sql: string) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  writeTextResult(rows: unknown[], columns: unknown[]): void;
  writeOk(args?: Record<string, unknown>): void;
  writeError(args: { code: number; message: string }): void;
}

/**
 * A MySQL-protocol server that behaves like RDS Proxy under stress: its first
 * `failHandshakes` logins are refused with `errno` (9501: "Timed-out waiting to
 * acquire database connection"), later ones are accepted; its first
 * `failQueries` statements are answered with the same error (a borrow timeout
 * at statement time), later ones with one row `{ v: 1 }` (or an OK packet for
 * anything that is not a SELECT).
 */
export async function startFakeProxy(options: { failHandshakes: number; failQueries?: number; errno: number; message: string }) {
  let handshakes = 0;
  let queries = 0;
  const sockets = new Set<Socket>();
  const server = createServer(() => undefined);
  server.on('connection', (conn: ServerConnection) => {
    sockets.add(conn.stream);
    conn.on('error', () => undefined); // clients hanging up are expected
    conn.stream.on('close', () => sockets.delete(conn.stream));
    const fail = handshakes++ < options.failHandshakes;
    conn.serverHandshake({
      protocolVersion: 10,
      serverVersion: '8.0.36-rds-proxy-fake',
      connectionId: handshakes,
      statusFlags: 2,
      characterSet: 8,
      capabilityFlags: 0xffffff,
      authCallback: (_params: unknown, cb: (err: null, mysqlError?: { message: string; code: number }) => void) =>
        fail ? cb(null, { message: options.message, code: options.errno }) : cb(null),
    });
    conn.on('query', (sql: string) => {
      conn.sequenceId = 1; // a response starts after the client's command packet (0)
      if (queries++ < (options.failQueries ?? 0)) return conn.writeError({ code: options.errno, message: options.message });
      if (!/^\s*SELECT/i.test(sql)) return conn.writeOk({ affectedRows: 1 });
      conn.writeTextResult(
        [{ v: 1 }],
        [{ catalog: 'def', schema: '', table: '', orgTable: '', name: 'v', orgName: 'v', characterSet: 63, columnLength: 11, columnType: 8, flags: 0, decimals: 0 }],
      );
    });
  });
  const net = (server as unknown as { _server: import('node:net').Server })._server;
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (net.address() as AddressInfo).port,
    handshakes: () => handshakes,
    queries: () => queries,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
