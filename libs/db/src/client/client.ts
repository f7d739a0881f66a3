import { MAX_UNPINNED_STATEMENT_BYTES } from '@serverless-app/rds-proxy-rules';
import { format } from 'mysql2';
import { staticCredentials } from '../credentials';
import { DatabaseError } from '../errors';
import { type DbClientLogger, silentLogger } from '../logger';
import { createPinningGuard, defaultPinningMode, type PinningGuard } from '../pinning';
import { resolveRetryOptions } from '../retry';
import { statementKind } from '../statement-kind';
import { ConnectionSource, type Counters, newCounters } from './connections';
import { AUTH_FAILURE_COOLDOWN_DEFAULT_MS, poolDriverOptions, STATEMENT_TIMEOUT_DEFAULT_MS, validateOptions } from './options';
import { okPacketOf, rowsOf } from './results';
import { StatementRunner } from './statements';
import { TextMemo } from './text-memo';
import { runTransaction } from './transaction';
import type { DbClient, DbClientOptions, DbClientStats, Queryable, StatementInstrument, StatementOptions, TransactionOptions, WriteResult } from './types';

class ProxyPoolClient implements DbClient {
  private readonly source: ConnectionSource;
  private readonly runner: StatementRunner;
  private readonly guard: PinningGuard;
  private readonly counters: Counters = newCounters();
  private readonly connectionLimit: number;
  private readonly logger: DbClientLogger;
  private readonly instrument: StatementInstrument | undefined;
  /** Statement texts the pinning guard found nothing in. */
  private readonly unpinning = new TextMemo<true>();
  private closed = false;

  constructor(options: DbClientOptions) {
    const pool = validateOptions(options);
    const retry = resolveRetryOptions(options.retry);
    const logger = options.logger ?? silentLogger;
    this.logger = logger;
    this.instrument = options.instrument;
    const retryAfterSeconds = Math.max(1, Math.ceil(retry.maxDelayMs / 1000));
    this.connectionLimit = pool.connectionLimit;
    this.guard =
      typeof options.pinning === 'object' ? options.pinning : createPinningGuard({ mode: options.pinning ?? defaultPinningMode(), logger });
    this.source = new ConnectionSource({
      pool,
      driverOptions: poolDriverOptions(options, pool),
      credentials: options.credentials ?? staticCredentials({ username: options.iamAuth?.username ?? '', password: '' }),
      iamAuth: options.iamAuth,
      authFailureCooldownMs: options.authFailureCooldownMs ?? AUTH_FAILURE_COOLDOWN_DEFAULT_MS,
      retryAfterSeconds,
      logger,
      counters: this.counters,
    });
    this.runner = new StatementRunner(this.source, {
      statementTimeoutMs: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_DEFAULT_MS,
      serverTimeLimit: options.serverTimeLimit ?? 'auto',
      retry,
      retryAfterSeconds,
      logger,
      counters: this.counters,
    });
  }

  query<Row>(sql: string, params: readonly unknown[] = [], options: StatementOptions = {}): Promise<Row[]> {
    return this.statement(sql, params, options).then((result) => rowsOf<Row>(result));
  }

  run(sql: string, params: readonly unknown[] = [], options: StatementOptions = {}): Promise<WriteResult> {
    return this.statement(sql, params, options).then(okPacketOf);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.assertOpen();
    const deps = { source: this.source, runner: this.runner, logger: this.logger, checkPinning: (sql: string, params: readonly unknown[]) => this.checkPinning(sql, params) };
    const instrument = this.instrument;
    if (!instrument) return runTransaction(deps, fn, options);
    return instrument('transaction', () => runTransaction(deps, (tx) => fn(instrumented(tx, instrument)), options));
  }

  withDeadline(deadline: number): DbClient {
    if (!Number.isFinite(deadline)) throw new RangeError(`deadline must be a finite epoch time in ms, got ${String(deadline)}`);
    return new DeadlineView(this, deadline);
  }

  stats(): DbClientStats {
    return { pool: { ...this.source.poolStats(), limit: this.connectionLimit }, ...this.counters, pinningWarnings: this.guard.stats().flagged };
  }

  liveCounters(): Readonly<Counters> {
    return this.counters;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.source.close();
  }

