import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fake-bundle.test-util';
import { bundleDirFor, functionEnvironment, reapStaleBundles } from './local-stack';

describe('functionEnvironment', () => {
  const backend = { DB_SECRET_ID: 'serverless-app-rds-secret', DB_HOST: '127.0.0.1', AWS_REGION: 'us-east-1' };

  it('is the backend environment plus NODE_ENV, LOG_LEVEL and Lambda\'s TZ, and nothing else of the shell', () => {
    const env = functionEnvironment(backend, { PATH: '/bin', HOME: '/root', AWS_PROFILE: 'prod', SECRET_TOKEN: 'x' }, 'DEBUG');

    expect(env).toEqual({ PATH: '/bin', LANG: 'en_US.UTF-8', TZ: 'UTC', ...backend, NODE_ENV: 'development', LOG_LEVEL: 'DEBUG' });
  });

  it('passes the api\'s own settings through when they are set in the shell', () => {
    const env = functionEnvironment(backend, { SECRET_CACHE_TTL_MS: '5000', DB_PINNING_GUARD: 'throw', POWERTOOLS_DEV: 'true' });

    expect(env).toMatchObject({ SECRET_CACHE_TTL_MS: '5000', DB_PINNING_GUARD: 'throw', POWERTOOLS_DEV: 'true' });
  });

  it('never lets the shell override what the backend set', () => {
    expect(functionEnvironment(backend, { DB_HOST: 'elsewhere', NODE_ENV: 'production' })).toMatchObject({ DB_HOST: '127.0.0.1', NODE_ENV: 'development' });
  });
});

describe('reapStaleBundles', () => {
  const temp = tempDir('local-stack-reap-');
  afterAll(() => temp.cleanup());

  it('removes the bundle folders of stacks that are gone, and only those', () => {
    const gone = bundleDirFor(temp.path, 2 ** 22 + 12_345);
    const running = bundleDirFor(temp.path, process.ppid);
    const mine = bundleDirFor(temp.path, process.pid);
    const other = join(temp.path, '.local', 'bundles', 'not-a-pid');
    for (const dir of [gone, running, mine, other]) mkdirSync(dir, { recursive: true });

    expect(reapStaleBundles(temp.path)).toEqual([gone]);
    expect([gone, running, mine, other].map(existsSync)).toEqual([false, true, true, true]);
  });

  it('does nothing without a bundles folder', () => {
    expect(reapStaleBundles(join(temp.path, 'empty'))).toEqual([]);
  });
});
