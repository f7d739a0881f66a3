import type { ProxyMetricsSnapshot } from '@serverless-app/local-rds-proxy';
import { proxyCountersLine, proxyCountersReporter } from './proxy-counters';

const idle: ProxyMetricsSnapshot = {
  ClientConnections: 1,
  ClientConnectionsReceived: 1,
  ClientConnectionsSetupSucceeded: 1,
  ClientConnectionsSetupFailedAuth: 0,
  ClientConnectionsClosed: 0,
  ClientConnectionsNoTLS: 0,
  DatabaseConnections: 1,
  DatabaseConnectionsPeak: 1,
  DatabaseConnectionsCurrentlyBorrowed: 0,
  DatabaseConnectionsCurrentlySessionPinned: 0,
  DatabaseConnectionsCurrentlyInTransaction: 0,
  DatabaseConnectionsSetupSucceeded: 1,
  DatabaseConnectionsSetupFailed: 0,
  DatabaseConnectionRequests: 13,
  DatabaseConnectionsBorrowLatency: 12,
  DatabaseConnectionsBorrowLatencyMax: 300,
  DatabaseConnectionsBorrowTimeouts: 0,
  DatabaseConnectionsBorrowWaiting: 0,
  MaxDatabaseConnectionsAllowed: 135,
  QueryRequests: 12,
  QueryRequestsNoTLS: 0,
  QueryDatabaseResponseLatency: 90,
  SessionPinsByReason: {},
};

describe('proxyCountersLine', () => {
  it('shows client and database connections, borrowed and pinned now, and the statements so far', () => {
    expect(proxyCountersLine(idle)).toBe('client connections 1 · database connections 1 (borrowed 0, pinned 0) · queries 12');
  });

  it('adds borrow timeouts and the pins by reason only when there are some', () => {
    const troubled = { ...idle, DatabaseConnections: 2, DatabaseConnectionsCurrentlySessionPinned: 1, DatabaseConnectionsBorrowTimeouts: 3, SessionPinsByReason: { 'user-variable': 2, 'get-lock': 1 } };

    expect(proxyCountersLine(troubled)).toBe(
      'client connections 1 · database connections 2 (borrowed 0, pinned 1) · queries 12 · borrow timeouts 3 · sessions pinned so far: user-variable 2, get-lock 1',
    );
  });
});

describe('proxyCountersReporter', () => {
  it('gives a line only when the counters changed since the last one', () => {
    let now = idle;
    const next = proxyCountersReporter(() => now);

    const first = next();
    const unchanged = next();
    now = { ...idle, QueryRequests: 14 };
    const changed = next();

    expect([first, unchanged, changed]).toEqual([proxyCountersLine(idle), undefined, proxyCountersLine(now)]);
  });
});
