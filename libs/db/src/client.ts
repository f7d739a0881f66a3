import { format, type PoolOptions as Mysql2PoolOptions } from 'mysql2';
import { classify, driverInfo, type FailureKind, statementError } from './classify';
import { type CredentialsProvider, type DbCredentials, staticCredentials } from './credentials';
import {
  DatabaseAuthError,
  DatabaseError,
  DatabaseUnavailableError,
  QueryTimeoutError,
  StatementOutcomeUnknownError,
} from './errors';
import { iamDriverAuth, type IamAuthOptions } from './iam-auth';
import { type DbClientLogger, silentLogger } from './logger';
import { createPinningGuard, defaultPinningMode, type PinningGuard, type PinningMode } from './pinning';
import { type Connection, PoolGeneration } from './pool-generation';
import { backoffDelay, resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions, sleep } from './retry';
import { isReplayableRead } from './statement-kind';
import { resolveTls, type TlsOption } from './tls';

/** Pool settings; the defaults suit a Lambda, which serves one request at a time. */
export interface PoolOptions {
  /** Connections per execution environment. @default 2 */
  connectionLimit?: number;
  /** Callers allowed to wait for a connection; more fail fast. @default 20 */
  queueLimit?: number;
  /** Time to open a connection, TLS and login included; far below API Gateway's 29 s. @default 3_000 */
  connectTimeoutMs?: number;
  /** Time to wait for a busy pool to free a connection. @default 3_000 */
  acquireTimeoutMs?: number;
  /** Close connections idle longer than this (client side). @default 60_000 */
  idleTimeoutMs?: number;
  /**
   * Check (COM_PING) a pooled connection idle longer than this before using it, so that a
   * connection the proxy or server closed while the Lambda was frozen is replaced, not used.
   * @default 1_000
   */
  validateAfterIdleMs?: number;
}

/** Options for {@link createDbClient}. */
export interface DbClientOptions {
  /** RDS Proxy endpoint (or any MySQL host). */
  host: string;
  /** @default 3306 */
  port?: number;
  database: string;
  /** Where the user name and password come from. Optional with `iamAuth`. */
  credentials?: CredentialsProvider;
  pool?: PoolOptions;
  /** @default 'auto': verified TLS, off on loopback */
  tls?: TlsOption;
  /**
   * Authenticate with IAM tokens (`mysql_clear_password` over TLS) instead of the
   * password from `credentials`. Requires TLS. On 1045 the token is re-signed.
   */
  iamAuth?: IamAuthOptions;
  retry?: RetryOptions;
  /** Client-side limit for one statement; the connection is closed when it is hit. @default 10_000 */
  statementTimeoutMs?: number;
  /**
   * The RDS Proxy pinning guard: a mode, or a guard made with `createPinningGuard()`.
   * @default defaultPinningMode(): `off` in production, `warn` elsewhere (`DB_PINNING_GUARD` overrides)
   */
  pinning?: PinningMode | PinningGuard;
  logger?: DbClientLogger;
  /** Extra mysql2 connection options (advanced). `user`, `password` and `multipleStatements` are ignored. */
  driverOptions?: Omit<Mysql2PoolOptions, 'user' | 'password' | 'multipleStatements'>;
}

/** Per-statement options. */
export interface StatementOptions {
  /** Overrides the client's `statementTimeoutMs`. */
  timeoutMs?: number;
}

/** The OK packet of a write. */
export interface WriteResult {
  affectedRows: number;
  /** Generated AUTO_INCREMENT id of the first inserted row (0 if none). */
  insertId: number;
  changedRows: number;
  warningStatus: number;
}

