import type { MysqlServer } from '@serverless-app/testing';
import { createDbClient, type DbClient, type DbClientOptions } from './client';
import type { CredentialsProvider, DbCredentials } from './credentials';
import type { DbClientLogger } from './logger';

/** A credentials provider whose source can be changed and whose calls are counted. */
export function countingCredentials(initial: DbCredentials) {
  let source = { ...initial };
  const calls = { get: 0, refresh: 0 };
  let cached = { ...source };
  const provider: CredentialsProvider = {
    get: async () => {
      calls.get++;
      return cached;
    },
    refresh: async () => {
      calls.refresh++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      cached = { ...source };
      return cached;
    },
  };
  return {
    provider,
    calls,
    /** Changes what the next refresh() returns (the secret moved to a new version). */
    setSource: (next: DbCredentials) => {
      source = { ...next };
    },
  };
}

/** Captures everything logged, for assertions. */
export function captureLogger() {
  const lines: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: Array<Record<string, unknown>>) =>
      void lines.push({ level, message, attributes: Object.assign({}, ...attributes) });
  const logger: DbClientLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines, text: () => JSON.stringify(lines) };
}

export function clientFor(server: MysqlServer, overrides: Partial<DbClientOptions> = {}): DbClient {
  return createDbClient({
    host: server.host,
    port: server.port,
    database: server.database,
    credentials: {
      get: async () => ({ username: server.app.user, password: server.app.password }),
      refresh: async () => ({ username: server.app.user, password: server.app.password }),
    },
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, budgetMs: 3_000 },
    ...overrides,
  });
}

export { killWhileFrozen } from '@serverless-app/testing';

/** Connections of `user` the server currently has open. */
export async function openConnections(server: MysqlServer, user = server.app.user): Promise<number> {
  const rows = await server.query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE user = ?', [user]);
  return Number(rows[0]?.n ?? 0);
}

/** Waits until the server has no connection of `user` left (closed connections vanish asynchronously). */
export async function waitForNoConnections(server: MysqlServer, user = server.app.user, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let open = await openConnections(server, user);
  while (open > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    open = await openConnections(server, user);
  }
  return open;
}