  /** Not `async`: an async function that returns a promise costs two more microtask turns per call. */
  private statement(sql: string, params: readonly unknown[], options: StatementOptions): Promise<unknown> {
    try {
      this.assertOpen();
      this.checkPinning(sql, params);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.instrument) return this.instrument(statementKind(sql), () => this.runner.runStatement(sql, params, options));
    return this.runner.runStatement(sql, params, options);
  }

  /**
   * Checks the text as it will be sent (values inlined), so the 16 KB rule counts real bytes. A statement text
   * (with `?` placeholders) the guard once found nothing in is not analysed again while its values cannot take it
   * past 16 KB: inlined values are literals, which pin nothing by themselves.
   */
  private checkPinning(sql: string, params: readonly unknown[]): void {
    if (this.guard.mode === 'off') return;
    if (this.unpinning.get(sql) && inlinedBytesAtMost(sql, params) <= MAX_UNPINNED_STATEMENT_BYTES) return;
    const text = params.length > 0 ? format(sql, params as Parameters<typeof format>[1]) : sql;
    if (this.guard.check(text).length === 0) this.unpinning.set(sql, true);
  }

  private assertOpen(): void {
    if (this.closed) throw new DatabaseError('the database client is closed');
  }
}

/**
 * The most UTF-8 bytes `sql` can take once mysql2 inlines `params`: at most 3 bytes per UTF-16 code unit (an
 * escaped character is 2), quotes, and a fixed bound for numbers, booleans, NULL and dates; Infinity for values
 * it does not bound (arrays, objects), which are then checked as sent.
 */
function inlinedBytesAtMost(sql: string, params: readonly unknown[]): number {
  let bytes = sql.length * 3;
  for (const value of params) {
    if (typeof value === 'string') bytes += value.length * 3 + 2;
    else if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) bytes += 40;
    else if (typeof value === 'bigint') bytes += value.toString().length;
    else if (Buffer.isBuffer(value)) bytes += value.length * 2 + 3;
    else return Number.POSITIVE_INFINITY;
  }
  return bytes;
}

/** A transaction handle whose statements are wrapped by the instrument hook too. */
function instrumented(tx: Queryable, instrument: StatementInstrument): Queryable {
  return {
    query: (sql, params, options) => instrument(statementKind(sql), () => tx.query(sql, params, options)),
    run: (sql, params, options) => instrument(statementKind(sql), () => tx.run(sql, params, options)),
  };
}

/**
 * The client with a deadline on every call; a call's own earlier deadline still wins. A class, not closures: one
 * is made per invocation.
 */
class DeadlineView implements DbClient {
  constructor(
    private readonly client: DbClient,
    private readonly deadline: number,
  ) {}

  query<Row>(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<Row[]> {
    return this.client.query<Row>(sql, params, this.bound(options));
  }

  run(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<WriteResult> {
    return this.client.run(sql, params, this.bound(options));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.client.transaction(fn, this.bound(options));
  }

  withDeadline(earlier: number): DbClient {
    return this.client.withDeadline(Math.min(earlier, this.deadline));
  }

  stats(): DbClientStats {
    return this.client.stats();
  }

  liveCounters(): Readonly<Counters> {
    return this.client.liveCounters();
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private bound<O extends { deadline?: number }>(options: O | undefined): O {
    if (options === undefined) return { deadline: this.deadline } as O;
    return { ...options, deadline: Math.min(options.deadline ?? this.deadline, this.deadline) };
  }
}

/**
 * Creates the database client. Create it once per execution environment (at
 * module scope, or lazily with {@link lazyDbClient}) and share it; it opens
 * connections on first use.
 *
 * It never pins an RDS Proxy session on its own (text protocol with client-side
 * escaping, no multi-statements), survives password rotation (on 1045 it
 * refreshes the credentials once and retries), replaces connections closed while
 * the Lambda was frozen, replays only reads, and gives up with a
 * {@link DatabaseUnavailableError} well before API Gateway's 29 s timeout — or
 * the caller's deadline ({@link DbClient.withDeadline}), whichever comes first.
 *
 * @example
 * const db = createDbClient({
 *   host: process.env.DB_HOST!, database: 'app',
 *   credentials: secretsManagerCredentials({ secretId: process.env.DB_SECRET_ID! }),
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