/** What repositories take: the client itself or a transaction handle. */
export interface Queryable {
  /** Runs a statement that returns rows; `?` placeholders are escaped client side. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<Row[]>;
  /** Runs a statement that returns no rows (INSERT, UPDATE, DELETE, DDL) and returns its OK packet. */
  run(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<WriteResult>;
}

/** Counters for observability. */
export interface DbClientStats {
  pool: { open: number; idle: number; waiting: number; limit: number };
  /** Attempts to get a connection that were retried after a failure. */
  retries: number;
  credentialRefreshes: number;
  /** Pooled connections found dead (by the idle check or on use) and replaced. */
  staleConnectionsReplaced: number;
  /** Reads re-run on a fresh connection after the connection was lost. */
  readsReplayed: number;
  /** Statements the pinning guard flagged. */
  pinningWarnings: number;
}

/** The database client: one per execution environment. */
export interface DbClient extends Queryable {
  /**
   * Runs `fn` in a transaction on one connection: commits when it resolves,
   * rolls back when it throws, and always gives the connection back.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  stats(): DbClientStats;
  /** Closes every connection. The client cannot be used afterwards. */
  close(): Promise<void>;
}

const POOL_DEFAULTS: Required<PoolOptions> = {
  connectionLimit: 2,
  queueLimit: 20,
  connectTimeoutMs: 3_000,
  acquireTimeoutMs: 3_000,
  idleTimeoutMs: 60_000,
  validateAfterIdleMs: 1_000,
};
const RETRIABLE_ACQUIRE_FAILURES: ReadonlySet<FailureKind> = new Set(['busy', 'connection-lost', 'closed']);

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

function validateOptions(options: DbClientOptions): Required<PoolOptions> {
  if (typeof options.host !== 'string' || options.host.trim() === '') throw new TypeError('host must be a non-empty string');
  if (typeof options.database !== 'string' || options.database.trim() === '') throw new TypeError('database must be a non-empty string');
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535)) {
    throw new RangeError(`port must be between 1 and 65535, got ${String(options.port)}`);
  }
  if (options.credentials === undefined ? !options.iamAuth : typeof options.credentials.get !== 'function' || typeof options.credentials.refresh !== 'function') {
    throw new TypeError('credentials must have get() and refresh()');
  }
  if (options.iamAuth && (typeof options.iamAuth.username !== 'string' || options.iamAuth.username === '' || typeof options.iamAuth.tokens?.get !== 'function')) {
    throw new TypeError('iamAuth needs a username and a token source');
  }
  const pool = { ...POOL_DEFAULTS, ...options.pool };
  positiveInteger('pool.connectionLimit', pool.connectionLimit, 1);
  positiveInteger('pool.queueLimit', pool.queueLimit, 0);
  for (const key of ['connectTimeoutMs', 'acquireTimeoutMs', 'idleTimeoutMs', 'validateAfterIdleMs'] as const) {
    positiveInteger(`pool.${key}`, pool[key], 0);
  }
  if (options.statementTimeoutMs !== undefined) positiveInteger('statementTimeoutMs', options.statementTimeoutMs, 1);
  return pool;
}

interface Lease {
  connection: Connection;
  generation: PoolGeneration;
}

function sameCredentials(a: DbCredentials, b: DbCredentials): boolean {
  return a.username === b.username && a.password === b.password;
}

class ProxyPoolClient implements DbClient {
  private readonly pool: Required<PoolOptions>;
  private readonly retry: ResolvedRetryOptions;
  private readonly logger: DbClientLogger;
  private readonly driverOptions: Mysql2PoolOptions;
  private readonly guard: PinningGuard;
  private readonly credentials: CredentialsProvider;
  private generation: Promise<PoolGeneration> | undefined;
  private refreshing: Promise<void> | undefined;
  private generationCount = 0;
  private closed = false;
  private readonly counters = { retries: 0, credentialRefreshes: 0, staleConnectionsReplaced: 0, readsReplayed: 0 };

  constructor(private readonly options: DbClientOptions) {
    this.pool = validateOptions(options);
    this.retry = resolveRetryOptions(options.retry);
    this.logger = options.logger ?? silentLogger;
    this.credentials = options.credentials ?? staticCredentials({ username: options.iamAuth?.username ?? '', password: '' });
    this.guard =
      typeof options.pinning === 'object'
        ? options.pinning
        : createPinningGuard({ mode: options.pinning ?? defaultPinningMode(), logger: this.logger });
    this.driverOptions = {
      ...options.driverOptions,
      host: options.host,
      port: options.port ?? 3306,
      database: options.database,
      ssl: resolveTls(options.host, options.tls),
      connectionLimit: this.pool.connectionLimit,
      queueLimit: this.pool.queueLimit,
      waitForConnections: true,
      connectTimeout: this.pool.connectTimeoutMs,
      idleTimeout: this.pool.idleTimeoutMs,
      maxIdle: this.pool.connectionLimit,
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
      // Never: several statements per call, or server-side prepared statements (both pin RDS Proxy sessions).
      multipleStatements: false,
      supportBigNumbers: true,
      timezone: 'Z',
    };
    if (options.iamAuth) {
      if (!this.driverOptions.ssl) throw new TypeError('iamAuth requires TLS: the token is sent in clear text; set tls to verify');
      Object.assign(this.driverOptions, iamDriverAuth(options.iamAuth));
    }
  }

