import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { assertName } from './sql-names';

/** Where to open an admin connection: TCP host/port or a Unix socket; the database is optional. */
export interface ConnectTarget {
  host?: string;
  port?: number;
  socketPath?: string;
  user: string;
  password: string;
  database?: string;
}

/**
 * Opens a short-lived connection, runs `fn`, and always closes it. Short-lived on purpose: nothing to
 * reconnect after a restart, nothing left open for Jest to wait on.
 *
 * @example
 * const rows = await withConnection(server.admin, (conn) => conn.query('SELECT 1'));
 */
export async function withConnection<T>(target: ConnectTarget, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await createConnection({ ...target, connectTimeout: 10_000 });
  try {
    return await fn(conn);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

const ER_NO_SUCH_THREAD = 1094;

/**
 * `KILL`s every connection of `user` except the caller's own; returns how many it killed.
 *
 * @example
 * await killUserConnections(conn, 'app'); // 3
 */
export async function killUserConnections(conn: Connection, user: string): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()', [user]);
  let killed = 0;
  for (const row of rows) {
    try {
      await conn.query('KILL ?', [Number(row['id'])]);
      killed += 1;
    } catch (error) {
      // It disconnected between listing and killing.
      if ((error as { errno?: number }).errno !== ER_NO_SUCH_THREAD) throw error;
    }
  }
  return killed;
}

/**
 * `SET GLOBAL name = ?`; the name is validated because it cannot be a placeholder.
 *
 * @example
 * await setGlobalVariable(conn, 'max_connections', 20);
 */
export async function setGlobalVariable(conn: Connection, name: string, value: string | number): Promise<void> {
  await conn.query(`SET GLOBAL ${assertName('variable', name)} = ?`, [value]);
}

/** A statement that puts a global variable back to a saved value. */
export interface SavedGlobal {
  name: string;
  sql: string;
  params: unknown[];
}

const NUMERIC_TYPES = new Set(['TINY', 'SHORT', 'LONG', 'INT24', 'LONGLONG', 'FLOAT', 'DOUBLE', 'DECIMAL', 'NEWDECIMAL']);

/**
 * Reads a global variable and returns how to restore it. Numbers are restored as unquoted literals (a
 * quoted number is rejected for numeric variables, and 64-bit values would lose precision in JS).
 *
 * @example
 * const saved = await saveGlobal(conn, 'max_connections');
 * await conn.query(saved.sql, saved.params);
 */
export async function saveGlobal(conn: Connection, name: string): Promise<SavedGlobal> {
  assertName('variable', name);
  let numeric = false;
  const [rows] = await conn.query<RowDataPacket[]>({
    sql: `SELECT @@GLOBAL.${name} AS value`,
    typeCast: (field) => {
      numeric = NUMERIC_TYPES.has(field.type);
      return field.string();
    },
  });
  const value = (rows[0]?.['value'] ?? null) as string | null;
  if (value !== null && numeric && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)) {
    return { name, sql: `SET GLOBAL ${name} = ${value}`, params: [] };
  }
  return { name, sql: `SET GLOBAL ${name} = ?`, params: [value] };
}
