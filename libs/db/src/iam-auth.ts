import type { Signer } from '@aws-sdk/rds-signer';

/** Where IAM auth tokens come from. `invalidate()` makes the next `get()` sign a new one. */
export interface IamTokenSource {
  get(): Promise<string>;
  invalidate(): void;
}

/** IAM database authentication: the user name and a token source. */
export interface IamAuthOptions {
  username: string;
  tokens: IamTokenSource;
}

/** Tokens are valid for 15 minutes; renew well before. */
const DEFAULT_RENEW_AFTER_MS = 10 * 60_000;

/**
 * Caches a token and signs a new one when it is older than `renewAfterMs`
 * (default 10 minutes; RDS tokens expire after 15). Concurrent callers share
 * one signing; a failed signing is not cached.
 *
 * @example
 * const tokens = cachedTokenSource(() => signer.getAuthToken());
 * const token = await tokens.get();
 */
export function cachedTokenSource(
  sign: () => Promise<string>,
  options: { renewAfterMs?: number; now?: () => number } = {},
): IamTokenSource {
  const renewAfterMs = options.renewAfterMs ?? DEFAULT_RENEW_AFTER_MS;
  const now = options.now ?? Date.now;
  let current: { token: Promise<string>; signedAt: number } | undefined;
  return {
    get() {
      if (!current || now() - current.signedAt >= renewAfterMs) {
        const entry = { token: sign(), signedAt: now() };
        entry.token.catch(() => {
          if (current === entry) current = undefined;
        });
        current = entry;
      }
      return current.token;
    },
    invalidate() {
      current = undefined;
    },
  };
}

/**
 * IAM auth tokens for RDS Proxy (or RDS) signed with `@aws-sdk/rds-signer`,
 * using the Lambda's role credentials, renewed before they expire.
 *
 * @example
 * const db = createDbClient({
 *   host: proxyEndpoint, database: 'app', credentials: secretCredentials,
 *   iamAuth: { username: 'app', tokens: rdsIamTokenSource({ hostname: proxyEndpoint, port: 3306, username: 'app', region: 'eu-west-1' }) },
 * });
 */
export function rdsIamTokenSource(options: {
  hostname: string;
  port: number;
  username: string;
  region: string;
  credentials?: ConstructorParameters<typeof Signer>[0]['credentials'];
  renewAfterMs?: number;
}): IamTokenSource {
  // Loaded on first use: the signer and the credential chain cost cold-start time that password auth never pays.
  let signer: Promise<Signer> | undefined;
  const load = () =>
    (signer ??= import('@aws-sdk/rds-signer').then(
      ({ Signer: RdsSigner }) =>
        new RdsSigner({
          hostname: options.hostname,
          port: options.port,
          username: options.username,
          region: options.region,
          ...(options.credentials ? { credentials: options.credentials } : {}),
        }),
    ));
  return cachedTokenSource(async () => (await load()).getAuthToken(), { renewAfterMs: options.renewAfterMs });
}

/**
 * mysql2 options for IAM auth: RDS Proxy asks for `mysql_clear_password`,
 * answered with the current token (only ever over TLS; the client refuses IAM
 * auth without it).
 */
export function iamDriverAuth(iam: IamAuthOptions) {
  return {
    user: iam.username,
    password: '',
    authPlugins: {
      mysql_clear_password: () => async () => Buffer.from(`${await iam.tokens.get()}\0`),
    },
  };
}
