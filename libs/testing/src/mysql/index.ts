export { defaultSearchPath, locateServer, MysqlServerNotFoundError } from './find-server';
export { isAlive } from './process-utils';
export { killWhileFrozen } from './kill-while-frozen';
export { startMysql } from './start-mysql';
export type { MysqlCredentials, MysqlServer, StartMysqlOptions } from './types';
export { ServerStartError } from './wait-ready';
