import { classify, driverInfo, type FailureKind } from '../classify';
import { DatabaseError, DatabaseUnavailableError, QueryTimeoutError } from '../errors';
import type { DbClientLogger } from '../logger';
import type { RetryBudget } from '../retry';
import type { ConnectionSource, Lease } from './connections';
import { okPacketOf, rowsOf } from './results';
import type { StatementRunner } from './statements';
import type { Queryable, StatementOptions, TransactionOptions } from './types';

export interface TransactionDeps {
  source: ConnectionSource;
  runner: StatementRunner;
  logger: DbClientLogger;
  checkPinning(sql: string, params: readonly unknown[]): void;
}

const DEAD: ReadonlySet<FailureKind> = new Set(['connection-lost', 'closed']);

/**
 * Runs `fn` in a transaction on one connection: commits when it resolves,
 * rolls back when it throws, and always gives the connection back. With a
 * deadline, a transaction still open when it passes loses its connection (the
 * server rolls it back) and every later statement of it fails.
 */
export async function runTransaction<T>(deps: TransactionDeps, fn: (tx: Queryable) => Promise<T>, options: TransactionOptions): Promise<T> {
  const { source, runner, logger } = deps;
  const budget = runner.budgetFor(options);
  const lease = await begin(deps, budget);
  let healthy = true;
  let open = true;
  let expired = false;
  const watchdog = Number.isFinite(budget.deadline)
    ? setTimeout(() => {
        if (!open) return;
        expired = true;
        healthy = false;
        lease.connection.destroy();
        logger.warn('transaction still open at its deadline; closed its connection, the server rolls it back');
      }, budget.bound(Number.POSITIVE_INFINITY))
    : undefined;

  const send = async (sql: string, params: readonly unknown[], statement: StatementOptions) => {
    try {
      return await runner.send(lease.connection, sql, params, budget, statement.timeoutMs);
    } catch (err) {
      const kind = classify(err);
      if (kind !== 'other' && !(kind === 'timeout' && typeof (err as { errno?: unknown }).errno === 'number')) healthy = false;
      throw err;
    }
  };
  const statement = async (sql: string, params: readonly unknown[] = [], statementOptions: StatementOptions = {}) => {
    if (expired) throw new QueryTimeoutError('the transaction passed its deadline; the server rolled it back', { applied: false });
    if (!open) throw new DatabaseError('transaction handle used after the transaction ended');
    deps.checkPinning(sql, params);
    try {
      return await send(sql, params, statementOptions);
    } catch (err) {
      if (err instanceof DatabaseError) throw err;
      const kind = classify(err);
      if (expired) throw new QueryTimeoutError('the transaction passed its deadline; the server rolled it back', { applied: false, cause: err });
      if (DEAD.has(kind)) {
        // Before COMMIT the server rolls an interrupted transaction back: nothing took effect.
        throw new DatabaseUnavailableError('connection lost during the transaction; the server rolled it back', {
          ...driverInfo(err),
          cause: err,
          attempts: 1,
          retryAfterSeconds: 1,
          reason: 'connection-lost',
        });
      }
      throw runner.failure(err, kind, sql, false);
    }
  };
  const tx: Queryable = {
    query: <Row>(sql: string, params?: readonly unknown[], o?: StatementOptions) => statement(sql, params, o).then((r) => rowsOf<Row>(r)),
    run: (sql, params, o) => statement(sql, params, o).then(okPacketOf),
  };

  try {
    const result = await fn(tx);
    if (expired) throw new QueryTimeoutError('the transaction passed its deadline; the server rolled it back', { applied: false });
    open = false;
    try {
      await send('COMMIT', [], {});
    } catch (err) {
      healthy = false;
      throw err instanceof DatabaseError ? err : runner.failure(err, classify(err), 'COMMIT', false);
    }
    return result;
  } catch (err) {
    const wasOpen = open;
    open = false;
    if (wasOpen && healthy) {
      await send('ROLLBACK', [], {}).catch((rollbackError: unknown) => {
        healthy = false;
        logger.warn('rollback failed; closing the connection', { ...driverInfo(rollbackError) });
      });
    }
    throw err;
  } finally {
    open = false;
    if (watchdog) clearTimeout(watchdog);
    if (healthy) source.release(lease);
    else source.destroy(lease);
  }
}

/** A connection with a transaction started; retried when the connection proves dead before anything ran. */
async function begin({ source, runner }: TransactionDeps, budget: RetryBudget): Promise<Lease> {
  for (;;) {
    const lease = await source.acquire(budget);
    try {
      await runner.send(lease.connection, 'START TRANSACTION', [], budget);
      return lease;
    } catch (err) {
      const kind = classify(err);
      if (kind === 'other') source.release(lease);
      else source.destroy(lease);
      if (DEAD.has(kind) && budget.takeFree('stale-connection', 2)) continue;
      throw err instanceof DatabaseError ? err : runner.failure(err, kind, 'START TRANSACTION', true, budget);
    }
  }
}
