import type { MysqlServer } from '@serverless-app/testing';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { createServer, type AddressInfo } from 'node:net';
import { sleep } from './world';

/** Connections on the server, read from its status while something runs. */
export interface ConnectionWatch {
  /** `Threads_connected` now (this watch's own connection included). */
  current(): Promise<number>;
  /** Resets `Max_used_connections` to the connections open now (`FLUSH STATUS`) and the polled peak to 0. */
  reset(): Promise<void>;
  /** Polls `Threads_connected` every `everyMs` until stopped, and once more then; the highest seen, this watch's own connection included. */
  poll(everyMs?: number): { stop(): Promise<number> };
  /** `Max_used_connections` since the last reset. */
  maxUsed(): Promise<number>;
  close(): Promise<void>;
}

async function statusValue(conn: Connection, name: string): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>('SHOW GLOBAL STATUS LIKE ?', [name]);
  return Number(rows[0]?.['Value']);
}

/**
 * One admin connection on `port` — the server's `extra-port`, see {@link extraPortFlags} — so watching takes none
 * of the `max_connections` slots the storm competes for (it still counts in `Threads_connected`).
 */
export async function watchConnections(db: MysqlServer, port = db.port): Promise<ConnectionWatch> {
  const conn = await createConnection({ ...db.admin, port });
  return {
    current: () => statusValue(conn, 'Threads_connected'),
    reset: async () => {
      await conn.query('FLUSH STATUS');
    },
    poll(everyMs = 20) {
      let peak = 0;
      let running = true;
      const loop = (async () => {
        while (running) {
          peak = Math.max(peak, await statusValue(conn, 'Threads_connected'));
          await sleep(everyMs);
        }
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
          // One last look while the storm's connections are still open: a storm shorter than a poll may see none.
          return Math.max(peak, await statusValue(conn, 'Threads_connected'));
        },
      };
    },
    maxUsed: () => statusValue(conn, 'Max_used_connections'),
    close: () => conn.end(),
  };
}

/** A free TCP port on 127.0.0.1 (free when asked; the server started next binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** MariaDB's flags for a second port with its own connection slots, outside `max_connections`. */
export const extraPortFlags = (port: number) => ({ 'extra-port': port, 'extra-max-connections': 2 });
