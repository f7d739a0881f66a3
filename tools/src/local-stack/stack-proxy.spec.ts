import type { ProxyMetricsSnapshot } from '@serverless-app/local-rds-proxy';
import { proxyCountersLine } from './proxy-counters';
import type { StackLog } from './stack-log';
import { proxyDirFor, stackProxyLogger, withProxyCounters } from './stack-proxy';

function recordingLog() {
  const lines: string[] = [];
  const log: StackLog = {
    info: (m) => lines.push(`info ${m}`),
    error: (m) => lines.push(`error ${m}`),
    request: (m) => lines.push(`request ${m}`),
    proxy: (m) => lines.push(`proxy ${m}`),
  };
  return { log, lines };
}

const metrics = (queries: number) => ({ ClientConnections: 1, DatabaseConnections: 1, DatabaseConnectionsCurrentlyBorrowed: 0, DatabaseConnectionsCurrentlySessionPinned: 0, QueryRequests: queries, DatabaseConnectionsBorrowTimeouts: 0, SessionPinsByReason: {} }) as unknown as ProxyMetricsSnapshot;

describe('withProxyCounters', () => {
  it('follows a request line with the proxy counters when the request changed them, and only then', () => {
    const { log, lines } = recordingLog();
    let now = metrics(3);
    const apiLog = withProxyCounters(log, () => now);

    apiLog.request('POST /dev/items → 403 (1 ms), not invoked: MissingAuthenticationTokenException');
    now = metrics(5);
    apiLog.request('GET /dev/ → 200 (4 ms)');
    apiLog.info('rebuilt');

    expect(lines).toEqual([
      'request POST /dev/items → 403 (1 ms), not invoked: MissingAuthenticationTokenException',
      'request GET /dev/ → 200 (4 ms)',
      `proxy ${proxyCountersLine(metrics(5))}`,
      'info rebuilt',
    ]);
  });
});

describe('stackProxyLogger', () => {
  it('writes the proxy\'s lines with their level and attributes; debug only at LOG_LEVEL=DEBUG', () => {
    const { log, lines } = recordingLog();
    const quiet = stackProxyLogger(log, 'INFO');
    quiet.debug('borrowed', { dbConnection: 7 });
    quiet.warn('The client session was pinned to the database connection [dbConnection=7] ...', { clientConnection: 2, dbConnection: 7, reasons: ['user-variable', 'get-lock'] });
    stackProxyLogger(log, 'DEBUG').debug('borrowed', { dbConnection: 7 });

    expect(lines).toEqual([
      'proxy WARN The client session was pinned to the database connection [dbConnection=7] ... (clientConnection=2, dbConnection=7, reasons=user-variable+get-lock)',
      'proxy DEBUG borrowed (dbConnection=7)',
    ]);
  });
});

describe('proxyDirFor', () => {
  it('is .local/rds-proxy/<pid> in the workspace', () => {
    expect(proxyDirFor('/repo', 42)).toBe('/repo/.local/rds-proxy/42');
  });
});