  query<Row>(sql: string, params: readonly unknown[] = [], options: StatementOptions = {}): Promise<Row[]> {
    return this.statement(sql, params, options).then((result) => rowsOf<Row>(result));
  }

  run(sql: string, params: readonly unknown[] = [], options: StatementOptions = {}): Promise<WriteResult> {
    return this.statement(sql, params, options).then(okPacketOf);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.assertOpen();
    const lease = await this.begin();
    let healthy = true;
    let open = true;
    const send = async (sql: string, params: readonly unknown[], options: StatementOptions) => {
      try {
        return await this.send(lease.connection, sql, params, options);
      } catch (err) {
        if (classify(err) !== 'other') healthy = false;
        throw err;
      }
    };
    const guarded = async (sql: string, params: readonly unknown[] = [], options: StatementOptions = {}) => {
      if (!open) throw new DatabaseError('transaction handle used after the transaction ended');
      this.checkPinning(sql, params);
      try {
        return await send(sql, params, options);
      } catch (err) {
        const kind = classify(err);
        if (kind === 'connection-lost' || kind === 'closed') {
          // Before COMMIT the server rolls an interrupted transaction back: nothing took effect.
          throw new DatabaseUnavailableError('connection lost during the transaction; the server rolled it back', {
            ...driverInfo(err),
            cause: err,
            attempts: 1,
            retryAfterSeconds: 1,
          });
        }
        throw this.outcomeError(err, sql);
      }
    };
    const tx: Queryable = {
      query: <Row>(sql: string, params?: readonly unknown[], options?: StatementOptions) => guarded(sql, params, options).then((r) => rowsOf<Row>(r)),
      run: (sql, params, options) => guarded(sql, params, options).then(okPacketOf),
    };
    try {
      const result = await fn(tx);
      open = false;
      try {
        await send('COMMIT', [], {});
      } catch (err) {
        throw this.outcomeError(err, 'COMMIT');
      }
      this.finish(lease, healthy);
      return result;
    } catch (err) {
      open = false;
      if (healthy) {
        await send('ROLLBACK', [], {}).catch((rollbackError: unknown) => {
          healthy = false;
          this.logger.warn('rollback failed; closing the connection', { ...driverInfo(rollbackError) });
        });
      }
      this.finish(lease, healthy);
      throw err;
    }
  }

  /** A connection with a transaction started; retried when the connection proves dead before anything ran. */
  private async begin(): Promise<Lease> {
    for (let tries = 1; ; tries++) {
      const lease = await this.acquire();
      try {
        await this.send(lease.connection, 'START TRANSACTION', [], {});
        return lease;
      } catch (err) {
        const kind = classify(err);
        this.finish(lease, kind === 'other');
        if ((kind === 'connection-lost' || kind === 'closed') && tries < 3) {
          this.counters.staleConnectionsReplaced++;
          continue;
        }
        throw this.outcomeError(err, 'START TRANSACTION');
      }
    }
  }

  stats(): DbClientStats {
    const current = this.currentGeneration;
    const pool = current ? current.stats() : { open: 0, idle: 0, waiting: 0 };
    return { pool: { ...pool, limit: this.pool.connectionLimit }, ...this.counters, pinningWarnings: this.guard.stats().flagged };
  }

  /** Checks the text as it will be sent (values inlined), so the 16 KB rule counts real bytes. */
  private checkPinning(sql: string, params: readonly unknown[]): void {
    if (this.guard.mode === 'off') return;
    this.guard.check(params.length > 0 ? format(sql, params as Parameters<typeof format>[1]) : sql);
  }

  async close(): Promise<void> {
    this.closed = true;
    const generation = this.generation;
    this.generation = undefined;
    if (generation) await generation.then((g) => g.end(), () => undefined);
  }

  private currentGeneration: PoolGeneration | undefined;

  private async statement(sql: string, params: readonly unknown[], options: StatementOptions): Promise<unknown> {
    this.assertOpen();
    this.checkPinning(sql, params);
    const replayable = isReplayableRead(sql);
    let unsentRetries = 0;
    for (;;) {
      const lease = await this.acquire();
      try {
        const result = await this.send(lease.connection, sql, params, options);
        lease.generation.release(lease.connection);
        return result;
      } catch (err) {
        const kind = classify(err);
        if (kind === 'other') {
          lease.generation.release(lease.connection);
          throw statementError(err);
        }
        lease.generation.destroy(lease.connection);
        if (kind === 'closed' && unsentRetries++ < 2) {
          // The connection was known dead before the statement was written: nothing ran.
          this.counters.staleConnectionsReplaced++;
          continue;
        }
        if (kind === 'connection-lost' && replayable && unsentRetries++ < 2) {
          this.counters.readsReplayed++;
          this.logger.warn('database connection lost during a read; running it again on a new connection', { ...driverInfo(err) });
          continue;
        }
        throw this.outcomeError(err, sql);
      }
    }
  }

