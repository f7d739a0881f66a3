import { DatabaseUnavailableError, type DbClient, DuplicateEntryError, type Queryable, StatementOutcomeUnknownError } from '@serverless-app/db';
import { createHash } from 'node:crypto';
import { ConflictError } from '../errors';
import { findKeyRecord, insertKeyRecord, deleteExpiredKeyRecord, type KeyRecord } from './key-records';
import { keyPurger } from './purge';
import { requestHash } from './request-hash';

/** How long a key is remembered: a retry within this time gets the original answer. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** The status stored with a create's answer. */
const CREATED = 201;
const MAX_ATTEMPTS = 3;

/** What {@link idempotentCreate} needs. */
export interface IdempotentCreate<T> {
  /** The namespace of the keys, usually the feature (`items`): the same key in two scopes is two keys. */
  scope: string;
  /** The client's idempotency key; without one the create simply runs. */
  key: string | undefined;
  /**
   * Who sent the request (an IAM caller's ARN, `callerOf(event)`): keys are kept per caller, so a key another
   * caller chose never replays their answer to you nor conflicts with yours. Without one (a public route), keys
   * are shared by everyone calling the scope.
   */
  owner?: string | undefined;
  /** What identifies the request (hashed): a retry sends the same, a reuse of the key something else. */
  request: unknown;
  /** Inserts the record and returns the answer (JSON-serialisable), built from what it inserted. */
  create: (db: Queryable) => Promise<T>;
}

/** A create's answer, and whether it was replayed from an earlier request with the same key. */
export interface CreateOutcome<T> {
  value: T;
  replayed: boolean;
}

/** The key is stored already (inside the transaction, before its rollback). */
class KeyTaken extends Error {}

const purgeSometimes = keyPurger();

/** The `scope` column is 64 ASCII characters: the scope, `:` and 22 characters of the owner's hash. */
const MAX_SCOPE = 64 - 23;

/**
 * The stored scope: the feature's, and with an owner a 132-bit SHA-256 tag of it (the ARN itself is not stored).
 *
 * @example
 * keyScope('items', 'arn:aws:iam::123456789012:user/alice'); // 'items:Xq3…' (28 characters)
 */
export function keyScope(scope: string, owner: string | undefined): string {
  if (scope.length === 0 || scope.length > MAX_SCOPE || !/^[\x21-\x7e]+$/.test(scope)) {
    throw new Error(`idempotency scope must be 1-${MAX_SCOPE} printable ASCII characters, got ${scope.length}`);
  }
  if (owner === undefined || owner === '') return scope;
  return `${scope}:${createHash('sha256').update(owner).digest('base64url').slice(0, 22)}`;
}

function replay<T>(record: KeyRecord, hash: string): CreateOutcome<T> {
  if (record.requestHash !== hash) throw new ConflictError('idempotency_key_reused', 'this Idempotency-Key was used with a different body');
  return { value: JSON.parse(record.body) as T, replayed: true };
}

/**
 * Creates a record exactly once per idempotency key, as Stripe does. Without a
 * key, `create` runs on its own (one INSERT). With a key, one transaction
 * inserts the record and the key with the answer; if the key is stored already
 * the transaction is rolled back and the stored answer is replayed — also when
 * the record was deleted since — unless the request differs (`ConflictError`
 * `idempotency_key_reused`). Keys are per owner (the caller). A key expires after 24 h and is then unused. When
 * the COMMIT's outcome is unknown (connection lost), the key tells: replay if it
 * was stored, else try again; a lost COMMIT that lands later surfaces as a
 * stored key on the next attempt.
 *
 * @example
 * const { value, replayed } = await idempotentCreate(db, {
 *   scope: 'items',
 *   key: 'order-7f3a',
 *   owner: callerOf(event),
 *   request: [input.name, input.description ?? null],
 *   create: (tx) => repo.insertItem(tx, input, new Date()),
 * });
 */
export async function idempotentCreate<T>(db: DbClient, options: IdempotentCreate<T>): Promise<CreateOutcome<T>> {
  const { key } = options;
  if (key === undefined) return { value: await options.create(db), replayed: false };
  const scope = keyScope(options.scope, options.owner);
  const hash = requestHash(options.request);
  for (let attempt = 1; ; attempt++) {
    const now = new Date();
    try {
      const value = await db.transaction(async (tx) => {
        const created = await options.create(tx);
        const record = { scope, key, requestHash: hash, status: CREATED, body: JSON.stringify(created), createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS) };
        await insertKeyRecord(tx, record).catch((error: unknown) => {
          throw error instanceof DuplicateEntryError ? new KeyTaken() : error;
        });
        return created;
      });
      await purgeSometimes(db);
      return { value, replayed: false };
    } catch (error) {
      // Rolled back whole, so safe to run again: a deadlock or lock wait timeout, or a connection lost before
      // COMMIT (the server rolls the transaction back). A database that is down or read-only is not retried here.
      const rolledBack = error instanceof DatabaseUnavailableError && (error.reason === 'contention' || error.reason === 'connection-lost');
      if (!(error instanceof KeyTaken || error instanceof StatementOutcomeUnknownError || rolledBack)) throw error;
      if (!rolledBack) {
        const stored = await findKeyRecord(db, scope, key);
        const at = new Date();
        if (stored && stored.expiresAt > at) return replay<T>(stored, hash);
        if (stored) await deleteExpiredKeyRecord(db, scope, key, at);
      }
      if (attempt >= MAX_ATTEMPTS) {
        if (error instanceof KeyTaken) throw new ConflictError('in_progress', 'a concurrent request with this Idempotency-Key did not complete; retry');
        throw error;
      }
    }
  }
}
