import type { Queryable } from '@serverless-app/db';

/**
 * SQL for the `idempotency_keys` table: one row per (scope, key), holding the
 * hash of the request and the answer given to it until `expires_at`. The key
 * is VARBINARY, so keys compare byte for byte.
 */

/** A stored answer to an idempotent request. */
export interface KeyRecord {
  requestHash: string;
  status: number;
  /** The answer's body, as JSON text. */
  body: string;
  expiresAt: Date;
}

interface KeyRow {
  request_hash: string;
  status: number;
  response_body: Buffer | string;
  expires_at: Date;
}

/** What to store for a key. */
export interface NewKeyRecord {
  scope: string;
  key: string;
  requestHash: string;
  status: number;
  body: string;
  createdAt: Date;
  expiresAt: Date;
}

const bytes = (key: string) => Buffer.from(key, 'utf8');

/**
 * Stores a key's answer; a key already stored in the scope fails with `DuplicateEntryError`. The body goes as
 * text, not bytes (which would be sent in hex, twice as long): the largest answer must keep the statement under
 * RDS Proxy's 16 KB pinning limit.
 */
export async function insertKeyRecord(db: Queryable, record: NewKeyRecord): Promise<void> {
  await db.run(
    'INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, status, response_body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [record.scope, bytes(record.key), record.requestHash, record.status, record.body, record.createdAt, record.expiresAt],
  );
}

/** The stored answer for a key, expired or not. */
export async function findKeyRecord(db: Queryable, scope: string, key: string): Promise<KeyRecord | undefined> {
  const [row] = await db.query<KeyRow>(
    'SELECT request_hash, status, response_body, expires_at FROM idempotency_keys WHERE scope = ? AND idempotency_key = ?',
    [scope, bytes(key)],
  );
  if (!row) return undefined;
  const body = Buffer.isBuffer(row.response_body) ? row.response_body.toString('utf8') : row.response_body;
  return { requestHash: row.request_hash, status: Number(row.status), body, expiresAt: row.expires_at };
}

/** Deletes a key's record if it expired by `now` (so the key can be used again); true when it did. */
export async function deleteExpiredKeyRecord(db: Queryable, scope: string, key: string, now: Date): Promise<boolean> {
  const { affectedRows } = await db.run('DELETE FROM idempotency_keys WHERE scope = ? AND idempotency_key = ? AND expires_at <= ?', [scope, bytes(key), now]);
  return affectedRows > 0;
}

/** Deletes up to `limit` records that expired by `now`, oldest first; returns how many. */
export async function deleteExpiredKeyRecords(db: Queryable, now: Date, limit: number, timeoutMs?: number): Promise<number> {
  const { affectedRows } = await db.run('DELETE FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?', [now, limit], timeoutMs ? { timeoutMs } : {});
  return affectedRows;
}