  /** Maps a failure of a statement that may have reached the server. */
  private outcomeError(err: unknown, sql: string): DatabaseError {
    const kind = classify(err);
    if (kind === 'timeout') {
      return new QueryTimeoutError('statement timed out; the connection was closed and the outcome is unknown', { ...driverInfo(err), cause: err });
    }
    if (kind === 'connection-lost' || kind === 'closed') {
      return new StatementOutcomeUnknownError(
        `connection lost while running ${firstWord(sql)}; it may or may not have taken effect and was not retried`,
        { ...driverInfo(err), cause: err },
      );
    }
    return statementError(err);
  }

  private send(connection: Connection, sql: string, params: readonly unknown[], options: StatementOptions): Promise<unknown> {
    const timeout = options.timeoutMs ?? this.options.statementTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      connection.query({ sql, values: params as unknown[], timeout }, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }

  private finish(lease: Lease, healthy: boolean): void {
    if (healthy) lease.generation.release(lease.connection);
    else lease.generation.destroy(lease.connection);
  }

  /** A live connection, after bounded, jittered retries of everything that is safe to retry. */
  private async acquire(): Promise<Lease> {
    const started = Date.now();
    let attempt = 0;
    let authFailures = 0;
    let staleReplaced = 0;
    let retiredSkips = 0;
    for (;;) {
      attempt++;
      const generation = await this.ensureGeneration();
      let failure: unknown;
      try {
        const connection = await generation.acquire(this.pool.acquireTimeoutMs);
        if (await this.isAlive(connection)) return { connection, generation };
        generation.destroy(connection);
        this.counters.staleConnectionsReplaced++;
        this.logger.info('replaced a pooled database connection that was closed while idle');
        // A dead idle connection costs no attempt, up to one per pooled connection.
        if (++staleReplaced <= this.pool.connectionLimit) {
          attempt--;
          continue;
        }
        failure = Object.assign(new Error('pooled connections keep failing their liveness check'), { code: 'PROTOCOL_CONNECTION_LOST' });
      } catch (err) {
        failure = err;
      }
      if (generation.isRetired && retiredSkips++ < 3) {
        // Credentials were refreshed while we waited; use the new pool.
        attempt--;
        continue;
      }
      const kind = classify(failure);
      if (kind === 'auth') {
        // Rotated password: re-read the secret (shared by concurrent callers) and retry at once.
        // Later 1045s (the rotation may not have moved AWSCURRENT yet) back off like any other failure.
        await this.refreshCredentials(generation);
        if (++authFailures === 1) {
          attempt--;
          continue;
        }
      } else if (!RETRIABLE_ACQUIRE_FAILURES.has(kind) && !isAcquireTimeout(failure)) {
        throw statementError(failure);
      }
      const delay = backoffDelay(attempt, this.retry);
      const elapsed = Date.now() - started;
      if (attempt >= this.retry.maxAttempts || elapsed + delay > this.retry.budgetMs) {
        throw this.giveUp(failure, kind, attempt, elapsed);
      }
      this.counters.retries++;
      this.logger.warn('could not get a database connection; retrying', { attempt, delayMs: delay, ...driverInfo(failure) });
      await sleep(delay);
    }
  }

  private giveUp(err: unknown, kind: FailureKind, attempts: number, elapsedMs: number): DatabaseError {
    if (kind === 'auth') {
      return new DatabaseAuthError('database rejected the credentials, also after refreshing them', { ...driverInfo(err), cause: err });
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(this.retry.maxDelayMs / 1000));
    return new DatabaseUnavailableError(`database unavailable after ${attempts} attempts in ${elapsedMs} ms`, {
      ...driverInfo(err),
      cause: err,
      attempts,
      retryAfterSeconds,
    });
  }

  /** Pings a connection that sat idle long enough to have been closed under us. */
  private async isAlive(connection: Connection): Promise<boolean> {
    const idleMs = Date.now() - (connection.lastActiveTime ?? Date.now());
    if (idleMs <= this.pool.validateAfterIdleMs) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.pool.connectTimeoutMs);
      connection.ping((err) => {
        clearTimeout(timer);
        resolve(!err);
      });
    });
  }

  private ensureGeneration(): Promise<PoolGeneration> {
    this.assertOpen();
    this.generation ??= this.credentials.get().then(
      (credentials) => this.startGeneration(credentials),
      (cause: unknown) => {
        this.generation = undefined;
        throw new DatabaseUnavailableError('could not load the database credentials', { cause, attempts: 1, retryAfterSeconds: 5 });
      },
    );
    return this.generation;
  }

  private startGeneration(credentials: DbCredentials): PoolGeneration {
    const generation = new PoolGeneration(++this.generationCount, credentials, this.driverOptions);
    this.currentGeneration = generation;
    return generation;
  }

  /**
   * Re-reads the credentials, bypassing caches, and starts a new pool with them.
   * Concurrent callers that saw the same rejected generation share one refresh.
   */
  private refreshCredentials(rejected: PoolGeneration): Promise<void> {
    if (this.currentGeneration !== rejected) return Promise.resolve();
    this.refreshing ??= (async () => {
      try {
        this.counters.credentialRefreshes++;
        this.options.iamAuth?.tokens.invalidate();
        let credentials = await this.credentials.refresh();
        let source = 'current';
        if (sameCredentials(credentials, rejected.credentials) && this.credentials.pending) {
          // Mid-rotation: the password was changed but AWSCURRENT not yet moved.
          const pending = await this.credentials.pending();
          if (pending && !sameCredentials(pending, rejected.credentials)) {
            credentials = pending;
            source = 'pending';
          }
        }
        if (this.closed) return;
        const changed = !sameCredentials(credentials, rejected.credentials);
        this.logger.info('database credentials refreshed after the server rejected them', { changed, source });
        const next = this.startGeneration(credentials);
        this.generation = Promise.resolve(next);
        rejected.retire();
      } catch (cause) {
        this.logger.error('could not refresh the database credentials', { error: cause instanceof Error ? cause.name : 'unknown' });
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private assertOpen(): void {
    if (this.closed) throw new DatabaseError('the database client is closed');
  }
}

const isAcquireTimeout = (err: unknown) => (err as { code?: unknown })?.code === 'ACQUIRE_TIMEOUT';

function firstWord(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'the statement';
}

function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  throw new DatabaseError('query() expects a statement that returns rows; use run() for writes');
}

function okPacketOf(result: unknown): WriteResult {
  if (Array.isArray(result) || typeof result !== 'object' || result === null) {
    throw new DatabaseError('run() expects a statement that returns no rows; use query() for reads');
  }
  const ok = result as Partial<WriteResult>;
  return {
    affectedRows: ok.affectedRows ?? 0,
    insertId: Number(ok.insertId ?? 0),
    changedRows: ok.changedRows ?? 0,
    warningStatus: ok.warningStatus ?? 0,
  };
}

/**
 * Creates the database client. Create it once per execution environment (at
 * module scope, or lazily with {@link lazyDbClient}) and share it; it opens
 * connections on first use.
 *
 * It never pins an RDS Proxy session on its own (text protocol with client-side
 * escaping, no multi-statements), survives password rotation (on 1045 it
 * refreshes the credentials once and retries), replaces connections closed while
 * the Lambda was frozen, retries only what is safe to retry, and gives up with a
 * {@link DatabaseUnavailableError} well before API Gateway's 29 s timeout.
 *
 * @example
 * const db = createDbClient({
 *   host: process.env.DB_HOST!, database: 'app',
 *   credentials: { get: () => secrets.get(), refresh: () => secrets.refresh() },
 * });
 * const [row] = await db.query<{ now: Date }>('SELECT NOW() AS now');
 * const { insertId } = await db.run('INSERT INTO items (name) VALUES (?)', ['first']);
 */
export function createDbClient(options: DbClientOptions): DbClient {
  return new ProxyPoolClient(options);
}

/**
 * Memoises a client factory as a promise, so that concurrent first calls share
 * one setup. A failed setup is not remembered; the next call tries again.
 *
 * @example
 * const getDb = lazyDbClient(async () => createDbClient(await loadOptions()));
 * export const handler = async () => (await getDb()).query('SELECT NOW() AS now');
 */
export function lazyDbClient(factory: () => DbClient | Promise<DbClient>): () => Promise<DbClient> {
  let client: Promise<DbClient> | undefined;
  return () => {
    client ??= Promise.resolve()
      .then(factory)
      .catch((err: unknown) => {
        client = undefined;
        throw err;
      });
    return client;
  };
}
