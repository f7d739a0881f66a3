export { MysqlServerNotFoundError } from './find-server';
export { startMysql } from './start-mysql';
export type { MysqlCredentials, MysqlServer, StartMysqlOptions } from './types';
export { ServerStartError } from './wait-ready';
