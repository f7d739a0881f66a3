import type { PoolOptions as Mysql2PoolOptions } from 'mysql2';
import type { CredentialsProvider } from '../credentials';
import type { IamAuthOptions } from '../iam-auth';
import type { DbClientLogger } from '../logger';
import type { PinningGuard, PinningMode } from '../pinning';
import type { RetryOptions } from '../retry';
import type { InstrumentedKind } from '../statement-kind';
import type { TlsOption } from '../tls';

/** Pool settings; the defaults suit a Lambda, which serves one request at a time. */
export interface PoolOptions {
  /** Connections per execution environment. @default 2 */
  connectionLimit?: number;
  /**
   * Callers allowed to wait for a connection; more fail fast (retried with backoff, then unavailable).
   * `0` is no limit: each waiting caller is still bounded by `acquireTimeoutMs` and its deadline.
   * @default 0
   */
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
  /** Limit for one statement; the caller's deadline may shorten it. @default 10_000 */
  statementTimeoutMs?: number;
  /**
   * Have the server stop a statement at its time limit too, so that a statement the client gave
   * up on does not keep running: MySQL's `MAX_EXECUTION_TIME` optimizer hint on `SELECT`s (a
   * comment to RDS Proxy: it does not pin), MariaDB's `SET STATEMENT max_statement_time=… FOR`
   * on reads and writes. `'off'` sends statements unchanged.
   * @default 'auto'
   */
  serverTimeLimit?: 'auto' | 'off';
  /**
   * After a credential refresh that did not help (the server still answers 1045), further
   * 1045s within this time fail at once with {@link DatabaseAuthError}, without asking the
   * credentials provider again — no storm of secret fetches and logins while a password is wrong.
   * @default 30_000
   */
  authFailureCooldownMs?: number;
  /**
   * The RDS Proxy pinning guard: a mode, or a guard made with `createPinningGuard()`.
   * @default defaultPinningMode(): `off` in production, `warn` elsewhere (`DB_PINNING_GUARD` overrides)
   */
  pinning?: PinningMode | PinningGuard;
  logger?: DbClientLogger;
  /**
   * Wraps each statement (retries and connection waits included) and each transaction, e.g. in a tracing
   * subsegment. It is told the kind of work only — never the SQL text or its values — and must return what
   * `run()` returns. Statements inside a transaction are wrapped too, within the transaction's call.
   * @default none: statements run unwrapped
   */
  instrument?: StatementInstrument;
  /** Extra mysql2 connection options (advanced). `user`, `password` and `multipleStatements` are ignored. */
  driverOptions?: Omit<Mysql2PoolOptions, 'user' | 'password' | 'multipleStatements'>;
}

/**
 * A hook around database work: called with the kind of work and a function that does it; returns its result.
 *
 * @example
 * const instrument: StatementInstrument = (kind, run) => tracer.provider.captureAsyncFunc(`db.${kind}`, () => run());
 */
export type StatementInstrument = <T>(kind: InstrumentedKind, run: () => Promise<T>) => Promise<T>;

/** Per-statement options. */
export interface StatementOptions {
  /** Overrides the client's `statementTimeoutMs` (the deadline may still shorten it). */
  timeoutMs?: number;
  /**
   * Epoch milliseconds by which the call must have ended, whatever it waits for
   * (a connection, a retry, the statement). Usually set once per invocation with
   * {@link DbClient.withDeadline}.
   */
  deadline?: number;
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
  /** Credential refreshes that failed (the provider threw) or did not help (the server still answered 1045). */
  credentialRefreshFailures: number;
  /** 1045s answered at once during the cool-down after a refresh that did not help. */
  authFailuresShortCircuited: number;
  /** Pooled connections found dead (by the idle check or on use) and replaced. */
  staleConnectionsReplaced: number;
  /** Reads run again on a fresh connection (connection lost, read-only, deadlock, borrow timeout...). */
  readsReplayed: number;
  /** Writes whose connection was lost after they were sent: reported as outcome unknown. */
  outcomeUnknown: number;
  /** Milliseconds (fractional) spent waiting for the pool to lend a connection, opening one included. */
  poolWaitMs: number;
  /** Statements the pinning guard flagged. */
  pinningWarnings: number;
}

/** The cumulative counters of {@link DbClientStats}: everything but the pool's and the guard's figures. */
export type DbClientCounters = Omit<DbClientStats, 'pool' | 'pinningWarnings'>;

/** Options of {@link DbClient.transaction}. */
export interface TransactionOptions {
  /**
   * Epoch milliseconds by which the transaction must have ended. At the deadline an
   * unfinished transaction's connection is closed (the server rolls it back), so a
   * transaction never stays open past the invocation.
   */
  deadline?: number;
}

/** The database client: one per execution environment. */
export interface DbClient extends Queryable {
  /**
   * Runs `fn` in a transaction on one connection: commits when it resolves,
   * rolls back when it throws, and always gives the connection back.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * The same client, with every call (and every wait inside it) bounded by
   * `deadline` (epoch ms) — typically the invocation's end minus a margin.
   *
   * @example
   * const db = client.withDeadline(Date.now() + context.getRemainingTimeInMillis() - 500);
   */
  withDeadline(deadline: number): DbClient;
  stats(): DbClientStats;
  /**
   * The live cumulative counters of {@link DbClientStats} (no pool or guard figures), without a copy: cheap
   * enough to read on every request, as the api's metrics do. Read-only; they keep counting.
   */
  liveCounters(): Readonly<DbClientCounters>;
  /** Closes every connection. The client cannot be used afterwards. */
  close(): Promise<void>;
}
