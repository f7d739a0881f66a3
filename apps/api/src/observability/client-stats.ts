import type { DbClient, DbClientCounters } from '@serverless-app/db';

/**
 * The live counters of the execution environment's database client, read synchronously (no copy): the client is asked for at
 * once (making it opens no connection) and remembered when it is ready; until then, and if it cannot be made,
 * `undefined`.
 *
 * @example
 * const stats = clientStats(getDb);
 * stats()?.readsReplayed;
 */
export function clientStats(getDb: () => Promise<DbClient>): () => Readonly<DbClientCounters> | undefined {
  let client: DbClient | undefined;
  const attach = () =>
    void getDb().then(
      (ready) => void (client = ready),
      () => void (attached = false), // made again by the first request that needs it; look again then
    );
  let attached = true;
  attach();
  return () => {
    if (client) return client.liveCounters();
    if (!attached) {
      attached = true;
      attach();
    }
    return undefined;
  };
}
