import type { ProxyMetricsSnapshot } from '@serverless-app/local-rds-proxy';

/**
 * The local RDS Proxy's counters at a glance, in one line: client and database connections (borrowed and
 * pinned now), statements so far, and — only when there are any — borrow timeouts (9501) and the sessions
 * pinned so far by reason.
 *
 * @example
 * proxyCountersLine(proxy.metrics());
 * // 'client connections 1 · database connections 1 (borrowed 0, pinned 0) · queries 12'
 */
export function proxyCountersLine(metrics: ProxyMetricsSnapshot): string {
  const parts = [
    `client connections ${metrics.ClientConnections}`,
    `database connections ${metrics.DatabaseConnections} (borrowed ${metrics.DatabaseConnectionsCurrentlyBorrowed}, pinned ${metrics.DatabaseConnectionsCurrentlySessionPinned})`,
    `queries ${metrics.QueryRequests}`,
  ];
  if (metrics.DatabaseConnectionsBorrowTimeouts > 0) parts.push(`borrow timeouts ${metrics.DatabaseConnectionsBorrowTimeouts}`);
  const pins = Object.entries(metrics.SessionPinsByReason).map(([code, count]) => `${code} ${count}`);
  if (pins.length > 0) parts.push(`sessions pinned so far: ${pins.join(', ')}`);
  return parts.join(' · ');
}

/**
 * Returns the counters line when it differs from the one returned last, else `undefined`: called after each
 * request, it prints a line for requests that reached the database and stays quiet for the others (a 403).
 *
 * @example
 * const next = proxyCountersReporter(() => proxy.metrics());
 * next(); // 'client connections 0 · database connections 1 (borrowed 0, pinned 0) · queries 0'
 * next(); // undefined: nothing changed
 */
export function proxyCountersReporter(metrics: () => ProxyMetricsSnapshot): () => string | undefined {
  let last: string | undefined;
  return () => {
    const line = proxyCountersLine(metrics());
    if (line === last) return undefined;
    last = line;
    return line;
  };
}
