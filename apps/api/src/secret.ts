import type { MiddlewareObj } from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import { clearCache, getCache, getInternal, modifyCache } from '@middy/util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CredentialsProvider, type DbSecret, parseDbSecret } from '@serverless-app/db';
import type { HttpResponse } from './http/response';
import type { HttpEvent } from './http/router';

const KEY = 'dbSecret';

/** The database secret: a Middy middleware that caches it, and a credentials provider for libs/db. */
export interface SecretWiring {
  /** Fetches the secret at cold start (prefetch), caches it for `ttlMs`, and hands it to the provider. */
  middleware: Array<MiddlewareObj<HttpEvent, HttpResponse>>;
  /** `get()` serves the cached secret; `refresh()` re-fetches AWSCURRENT and updates Middy's cache; `pending()` reads AWSPENDING. */
  credentials: CredentialsProvider;
  /** Drops the cache (and its refresh timer) and the SDK client. */
  dispose(): void;
}

/**
 * Wires the DB secret: `@middy/secrets-manager` fetches it once per execution
 * environment (prefetched during init) and caches it; when the database
 * rejects the password (rotation), libs/db calls `refresh()`, which bypasses
 * the cache and writes the new value into it, so later invocations use it too.
 *
 * @example
 * const secret = secretWiring({ secretId: config.secretId, ttlMs: config.secretCacheTtlMs, cacheKey: 'db-secret' });
 * middy(router).use(secret.middleware);
 */
export function secretWiring(options: { secretId: string; ttlMs: number; cacheKey: string }): SecretWiring {
  let current: DbSecret | undefined;
  let client: SecretsManagerClient | undefined;
  const fetchStage = async (stage: 'AWSCURRENT' | 'AWSPENDING') => {
    client ??= new SecretsManagerClient({});
    const out = await client.send(new GetSecretValueCommand({ SecretId: options.secretId, VersionStage: stage }));
    return out.SecretString;
  };

  const fetcher = secretsManager({
    fetchData: { [KEY]: options.secretId },
    cacheKey: options.cacheKey,
    cacheExpiry: options.ttlMs,
  }) as MiddlewareObj<HttpEvent, HttpResponse>;

  let validated: unknown;
  const holder: MiddlewareObj<HttpEvent, HttpResponse> = {
    before: async (request) => {
      const values = await getInternal([KEY], request as never);
      // The secret's contents are validated once per fetched value: a malformed secret fails loudly, naming the field.
      if (values[KEY] === validated && current) return;
      current = parseDbSecret(values[KEY]);
      validated = values[KEY];
    },
  };

  const credentials: CredentialsProvider = {
    get: async () => current ?? (current = parseDbSecret(await fetchStage('AWSCURRENT'))),
    refresh: async () => {
      const raw = await fetchStage('AWSCURRENT');
      const fresh = parseDbSecret(raw);
      const cached = getCache(options.cacheKey) as { value?: Record<string, unknown> };
      if (cached.value) modifyCache(options.cacheKey, { ...cached.value, [KEY]: JSON.parse(raw as string) });
      current = fresh;
      return fresh;
    },
    pending: async () => {
      try {
        return parseDbSecret(await fetchStage('AWSPENDING'));
      } catch {
        return undefined; // no rotation in progress
      }
    },
  };

  return {
    middleware: [fetcher, holder],
    credentials,
    dispose: () => {
      clearCache([options.cacheKey]);
      client?.destroy();
    },
  };
}
