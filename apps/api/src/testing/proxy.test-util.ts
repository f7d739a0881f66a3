import { type BackendProxy, type LocalRdsProxyOptions, startBackendProxy } from '@serverless-app/local-rds-proxy';
import type { LocalBackend } from '@serverless-app/testing';
import { apiFor, startBackend } from './api.test-util';

/** One line the local RDS Proxy logged. */
export interface ProxyLogLine {
  level: string;
  message: string;
  attributes: Record<string, unknown> | undefined;
}

/**
 * The api as deployed, locally: the handler → a local RDS Proxy (TLS required, caching_sha2_password,
 * set up as the CDK app sets RDS Proxy) → a migrated throwaway database, with the api's environment
 * `DB_HOST=localhost`, the proxy's `DB_PORT`, `DB_TLS=verify` and `DB_TLS_CA_FILE`. One backend,
 * proxy and handler per test file; read the fields inside tests.
 *
 * @example
 * const ctx = useProxiedApi();
 * it('...', async () => {
 *   await ctx.api.invoke({ path: '/' });
 *   ctx.through.proxy.metrics().QueryRequests;
 * });
 */
export function useProxiedApi(proxyOptions: Partial<Omit<LocalRdsProxyOptions, 'target' | 'secrets'>> = {}) {
  const ctx = { proxyLogs: [] as ProxyLogLine[] } as {
    backend: LocalBackend;
    through: BackendProxy;
    api: ReturnType<typeof apiFor>;
    proxyLogs: ProxyLogLine[];
    /** Pin log lines of the proxy so far. */
    pinLines(): ProxyLogLine[];
  };
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => void ctx.proxyLogs.push({ level, message, attributes });
  ctx.pinLines = () => ctx.proxyLogs.filter((line) => line.message.startsWith('The client session was pinned'));
  beforeAll(async () => {
    ctx.backend = await startBackend();
    ctx.through = await startBackendProxy(ctx.backend, {
      metricsPort: false,
      logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
      ...proxyOptions,
    });
    ctx.api = apiFor(ctx.backend, ctx.through.env());
  }, 120_000);
  afterAll(async () => {
    await ctx.api?.dispose();
    await ctx.through?.close();
    await ctx.backend?.stop();
  }, 60_000);
  return ctx;
}
