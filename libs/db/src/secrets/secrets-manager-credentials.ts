import type { CredentialsProvider, DbSecret } from '../credentials';
import { resolveSecretsOptions, type SecretsManagerCredentialsOptions } from './options';
import { sdkSecretSource } from './sdk-source';
import { SecretCache, type SecretCacheCounters, type SecretsManagerCredentialsStats } from './secret-cache';

/** A {@link CredentialsProvider} reading an RDS secret from Secrets Manager, with its lifecycle and counters. */
export interface SecretsManagerCredentials extends CredentialsProvider {
  /**
   * The cached secret, at once when one is cached (past `ttlMs` it also starts
   * one background refresh). Before the first success it waits for the fetch in
   * flight, or rejects with `CredentialsUnavailableError` (at once during the
   * backoff after a failure).
   */
  get(): Promise<DbSecret>;
  /**
   * Fetches AWSCURRENT, bypassing the cache (call it when the database rejects
   * the password). Concurrent calls share one fetch; within `refreshCooldownMs`
   * of the last forced fetch it answers from the cache instead.
   */
  refresh(): Promise<DbSecret>;
  /** The AWSPENDING version, or undefined when there is none or it cannot be read. Same cool-down as `refresh()`, counted apart. */
  pending(): Promise<DbSecret | undefined>;
  /** The cached secret without waiting, or undefined before the first success; past `ttlMs` it starts one background refresh. */
  peek(): DbSecret | undefined;
  /** Starts the first fetch (call it during init). Never rejects; resolves when that fetch has settled. */
  prefetch(): Promise<void>;
  stats(): SecretsManagerCredentialsStats;
  /** The live counters of `stats()` (no failure summary or cache age), without a copy: cheap to read per request. */
  liveCounters(): Readonly<SecretCacheCounters>;
  /** Abandons fetches in flight and destroys the SDK client. */
  dispose(): void;
}

/**
 * Database credentials from a Secrets Manager secret, kept off the request path:
 * one fetch per execution environment (prefetched at init), served from memory,
 * refreshed in the background after `ttlMs`, kept when Secrets Manager fails
 * (stale-while-error), re-read when the database rejects the password, with
 * short SDK timeouts and bounded calls. Nothing it logs or throws contains the
 * secret.
 *
 * @example
 * const secret = secretsManagerCredentials({ secretId: process.env.DB_SECRET_ID!, logger });
 * void secret.prefetch();
 * const db = createDbClient({ host, database, credentials: secret, logger });
 */
export function secretsManagerCredentials(options: SecretsManagerCredentialsOptions): SecretsManagerCredentials {
  const resolved = resolveSecretsOptions(options);
  const source = sdkSecretSource(resolved);
  const cache = new SecretCache(resolved, source.fetch);
  return {
    get: () => cache.get(),
    peek: () => cache.peek(),
    refresh: () => cache.refresh(),
    pending: () => cache.pending(),
    prefetch: () => cache.prefetch(),
    stats: () => cache.stats(),
    liveCounters: () => cache.liveCounters(),
    dispose: () => {
      cache.dispose();
      source.destroy();
    },
  };
}
