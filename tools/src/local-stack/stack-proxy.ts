import { type BackendProxy, type ProxyLogger, startBackendProxy } from '@serverless-app/local-rds-proxy';
import type { LocalBackend } from '@serverless-app/testing';
import { join } from 'node:path';
import { proxyCountersReporter } from './proxy-counters';
import type { StackLog } from './stack-log';

/**
 * The folder for this process's proxy certificates: `.local/rds-proxy/<pid>` (the CA file is the api's
 * `DB_TLS_CA_FILE`). Removed on exit; a later start removes those of stacks that were killed.
 *
 * @example
 * proxyDirFor('/repo', 1234); // '/repo/.local/rds-proxy/1234'
 */
export function proxyDirFor(workspaceRoot: string, pid: number): string {
  return join(workspaceRoot, '.local', 'rds-proxy', String(pid));
}

function formatAttributes(attributes: Record<string, unknown> | undefined): string {
  const parts = Object.entries(attributes ?? {}).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/**
 * The proxy's own log lines (pins in RDS Proxy's words, failover, refused logins) on the stack's `proxy` channel;
 * debug lines only with `LOG_LEVEL=DEBUG`. The proxy never logs SQL, values or passwords.
 *
 * @example
 * stackProxyLogger(log, 'INFO').warn('The client session was pinned ...', { reasons: ['user-variable'] });
 * // [rds-proxy] WARN The client session was pinned ... (reasons=user-variable)
 */
export function stackProxyLogger(log: StackLog, logLevel: string): ProxyLogger {
  const write = (level: string) => (message: string, attributes?: Record<string, unknown>) => log.proxy(`${level} ${message}${formatAttributes(attributes)}`);
  return {
    debug: logLevel === 'DEBUG' ? write('DEBUG') : () => undefined,
    info: write('INFO'),
    warn: write('WARN'),
    error: write('ERROR'),
  };
}

/**
 * A log whose request lines are followed by the proxy's counters when they changed (a request that reached
 * the database), so the terminal shows what each request did to the proxy.
 *
 * @example
 * const apiLog = withProxyCounters(log, () => proxy.metrics());
 * apiLog.request('GET /dev/ → 200 (4 ms)');
 * // [gateway] GET /dev/ → 200 (4 ms)
 * // [rds-proxy] client connections 1 · database connections 1 (borrowed 0, pinned 0) · queries 3
 */
export function withProxyCounters(log: StackLog, metrics: BackendProxy['proxy']['metrics']): StackLog {
  const next = proxyCountersReporter(metrics);
  next(); // the counters at start are the baseline, not news
  return {
    ...log,
    request: (message) => {
      log.request(message);
      const line = next();
      if (line !== undefined) log.proxy(line);
    },
  };
}

/**
 * Starts the stack's local RDS Proxy in front of the backend's database, as the CDK app sets up RDS Proxy
 * (TLS required, `caching_sha2_password` for the app secret, 90 % of the server's connections, a 5 s borrow
 * timeout: inside the api's 15 s function timeout, and long enough for a busy laptop), with its certificates
 * in {@link proxyDirFor} and a metrics endpoint on a free port.
 *
 * @example
 * const through = await startStackProxy(backend, { workspaceRoot, log, logLevel: 'INFO' });
 * functionEnvironment(through.env(), process.env); // DB_HOST=localhost, DB_PORT=<proxy>, DB_TLS=verify, DB_TLS_CA_FILE=...
 */
export function startStackProxy(backend: LocalBackend, options: { workspaceRoot: string; log: StackLog; logLevel: string }): Promise<BackendProxy> {
  return startBackendProxy(backend, {
    certDir: proxyDirFor(options.workspaceRoot, process.pid),
    metricsPort: 0,
    logger: stackProxyLogger(options.log, options.logLevel),
  });
}
