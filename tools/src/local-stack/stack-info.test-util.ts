import type { StackInfo } from './stack-file';

/**
 * A stack file's contents as a local stack without the proxy writes them, with `overrides` on top.
 *
 * @example
 * const info = sampleStackInfo({ pid: 1, proxyHost: 'localhost', proxyPort: 40003 });
 */
export function sampleStackInfo(overrides: Partial<StackInfo> = {}): StackInfo {
  return {
    apiUrl: 'http://127.0.0.1:3000/dev',
    secretsManagerEndpoint: 'http://127.0.0.1:40001',
    region: 'us-east-1',
    secretId: 'serverless-app-rds-secret',
    dbAdminUrl: 'mysql://admin:generated@127.0.0.1:40002/app_x',
    dbHost: '127.0.0.1',
    dbPort: 40002,
    dbName: 'app_x',
    dbAppUser: 'app',
    dbMode: 'local',
    dbServerPid: 4242,
    dbDir: '/tmp/serverless-app-mysql-run-x',
    pid: process.pid,
    startedAt: '2026-11-26T20:00:00.000Z',
    bundleDir: '/repo/.local/bundles/1',
    routes: [
      { method: 'GET', path: '/', auth: 'none' },
      { method: 'POST', path: '/items', auth: 'iam' },
    ],
    credentials: { accessKeyId: 'AKIALOCALEXAMPLE0001', secretAccessKey: 'local-secret' },
    ...overrides,
  };
}
