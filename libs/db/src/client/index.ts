export { createDbClient, lazyDbClient } from './client';
export { connectionOptions, type ConnectionTarget } from './options';
export type {
  DbClient,
  DbClientOptions,
  DbClientStats,
  PoolOptions,
  Queryable,
  StatementOptions,
  TransactionOptions,
  WriteResult,
} from './types';
