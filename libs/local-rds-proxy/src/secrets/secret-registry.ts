import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProxyLogger } from '../logger';

/**
 * How clients authenticate with a secret's credentials, as RDS Proxy's
 * `ClientPasswordAuthType` names it.
 */
export type ClientPasswordAuthType = 'MYSQL_NATIVE_PASSWORD' | 'MYSQL_CACHING_SHA2_PASSWORD';

/** Every {@link ClientPasswordAuthType}. */
export const CLIENT_PASSWORD_AUTH_TYPES: readonly ClientPasswordAuthType[] = ['MYSQL_NATIVE_PASSWORD', 'MYSQL_CACHING_SHA2_PASSWORD'];

/**
 * A secret the proxy authenticates with, like an entry of RDS Proxy's `Auth`
 * list. A plain string is a secret id with the default auth type.
 *
 * @example
 * const secrets: SecretRegistration[] = ['rds/app', { secretId: 'rds/admin', clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' }];
 */
export type SecretRegistration = string | { readonly secretId: string; readonly clientPasswordAuthType?: ClientPasswordAuthType };

/** A user's credentials from one secret. */
export interface SecretCredentials {
  readonly secretId: string;
  readonly username: string;
  readonly password: string;
  readonly clientPasswordAuthType: ClientPasswordAuthType;
}

interface Entry {
  readonly secretId: string;
  readonly authType: ClientPasswordAuthType;
  value: { username: string; password: string } | undefined;
  fetchedAt: number;
  inFlight: Promise<void> | undefined;
}

/** Options for {@link SecretRegistry}. */
export interface SecretRegistryOptions {
  readonly client: SecretsManagerClient;
  readonly ttlMs: number;
  readonly defaultAuthType: ClientPasswordAuthType;
  readonly logger: ProxyLogger;
}

/**
 * The secrets the proxy authenticates clients with, read through Secrets
 * Manager (`GetSecretValue`, AWSCURRENT) and cached for `ttlMs`. A login that
 * matches no cached password re-reads them (`refresh`), which is how a
 * rotated password starts working at once. When a read fails the last value
 * is kept. Secret values are never logged.
 *
 * @example
 * const registry = new SecretRegistry({ client, ttlMs: 10_000, defaultAuthType: 'MYSQL_CACHING_SHA2_PASSWORD', logger });
 * registry.register('rds/app');
 * const candidates = await registry.forUser('app', false);
 */
export class SecretRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: SecretRegistryOptions) {}

  /** The registered secret ids. */
  get secretIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Adds a secret (its first read happens on the next login). Registering an id again changes its auth type. */
  register(registration: SecretRegistration): void {
    const secretId = typeof registration === 'string' ? registration : registration.secretId;
    const authType = (typeof registration === 'string' ? undefined : registration.clientPasswordAuthType) ?? this.options.defaultAuthType;
    const existing = this.entries.get(secretId);
    this.entries.set(secretId, { secretId, authType, value: existing?.value, fetchedAt: existing?.fetchedAt ?? 0, inFlight: undefined });
  }

  /**
   * The credentials of every registered secret whose username is `user`;
   * `refresh` re-reads all secrets first (concurrent refreshes share reads).
   */
  async forUser(user: string, refresh: boolean): Promise<SecretCredentials[]> {
    await Promise.all([...this.entries.values()].map((entry) => this.ensure(entry, refresh)));
    const found: SecretCredentials[] = [];
    for (const entry of this.entries.values()) {
      if (entry.value?.username === user) {
        found.push({ secretId: entry.secretId, username: user, password: entry.value.password, clientPasswordAuthType: entry.authType });
      }
    }
    return found;
  }

  /** The credentials of the first registered secret that can be read (the proxy's start-up probe logs in with them). */
  async first(): Promise<SecretCredentials | undefined> {
    await Promise.all([...this.entries.values()].map((entry) => this.ensure(entry, false)));
    for (const entry of this.entries.values()) {
      if (entry.value) return { secretId: entry.secretId, ...entry.value, clientPasswordAuthType: entry.authType };
    }
    return undefined;
  }

  /** A password for `user` (the first matching secret), for opening database connections. */
  async passwordFor(user: string, refresh: boolean): Promise<string | undefined> {
    return (await this.forUser(user, refresh))[0]?.password;
  }

  private ensure(entry: Entry, refresh: boolean): Promise<void> {
    const fresh = entry.value !== undefined && Date.now() - entry.fetchedAt < this.options.ttlMs;
    if (fresh && !refresh) return Promise.resolve();
    entry.inFlight ??= this.read(entry).finally(() => {
      entry.inFlight = undefined;
    });
    return entry.inFlight;
  }

  private async read(entry: Entry): Promise<void> {
    try {
      const out = await this.options.client.send(new GetSecretValueCommand({ SecretId: entry.secretId }));
      entry.value = parseSecret(out.SecretString);
      entry.fetchedAt = Date.now();
      if (entry.value === undefined) {
        this.options.logger.warn('The secret has no string username and password; it cannot be used to log in', { secretId: entry.secretId });
      }
    } catch (error) {
      this.options.logger.warn('Reading the secret failed; the last value read (if any) stays in use', {
        secretId: entry.secretId,
        error: (error as { name?: string }).name ?? 'Error',
      });
    }
  }
}

/** `{ username, password }` from a secret's JSON, or `undefined` (without ever echoing the text). */
function parseSecret(text: string | undefined): { username: string; password: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { username, password } = parsed as Record<string, unknown>;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') return undefined;
  return { username, password };
}
