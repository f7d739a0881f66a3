import type { ProxyLogger } from '../logger';
import type { ProxyMetrics } from '../metrics/metrics';
import { BACKEND_BASE_CAPABILITIES, Command } from '../protocol/constants';
import { commandPayload } from '../protocol/packets';
import { BackendConnection, type BackendTarget } from './backend-connection';
import { DatabaseConnectionLostError, DatabaseServerError } from './backend-errors';
import { BorrowTimeoutError } from './borrow-timeout-error';
import { IncompatibleStateError, type SessionValues, type TrackedState } from './session-state';

const ER_ACCESS_DENIED = 1045;
/** Retry delays while the database cannot be reached: doubling from the first to the last. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 1_000;

/** What the pool needs from the secrets: the password of a user, optionally re-read. */
export type PasswordSource = (user: string, refresh: boolean) => Promise<string | undefined>;

/** Options for {@link ConnectionPool}. */
export interface PoolOptions {
  readonly target: BackendTarget;
  /** The most database connections open at once. */
  readonly maxConnections: number;
  /** Idle connections kept; the rest are closed by the sweep. */
  readonly maxIdleConnections: number;
  readonly tracked: TrackedState;
  readonly passwords: PasswordSource;
  readonly metrics: ProxyMetrics;
  readonly logger: ProxyLogger;
  /** How often excess idle connections are closed. @default 1_000 */
  readonly idleSweepMs?: number;
}

/** What a client asks the pool for. */
export interface BorrowRequest {
  readonly user: string;
  /** The client's session capabilities ({@link SESSION_CAPABILITIES}); connections are shared only between equal ones. */
  readonly sessionCapabilities: number;
  /** The state the client needs; an idle connection already holding it is preferred. */
  readonly state: SessionValues;
  /** Collation a new connection logs in with (the client's, so its character set needs no SET). */
  readonly collationId?: number;
  readonly timeoutMs: number;
}

interface Bucket {
  readonly key: string;
  readonly user: string;
  readonly capabilities: number;
  readonly idle: Pooled[];
}

interface Pooled {
  readonly conn: BackendConnection;
  readonly bucket: Bucket;
  state: SessionValues;
  idleSince: number;
  lease: Lease | undefined;
}

interface Waiter {
  readonly request: BorrowRequest;
  readonly bucket: Bucket;
  readonly startedAt: bigint;
  readonly resolve: (lease: Lease) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** A connection is being opened for it. */
  opening: boolean;
  done: boolean;
}

/**
 * A database connection lent to one client. `state` is the session state it
 * holds. Give it back with {@link release}.
 */
export class Lease {
  /** Set by the holder: the session is pinned to this connection. */
  pinned = false;
  /** Set by the holder: the connection is inside a transaction. */
  inTransaction = false;
  /** Called if the connection dies while lent. */
  onLost: (() => void) | undefined;
  released = false;

  constructor(
    private readonly pooled: Pooled,
    private readonly pool: ConnectionPool,
  ) {}

  get conn(): BackendConnection {
    return this.pooled.conn;
  }

  get state(): SessionValues {
    return this.pooled.state;
  }

  set state(value: SessionValues) {
    this.pooled.state = value;
  }

  /**
   * Gives the connection back. `reset`: it served a pinned session or was
   * given up mid-transaction, so it is reset (COM_RESET_CONNECTION) before
   * anyone else uses it. `discard`: close it.
   */
  release(how: { reset?: boolean; discard?: boolean } = {}): void {
    if (this.released) return;
    this.released = true;
    this.pool.giveBack(this.pooled, how);
  }
}

function bucketKey(user: string, capabilities: number): string {
  return `${capabilities}:${user}`;
}

/**
 * The proxy's database connections: shared by all clients, capped at
 * `maxConnections`, lent for one statement or one transaction (or for the
 * rest of a pinned session), with a FIFO queue of borrowers that time out
 * with {@link BorrowTimeoutError}. Connections are opened on demand, with the
 * borrowing user's current password, and reused only between clients of the
 * same user and session capabilities.
 *
 * @example
 * const lease = await pool.borrow({ user, sessionCapabilities, state, timeoutMs: 120_000 });
 * try { await lease.conn.relay(raw, 'result', client); } finally { lease.release(); }
 */
