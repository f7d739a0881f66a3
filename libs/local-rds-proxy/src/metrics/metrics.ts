import type { PinningCode } from '@serverless-app/rds-proxy-rules';

/**
 * The proxy's metrics, named like RDS Proxy's CloudWatch metrics (same
 * meaning, read at this instant instead of per minute). Latencies are in
 * microseconds, as CloudWatch reports them. Names RDS Proxy does not have
 * are marked "local".
 *
 * @example
 * const { DatabaseConnections, DatabaseConnectionsCurrentlySessionPinned } = proxy.metrics();
 */
export interface ProxyMetricsSnapshot {
  /** Client connections open now. */
  readonly ClientConnections: number;
  /** Client connections accepted since start. */
  readonly ClientConnectionsReceived: number;
  /** Client connections that logged in. */
  readonly ClientConnectionsSetupSucceeded: number;
  /** Logins refused for wrong credentials (or an authentication the proxy refuses, like caching_sha2_password without TLS). */
  readonly ClientConnectionsSetupFailedAuth: number;
  /** Client connections closed since start. */
  readonly ClientConnectionsClosed: number;
  /** Client connections open now without TLS. */
  readonly ClientConnectionsNoTLS: number;
  /** Database connections open now (including ones being set up). */
  readonly DatabaseConnections: number;
  /** Local: the most database connections open at once since start. */
  readonly DatabaseConnectionsPeak: number;
  /** Database connections lent to a client now. */
  readonly DatabaseConnectionsCurrentlyBorrowed: number;
  /** Database connections pinned to one client session now. */
  readonly DatabaseConnectionsCurrentlySessionPinned: number;
  /** Database connections held by a client in a transaction now. */
  readonly DatabaseConnectionsCurrentlyInTransaction: number;
  /** Database connections opened since start. */
  readonly DatabaseConnectionsSetupSucceeded: number;
  /** Database connection attempts that failed. */
  readonly DatabaseConnectionsSetupFailed: number;
  /** Requests to borrow a database connection since start. */
  readonly DatabaseConnectionRequests: number;
  /** Average time to borrow a database connection, over the last 1,000 borrows (µs). */
  readonly DatabaseConnectionsBorrowLatency: number;
  /** Local: the longest borrow since start (µs). */
  readonly DatabaseConnectionsBorrowLatencyMax: number;
  /** Local: borrows answered with error 9501. */
  readonly DatabaseConnectionsBorrowTimeouts: number;
  /** Local: clients waiting for a database connection now. */
  readonly DatabaseConnectionsBorrowWaiting: number;
  /** The most database connections the proxy may open (`maxConnectionsPercent` of the server's `max_connections`). */
  readonly MaxDatabaseConnectionsAllowed: number;
  /** Statements (COM_QUERY, COM_STMT_EXECUTE) received from clients. */
  readonly QueryRequests: number;
  /** Statements received from clients without TLS. */
  readonly QueryRequestsNoTLS: number;
  /** Average time from sending a statement to the database to the end of its response, over the last 1,000 (µs). */
  readonly QueryDatabaseResponseLatency: number;
  /** Local: sessions pinned since start, by rule. */
  readonly SessionPinsByReason: Readonly<Partial<Record<PinningCode, number>>>;
}

/** A running average over the last `size` samples, and the maximum ever. */
class Window {
  private readonly samples: number[] = [];
  private next = 0;
  private sum = 0;
  max = 0;

  constructor(private readonly size = 1_000) {}

  add(value: number): void {
    if (this.samples.length < this.size) {
      this.samples.push(value);
    } else {
      this.sum -= this.samples[this.next] ?? 0;
      this.samples[this.next] = value;
      this.next = (this.next + 1) % this.size;
    }
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  average(): number {
    return this.samples.length === 0 ? 0 : Math.round(this.sum / this.samples.length);
  }
}

/** The gauges read from the live proxy when a snapshot is taken. */
export interface MetricGauges {
  clientConnections: number;
  clientConnectionsNoTls: number;
  databaseConnections: number;
  borrowed: number;
  pinned: number;
  inTransaction: number;
  waiting: number;
  maxConnections: number;
}

/**
 * Counters the proxy's parts bump as things happen.
 *
 * @example
 * metrics.count('QueryRequests');
 * metrics.snapshot(gauges());
 */
export class ProxyMetrics {
  private readonly counters = {
    ClientConnectionsReceived: 0,
    ClientConnectionsSetupSucceeded: 0,
    ClientConnectionsSetupFailedAuth: 0,
    ClientConnectionsClosed: 0,
    DatabaseConnectionsSetupSucceeded: 0,
    DatabaseConnectionsSetupFailed: 0,
    DatabaseConnectionRequests: 0,
    DatabaseConnectionsBorrowTimeouts: 0,
    QueryRequests: 0,
    QueryRequestsNoTLS: 0,
  };
  private readonly borrowLatency = new Window();
  private readonly responseLatency = new Window();
  private readonly pins: Partial<Record<PinningCode, number>> = {};
  private peak = 0;

  count(name: keyof ProxyMetrics['counters']): void {
    this.counters[name] += 1;
  }

  borrowed(micros: number): void {
    this.borrowLatency.add(micros);
  }

  responded(micros: number): void {
    this.responseLatency.add(micros);
  }

  pinned(code: PinningCode): void {
    this.pins[code] = (this.pins[code] ?? 0) + 1;
  }

  databaseConnections(open: number): void {
    if (open > this.peak) this.peak = open;
  }

  snapshot(g: MetricGauges): ProxyMetricsSnapshot {
    return {
      ClientConnections: g.clientConnections,
      ...pick(this.counters, ['ClientConnectionsReceived', 'ClientConnectionsSetupSucceeded', 'ClientConnectionsSetupFailedAuth', 'ClientConnectionsClosed']),
      ClientConnectionsNoTLS: g.clientConnectionsNoTls,
      DatabaseConnections: g.databaseConnections,
      DatabaseConnectionsPeak: Math.max(this.peak, g.databaseConnections),
      DatabaseConnectionsCurrentlyBorrowed: g.borrowed,
      DatabaseConnectionsCurrentlySessionPinned: g.pinned,
      DatabaseConnectionsCurrentlyInTransaction: g.inTransaction,
      DatabaseConnectionsSetupSucceeded: this.counters.DatabaseConnectionsSetupSucceeded,
      DatabaseConnectionsSetupFailed: this.counters.DatabaseConnectionsSetupFailed,
      DatabaseConnectionRequests: this.counters.DatabaseConnectionRequests,
      DatabaseConnectionsBorrowLatency: this.borrowLatency.average(),
      DatabaseConnectionsBorrowLatencyMax: this.borrowLatency.max,
      DatabaseConnectionsBorrowTimeouts: this.counters.DatabaseConnectionsBorrowTimeouts,
      DatabaseConnectionsBorrowWaiting: g.waiting,
      MaxDatabaseConnectionsAllowed: g.maxConnections,
      QueryRequests: this.counters.QueryRequests,
      QueryRequestsNoTLS: this.counters.QueryRequestsNoTLS,
      QueryDatabaseResponseLatency: this.responseLatency.average(),
      SessionPinsByReason: { ...this.pins },
    };
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = source[key];
  return out;
}
