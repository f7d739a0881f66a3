import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fake-bundle.test-util';
import { bundleDirFor, functionEnvironment, reapStaleStackDirs, removeProxyDir } from './local-stack';
import { proxyDirFor } from './stack-proxy';

describe('functionEnvironment', () => {
  const backend = { DB_SECRET_ID: 'serverless-app-rds-secret', DB_HOST: '127.0.0.1', AWS_REGION: 'us-east-1' };

  it('is the backend environment plus NODE_ENV, LOG_LEVEL, STAGE=local, METRICS_FLUSH_MS=0 and Lambda\'s TZ, and nothing else of the shell', () => {
    const env = functionEnvironment(backend, { PATH: '/bin', HOME: '/root', AWS_PROFILE: 'prod', SECRET_TOKEN: 'x' }, 'DEBUG');

    expect(env).toEqual({ PATH: '/bin', LANG: 'en_US.UTF-8', TZ: 'UTC', ...backend, NODE_ENV: 'development', LOG_LEVEL: 'DEBUG', STAGE: 'local', METRICS_FLUSH_MS: '0' });
  });

  it('passes the api\'s own settings through when they are set in the shell', () => {
    const env = functionEnvironment(backend, { SECRET_CACHE_TTL_MS: '5000', DB_PINNING_GUARD: 'throw', TRACING: 'on', METRICS_FLUSH_MS: '1000', POWERTOOLS_DEV: 'true' });

    expect(env).toMatchObject({ SECRET_CACHE_TTL_MS: '5000', DB_PINNING_GUARD: 'throw', TRACING: 'on', METRICS_FLUSH_MS: '1000', POWERTOOLS_DEV: 'true' });
  });

  it('never lets the shell override what the backend set', () => {
    expect(functionEnvironment(backend, { DB_HOST: 'elsewhere', NODE_ENV: 'production' })).toMatchObject({ DB_HOST: '127.0.0.1', NODE_ENV: 'development' });
  });
});

describe('reapStaleStackDirs', () => {
  const temp = tempDir('local-stack-reap-');
  afterAll(() => temp.cleanup());

  it('removes the bundle folders of stacks that are gone, and only those', () => {
    const gone = bundleDirFor(temp.path, 2 ** 22 + 12_345);
    const running = bundleDirFor(temp.path, process.ppid);
    const mine = bundleDirFor(temp.path, process.pid);
    const other = join(temp.path, '.local', 'bundles', 'not-a-pid');
    for (const dir of [gone, running, mine, other]) mkdirSync(dir, { recursive: true });

    expect(reapStaleStackDirs(temp.path)).toEqual([gone]);
    expect([gone, running, mine, other].map(existsSync)).toEqual([false, true, true, true]);
  });

  it('removes the proxy certificate folders of stacks that are gone too', () => {
    const gone = proxyDirFor(temp.path, 2 ** 22 + 12_346);
    const mine = proxyDirFor(temp.path, process.pid);
    for (const dir of [gone, mine]) mkdirSync(dir, { recursive: true });

    expect(reapStaleStackDirs(temp.path)).toEqual([gone]);
    expect([gone, mine].map(existsSync)).toEqual([false, true]);
    removeProxyDir(temp.path, process.pid);
    expect([mine, join(temp.path, '.local', 'rds-proxy')].map(existsSync)).toEqual([false, false]);
  });

  it('does nothing without a bundles folder', () => {
    expect(reapStaleStackDirs(join(temp.path, 'empty'))).toEqual([]);
  });
});
