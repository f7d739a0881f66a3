import { createPool, type Pool, type PoolConnection, type PoolOptions } from 'mysql2';
import type { DbCredentials } from '../credentials';

/** Raised when no pooled connection became free within the acquire timeout. */
export class AcquireTimeoutError extends Error {
  override name = 'AcquireTimeoutError';
  readonly code = 'ACQUIRE_TIMEOUT';
}

interface PoolInternals {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/** A pooled connection plus the time it was last handed back, which mysql2 records. */
export type Connection = PoolConnection & { lastActiveTime?: number };

/**
 * One mysql2 pool made with one set of credentials. When the credentials are
 * refreshed the client starts a new generation and retires this one: its idle
 * connections close at once, busy ones when they are handed back.
 */
export class PoolGeneration {
  private readonly pool: Pool;
  private inUse = 0;
  private retired = false;
  private ended = false;

  constructor(
    readonly id: number,
    readonly credentials: DbCredentials,
    options: PoolOptions,
  ) {
    // With IAM auth the options already carry the user and a token plugin.
    this.pool = createPool(options.authPlugins ? options : { ...options, user: credentials.username, password: credentials.password });
  }

  /** A connection, waiting at most `timeoutMs` for one to become free. */
  acquire(timeoutMs: number): Promise<Connection> {
    if ((this.pool as unknown as PoolInternals)._freeConnections.length > 0) {
      // An idle connection is handed over on the next tick: no wait to bound, so no timer to arm and clear.
      return new Promise((resolve, reject) => {
        this.pool.getConnection((err, connection) => {
          if (err) return reject(err);
          this.inUse++;
          resolve(connection as Connection);
        });
      });
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new AcquireTimeoutError(`no database connection became free within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pool.getConnection((err, connection) => {
        if (settled) {
          // The caller gave up; hand a late connection straight back.
          connection?.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (err) return reject(err);
        this.inUse++;
        resolve(connection as Connection);
      });
    });
  }

  /** Hands a healthy connection back to the pool. */
  release(connection: Connection): void {
    this.inUse--;
    connection.release();
    this.endIfDrained();
  }

  /** Closes a connection that must not be reused. */
  destroy(connection: Connection): void {
    this.inUse--;
    connection.destroy();
    this.endIfDrained();
  }

  /** True once a newer generation replaced this one. */
  get isRetired(): boolean {
    return this.retired;
  }

  retire(): void {
    this.retired = true;
    this.endIfDrained();
  }

  /** Closes every connection now, busy or not. */
  async end(): Promise<void> {
    this.retired = true;
    if (this.ended) return;
    this.ended = true;
    await new Promise<void>((resolve) => this.pool.end(() => resolve()));
  }

  stats(): { open: number; idle: number; waiting: number } {
    const internals = this.pool as unknown as PoolInternals;
    return {
      open: internals._allConnections.length,
      idle: internals._freeConnections.length,
      waiting: internals._connectionQueue.length,
    };
  }

  private endIfDrained(): void {
    if (this.retired && this.inUse <= 0) void this.end();
  }
}
