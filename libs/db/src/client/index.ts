export { createDbClient, lazyDbClient } from './client';
export { connectionOptions, type ConnectionTarget } from './options';
export type {
  DbClient,
  DbClientOptions,
  DbClientCounters,
  DbClientStats,
  PoolOptions,
  Queryable,
  StatementInstrument,
  StatementOptions,
  TransactionOptions,
  WriteResult,
} from './types';
