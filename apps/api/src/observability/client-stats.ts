import type { DbClient, DbClientStats } from '@serverless-app/db';

/**
 * The stats of the execution environment's database client, read synchronously: the client is asked for at
 * once (making it opens no connection) and remembered when it is ready; until then, and if it cannot be made,
 * `undefined`.
 *
 * @example
 * const stats = clientStats(getDb);
 * stats()?.readsReplayed;
 */
export function clientStats(getDb: () => Promise<DbClient>): () => DbClientStats | undefined {
  let client: DbClient | undefined;
  const attach = () =>
    void getDb().then(
      (ready) => void (client = ready),
      () => void (attached = false), // made again by the first request that needs it; look again then
    );
  let attached = true;
  attach();
  return () => {
    if (client) return client.stats();
    if (!attached) {
      attached = true;
      attach();
    }
    return undefined;
  };
}