export class ConnectionPool {
  private readonly buckets = new Map<string, Bucket>();
  private readonly all = new Set<Pooled>();
  private waiters: Waiter[] = [];
  /** Open plus being opened. */
  private opened = 0;
  private borrowedCount = 0;
  private failNext = 0;
  private stalls = 0;
  private retryDelayMs = 0;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.sweeper = setInterval(() => this.sweepIdle(), options.idleSweepMs ?? 1_000);
  }

  /** Connections open or being opened. */
  get size(): number {
    return this.opened;
  }

  get borrowed(): number {
    return this.borrowedCount;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  get maxConnections(): number {
    return this.options.maxConnections;
  }

  /** Counts lent connections by what their holders marked. */
  leaseCounts(): { pinned: number; inTransaction: number } {
    let pinned = 0;
    let inTransaction = 0;
    for (const pooled of this.all) {
      if (pooled.lease?.pinned) pinned += 1;
      else if (pooled.lease?.inTransaction) inTransaction += 1;
    }
    return { pinned, inTransaction };
  }

  /**
   * Lends a connection of the request's user and session capabilities:
   * an idle one (preferring one that holds the requested state), else a new
   * one while under the cap, else the first one given back — waiting at most
   * `timeoutMs`, then rejecting with {@link BorrowTimeoutError}. Rejects with
   * {@link DatabaseServerError} when the database refuses the user's password
   * (after re-reading it once).
   */
  borrow(request: BorrowRequest): Promise<Lease> {
    this.options.metrics.count('DatabaseConnectionRequests');
    if (this.closed) return Promise.reject(new BorrowTimeoutError(0));
    if (this.failNext > 0) {
      this.failNext -= 1;
      this.options.metrics.count('DatabaseConnectionsBorrowTimeouts');
      return Promise.reject(new BorrowTimeoutError(0));
    }
    const bucket = this.bucketFor(request.user, request.sessionCapabilities);
    const now = this.lendIdleNow(bucket, request.state.key);
    if (now) return Promise.resolve(now);
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { request, bucket, startedAt: process.hrtime.bigint(), resolve, reject, timer: undefined, opening: false, done: false };
      waiter.timer = setTimeout(() => this.timeOut(waiter), request.timeoutMs);
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /**
   * The synchronous fast path of {@link borrowFor}: a lease at once when nobody is queued and an idle
   * connection already holds the requested state; otherwise `undefined` (then call {@link borrowFor}).
   */
  tryBorrowNow(request: BorrowRequest): Lease | undefined {
    if (this.closed || this.failNext > 0 || this.waiters.length > 0 || this.stalls > 0) return undefined;
    const bucket = this.buckets.get(bucketKey(request.user, request.sessionCapabilities));
    const last = bucket?.idle[bucket.idle.length - 1];
    if (!bucket || last?.state.key !== request.state.key) return undefined;
    this.options.metrics.count('DatabaseConnectionRequests');
    return this.lendIdleNow(bucket, request.state.key);
  }

  /** Lends an idle connection of `bucket` without queueing, if nobody waits and nothing stalls borrows. */
  private lendIdleNow(bucket: Bucket, stateKey: string): Lease | undefined {
    if (this.waiters.length > 0 || this.stalls > 0 || bucket.idle.length === 0) return undefined;
    const idle = this.takeIdle(bucket, stateKey);
    if (!idle) return undefined;
    this.options.metrics.borrowed(0);
    return this.lendNow(idle);
  }

  /** Fault: the next `count` borrows fail at once with 9501. */
  failNextBorrows(count: number): void {
    this.failNext = count;
  }

  /** Fault: borrows wait until the returned function is called (or they time out). */
  stallBorrows(): () => void {
    this.stalls += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.stalls -= 1;
      this.pump();
    };
  }

  /** Fault: destroys every database connection now, lent ones included; returns how many. */
  dropAll(): number {
    const count = this.all.size;
    for (const pooled of [...this.all]) pooled.conn.destroy();
    return count;
  }

  /** Clears the injected faults. */
  clearFaults(): void {
    this.failNext = 0;
    if (this.stalls > 0) {
      this.stalls = 0;
      this.pump();
    }
  }

  /** Closes every connection, rejects every waiter, stops the timers. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const waiter of this.waiters) this.settle(waiter, new BorrowTimeoutError(0));
    this.waiters = [];
    for (const pooled of [...this.all]) pooled.conn.quit();
  }

  /** Called by {@link Lease.release}. */
  giveBack(pooled: Pooled, how: { reset?: boolean; discard?: boolean }): void {
    pooled.lease = undefined;
    this.borrowedCount -= 1;
    if (pooled.conn.closed) return; // already accounted for by the close handler
    if (how.discard || this.closed) {
      pooled.conn.destroy();
      return;
    }
    if (how.reset) {
      void this.reset(pooled);
      return;
    }
    this.makeIdle(pooled);
  }

  private async reset(pooled: Pooled): Promise<void> {
    try {
      const [reply] = await pooled.conn.exchange(commandPayload(Command.RESET_CONNECTION), 'single');
      // A server without COM_RESET_CONNECTION answers 1047: such a connection is closed instead.
      if (reply?.payload[0] !== 0x00) throw new Error('COM_RESET_CONNECTION refused');
      pooled.state = await this.options.tracked.snapshot(pooled.conn);
      this.makeIdle(pooled);
    } catch {
      pooled.conn.destroy();
    }
  }

  private makeIdle(pooled: Pooled): void {
    if (pooled.conn.closed) return;
    pooled.idleSince = Date.now();
    pooled.bucket.idle.push(pooled);
    this.pump();
  }

  private bucketFor(user: string, capabilities: number): Bucket {
    const key = bucketKey(user, capabilities);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { key, user, capabilities, idle: [] };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private timeOut(waiter: Waiter): void {
    if (waiter.done) return;
    this.options.metrics.count('DatabaseConnectionsBorrowTimeouts');
    this.settle(waiter, new BorrowTimeoutError(waiter.request.timeoutMs));
    this.pump();
  }

  private settle(waiter: Waiter, outcome: Lease | Error): void {
    if (waiter.done) return;
    waiter.done = true;
    if (waiter.timer) clearTimeout(waiter.timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
    if (outcome instanceof Error) {
      waiter.reject(outcome);
    } else {
      const micros = Number((process.hrtime.bigint() - waiter.startedAt) / 1000n);
      this.options.metrics.borrowed(micros);
      waiter.resolve(outcome);
    }
  }

  private lend(waiter: Waiter, pooled: Pooled): void {
    this.settle(waiter, this.lendNow(pooled));
  }

  private lendNow(pooled: Pooled): Lease {
    const lease = new Lease(pooled, this);
    pooled.lease = lease;
    this.borrowedCount += 1;
    return lease;
  }

  /** Serves waiters in order with what is free now. */
  private pump(): void {
    if (this.closed || this.stalls > 0) return;
    for (const waiter of [...this.waiters]) {
      if (waiter.done || waiter.opening) continue;
      const idle = this.takeIdle(waiter.bucket, waiter.request.state.key);
      if (idle) {
        this.lend(waiter, idle);
        continue;
      }
      if (Date.now() < this.retryAt) {
        this.scheduleRetry();
        continue;
      }
      if (this.opened >= this.options.maxConnections && !this.closeIdleElsewhere(waiter.bucket)) continue;
      void this.openFor(waiter);
    }
  }

  private takeIdle(bucket: Bucket, stateKey: string): Pooled | undefined {
    const idle = bucket.idle;
    for (let i = idle.length - 1; i >= 0; i -= 1) {
      if (idle[i]?.state.key === stateKey) return idle.splice(i, 1)[0];
    }
    return idle.pop();
  }

  /** At the cap: closes an idle connection of another bucket to make room; false if there is none. */
  private closeIdleElsewhere(except: Bucket): boolean {
    for (const bucket of this.buckets.values()) {
      if (bucket === except) continue;
      const victim = bucket.idle.shift();
      if (victim) {
        this.forget(victim);
        victim.conn.quit();
        return true;
      }
    }
    return false;
  }

  private async openFor(waiter: Waiter): Promise<void> {
    waiter.opening = true;
    this.opened += 1;
    this.options.metrics.databaseConnections(this.opened);
    const { bucket } = waiter;
    try {
      const conn = await this.open(bucket, waiter.request.collationId);
      const pooled: Pooled = { conn, bucket, state: await this.options.tracked.snapshot(conn), idleSince: Date.now(), lease: undefined };
      if (conn.closed) throw new DatabaseConnectionLostError('the database closed the connection right after login');
      this.all.add(pooled);
      conn.onClose = () => this.lost(pooled);
      this.options.metrics.count('DatabaseConnectionsSetupSucceeded');
      this.retryDelayMs = 0;
      waiter.opening = false;
      if (waiter.done || this.closed) this.makeIdle(pooled);
      else this.lend(waiter, pooled);
    } catch (error) {
      this.opened -= 1;
      waiter.opening = false;
      this.options.metrics.count('DatabaseConnectionsSetupFailed');
      if (error instanceof DatabaseServerError && error.fields.errno === ER_ACCESS_DENIED) {
        this.options.logger.warn('The database refused the credentials of the secret', { user: bucket.user, errno: ER_ACCESS_DENIED });
        this.settle(waiter, error);
      } else {
        this.options.logger.warn('Could not open a database connection; retrying until the borrow timeout', { error: (error as Error).message });
        this.retryDelayMs = Math.min(RETRY_MAX_MS, this.retryDelayMs === 0 ? RETRY_FIRST_MS : this.retryDelayMs * 2);
        this.retryAt = Date.now() + this.retryDelayMs;
      }
      this.pump();
    }
  }

  private async open(bucket: Bucket, collationId: number | undefined): Promise<BackendConnection> {
    const login = async (refresh: boolean): Promise<BackendConnection> => {
      const password = await this.options.passwords(bucket.user, refresh);
      if (password === undefined) throw new DatabaseServerError({ errno: ER_ACCESS_DENIED, sqlState: '28000', message: 'no secret for this user' });
      return BackendConnection.open(this.options.target, { user: bucket.user, password, capabilities: BACKEND_BASE_CAPABILITIES | bucket.capabilities, collationId });
    };
    try {
      return await login(false);
    } catch (error) {
      if (!(error instanceof DatabaseServerError && error.fields.errno === ER_ACCESS_DENIED)) throw error;
      return login(true); // the secret may have been rotated since it was read
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.pump();
      },
      Math.max(1, this.retryAt - Date.now()),
    );
  }

  private forget(pooled: Pooled): void {
    if (!this.all.delete(pooled)) return;
    this.opened -= 1;
    const idle = pooled.bucket.idle;
    const at = idle.indexOf(pooled);
    if (at !== -1) idle.splice(at, 1);
  }

  /** The socket of a connection closed (failover, kill, fault, or our own close). */
  private lost(pooled: Pooled): void {
    this.forget(pooled);
    const lease = pooled.lease;
    if (lease && !lease.released) lease.onLost?.();
    this.pump();
  }

  private sweepIdle(): void {
    let idleCount = 0;
    for (const bucket of this.buckets.values()) idleCount += bucket.idle.length;
    let excess = idleCount - this.options.maxIdleConnections;
    while (excess > 0) {
      let oldest: Pooled | undefined;
      for (const bucket of this.buckets.values()) {
        const first = bucket.idle[0];
        if (first && (!oldest || first.idleSince < oldest.idleSince)) oldest = first;
      }
      if (!oldest) break;
      this.forget(oldest);
      oldest.conn.quit();
      excess -= 1;
    }
  }

  /**
   * {@link borrow}, then makes the connection hold the request's session
   * state (`USE` and one `SET` for what differs). A connection that cannot
   * (a client with no database on a connection that has one) is closed and
   * another borrowed, within the same timeout.
   */
  async borrowFor(request: BorrowRequest): Promise<Lease> {
    const deadline = Date.now() + request.timeoutMs;
    for (;;) {
      const lease = await this.borrow({ ...request, timeoutMs: Math.max(1, deadline - Date.now()) });
      if (lease.state.key === request.state.key) return lease;
      try {
        await this.options.tracked.apply(lease.conn, lease.state, request.state);
        lease.state = request.state;
        return lease;
      } catch (error) {
        lease.release({ discard: true });
        // Dropping it frees room for a fresh connection (which has no database selected). A connection
        // that died while idle is replaced the same way: nothing of the client's was in flight on it.
        if (!(error instanceof IncompatibleStateError || error instanceof DatabaseConnectionLostError)) throw error;
      }
    }
  }
}
