import { DatabaseAuthError } from './errors';

/** A database user name and password. */
export interface DbCredentials {
  username: string;
  password: string;
}

/**
 * Where the client gets credentials. `get()` may serve a cached value; `refresh()`
 * must bypass every cache (the client calls it after the server rejected the
 * password, typically because the secret was rotated).
 *
 * `peek()` (optional) returns what is cached now, without waiting; see below.
 *
 * `pending()` (optional) returns the secret's `AWSPENDING` version, if there is one.
 * A single-user rotation changes the password *before* it moves `AWSCURRENT`; in
 * that window `refresh()` still returns the rejected password, and the client
 * tries the pending one instead.
 *
 * @example
 * const provider: CredentialsProvider = {
 *   get: () => secretCache.get().then(parseDbSecret),
 *   refresh: () => secretCache.refetch().then(parseDbSecret),
 *   pending: () => fetchSecret({ VersionStage: 'AWSPENDING' }).then(parseDbSecret, () => undefined),
 * };
 */
export interface CredentialsProvider {
  get(): Promise<DbCredentials>;
  refresh(): Promise<DbCredentials>;
  pending?(): Promise<DbCredentials | undefined>;
  /**
   * The credentials in hand right now, without waiting (undefined if none yet).
   * The client calls it before lending a connection: when it returns other
   * credentials than the pool was opened with (the provider refreshed them in
   * the background), new connections use them — a rotation is picked up before
   * the database has to reject anything. A provider with a TTL starts its
   * background refresh here.
   */
  peek?(): DbCredentials | undefined;
}

/** Fields of an RDS secret (`{ username, password, engine, host, port, dbname, ... }`). */
export interface DbSecret extends DbCredentials {
  host?: string;
  port?: number;
  dbname?: string;
  engine?: string;
}

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Validates the contents of an RDS database secret (a JSON string or a parsed
 * object). Errors name the field at fault and never echo the secret's values.
 *
 * @example
 * const { username, password } = parseDbSecret(secretString);
 */
export function parseDbSecret(secret: unknown): DbSecret {
  let value = secret;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      // No cause: the parser's message quotes the text, which is the secret.
      throw new DatabaseAuthError('database secret is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DatabaseAuthError(`database secret must be a JSON object, got ${describe(value)}`);
  }
  const fields = value as Record<string, unknown>;
  for (const name of ['username', 'password'] as const) {
    if (typeof fields[name] !== 'string' || fields[name] === '') {
      throw new DatabaseAuthError(`database secret field "${name}" must be a non-empty string, got ${describe(fields[name])}`);
    }
  }
  const port = fields['port'];
  let parsedPort: number | undefined;
  if (port !== undefined) {
    parsedPort = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port as number;
    if (typeof parsedPort !== 'number' || !Number.isInteger(parsedPort) || parsedPort < 1 || parsedPort > 65_535) {
      throw new DatabaseAuthError(`database secret field "port" must be a port number, got ${describe(port)}`);
    }
  }
  for (const name of ['host', 'dbname', 'engine'] as const) {
    if (fields[name] !== undefined && typeof fields[name] !== 'string') {
      throw new DatabaseAuthError(`database secret field "${name}" must be a string, got ${describe(fields[name])}`);
    }
  }
  return {
    username: fields['username'] as string,
    password: fields['password'] as string,
    ...(fields['host'] !== undefined ? { host: fields['host'] as string } : {}),
    ...(parsedPort !== undefined ? { port: parsedPort } : {}),
    ...(fields['dbname'] !== undefined ? { dbname: fields['dbname'] as string } : {}),
    ...(fields['engine'] !== undefined ? { engine: fields['engine'] as string } : {}),
  };
}

/**
 * Fixed credentials, for local tools and tests. `refresh()` returns the same values.
 *
 * @example
 * createDbClient({ host, database, credentials: staticCredentials({ username: 'app', password }) });
 */
export function staticCredentials(credentials: DbCredentials): CredentialsProvider {
  const value = { ...credentials };
  return { get: async () => value, refresh: async () => value };
}
