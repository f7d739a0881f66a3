import type { DbClientCounters } from '@serverless-app/db';
import type { ApiMetricName } from './metrics-contract';

/** Where the database counters come from: the client's stats and the Secrets Manager provider's. */
export interface CounterSources {
  /** The execution environment's database client, once it exists. */
  db(): Pick<DbClientCounters, 'credentialRefreshes' | 'credentialRefreshFailures' | 'readsReplayed' | 'staleConnectionsReplaced' | 'outcomeUnknown' | 'poolWaitMs'> | undefined;
  /** The Secrets Manager provider's counters. */
  secret(): { backgroundRefreshFailures: number } | undefined;
}

type DbCounter = 'credentialRefreshes' | 'credentialRefreshFailures' | 'readsReplayed' | 'staleConnectionsReplaced' | 'outcomeUnknown' | 'poolWaitMs';

/** Which metric each of libs/db's cumulative counters feeds. */
const DB_COUNTERS: ReadonlyArray<readonly [ApiMetricName, DbCounter]> = [
  ['CredentialRefreshes', 'credentialRefreshes'],
  ['CredentialRefreshFailures', 'credentialRefreshFailures'],
  ['ReadsReplayed', 'readsReplayed'],
  ['StaleConnectionsReplaced', 'staleConnectionsReplaced'],
  ['StatementOutcomeUnknown', 'outcomeUnknown'],
  ['PoolWaitMs', 'poolWaitMs'],
];
const SECRET_INDEX = DB_COUNTERS.length;

/**
 * The change of libs/db's cumulative counters since the last call: `each(emit)` calls `emit(name, delta)` for
 * every counter that moved (zero deltas are skipped). The last values live in one preallocated array; a client
 * or provider that does not exist yet counts as all zeros (a new one starts at zero).
 *
 * @example
 * const deltas = counterDeltas({ db: () => client?.stats(), secret: () => secret.stats() });
 * deltas.each((name, delta) => metrics.addMetric(name, unit(name), delta));
 */
export function counterDeltas(sources: CounterSources): { each(emit: (name: ApiMetricName, delta: number) => void): void } {
  const last = new Float64Array(DB_COUNTERS.length + 1);
  const take = (index: number, value: number, name: ApiMetricName, emit: (name: ApiMetricName, delta: number) => void) => {
    const delta = value - (last[index] as number);
    if (delta === 0) return;
    last[index] = value;
    if (delta > 0) emit(name, delta);
  };
  return {
    each(emit) {
      const db = sources.db();
      if (db) {
        let index = 0;
        for (const [name, counter] of DB_COUNTERS) take(index++, db[counter], name, emit);
      }
      const secret = sources.secret();
      if (secret) take(SECRET_INDEX, secret.backgroundRefreshFailures, 'SecretRefreshFailures', emit);
    },
  };
}
