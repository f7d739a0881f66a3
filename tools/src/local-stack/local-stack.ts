import { routeManifest } from '@serverless-app/api';
import { loadMigrations, migrate } from '@serverless-app/db';
import { isAlive, type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ApiServer, startApiServer } from './api-server';
import { startBundler } from './bundler';
import { generateLocalCredentials } from './local-credentials';
import type { StackConfig } from './stack-config';
import { removeStackFile, type StackInfo, writeStackFile } from './stack-file';
import type { StackLog } from './stack-log';

/** The api's variables that may be set in the shell and are passed on to the function. */
const PASSED_THROUGH = ['SECRET_CACHE_TTL_MS', 'DB_PINNING_GUARD'];

/**
 * A running local stack.
 *
 * @example
 * const stack = await startLocalStack(config, log);
 * await fetch(`${stack.info.apiUrl}/health`);
 * await stack.stop();
 */
export interface LocalStack {
  readonly info: StackInfo;
  /** Stops the gateway, the environments, esbuild, the database and Secrets Manager; deletes the stack file. Idempotent. */
  stop(): Promise<void>;
  /** What can be done synchronously on a forced exit: kill the environments, delete the bundles and the stack file. */
  killSync(): void;
}

/**
 * The folder for this process's bundles: `.local/bundles/<pid>`.
 *
 * @example
 * bundleDirFor('/repo', 1234); // '/repo/.local/bundles/1234'
 */
export function bundleDirFor(workspaceRoot: string, pid: number): string {
  return join(workspaceRoot, '.local', 'bundles', String(pid));
}

/**
 * Deletes the bundle folders of stacks that are no longer running (killed with SIGKILL, say).
 *
 * @example
 * reapStaleBundles('/repo'); // ['/repo/.local/bundles/999']
 */
export function reapStaleBundles(workspaceRoot: string): string[] {
  const parent = join(workspaceRoot, '.local', 'bundles');
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const stale = names.filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid && !isAlive(Number(name)));
  for (const name of stale) rmSync(join(parent, name), { recursive: true, force: true });
  return stale.map((name) => join(parent, name));
}

/**
 * The function's whole environment: what the backend says (`DB_*`, the AWS SDK pointed at the local
 * Secrets Manager), `NODE_ENV=development`, `LOG_LEVEL`, Lambda's `TZ=UTC`, and the api's own knobs
 * if they are set in the shell. Nothing else leaks in from the shell, as on Lambda.
 *
 * @example
 * functionEnvironment(backend.env(), { LOG_LEVEL: 'DEBUG' }); // { DB_SECRET_ID: ..., LOG_LEVEL: 'DEBUG', NODE_ENV: 'development', ... }
 */
export function functionEnvironment(backendEnv: Record<string, string>, shell: Record<string, string | undefined>, logLevel = 'INFO'): Record<string, string> {
  const passed = Object.entries(shell).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && (PASSED_THROUGH.includes(entry[0]) || entry[0].startsWith('POWERTOOLS_')),
  );
  return {
    PATH: shell['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: 'UTC',
    ...Object.fromEntries(passed),
    ...backendEnv,
    NODE_ENV: 'development',
    LOG_LEVEL: logLevel,
  };
}

/**
 * Deletes this process's bundle folder, and `.local/bundles` too once no other stack uses it.
 *
 * @example
 * removeBundleDir('/repo', process.pid);
 */
export function removeBundleDir(workspaceRoot: string, pid: number): void {
  const dir = bundleDirFor(workspaceRoot, pid);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  try {
    rmdirSync(dirname(dir));
  } catch {
    // Not empty (another stack runs), or already gone.
  }
}

/** The routes the gateway serves, with their auth: the api's route table in code (`apps/api/src/features.ts`), as the build's manifest has it. */
function readRoutes(): StackInfo['routes'] {
  return routeManifest().map(({ method, path, auth }) => ({ method, path, auth }));
}

/**
 * Starts the whole local stack: the api bundle (esbuild, watching) while a throwaway database starts,
 * is migrated and gets its generated credentials stored in the local Secrets Manager; then the
 * function's first environment and the local API Gateway, which accepts a key pair generated now on
 * the IAM-authorised routes; finally writes the stack file.
 *
 * @example
 * const stack = await startLocalStack(loadStackConfig(root, process.env), log);
 * stack.info.apiUrl; // 'http://127.0.0.1:3000/dev'
 * await stack.stop();
 */
export async function startLocalStack(config: StackConfig, log: StackLog, shell: Record<string, string | undefined> = process.env): Promise<LocalStack> {
  const root = config.workspaceRoot;
  for (const dir of reapStaleBundles(root)) log.info(`removed the bundles of a stack that is gone: ${dir}`);
  const bundleDir = bundleDirFor(root, process.pid);
  const routes = readRoutes();
  const credentials = generateLocalCredentials();
  const migrations = loadMigrations(join(root, 'apps/api/migrations'));
  const bundler = startBundler({
    entry: join(root, 'apps/api/src/main.ts'),
    tsconfig: join(root, 'apps/api/tsconfig.json'),
    outDir: bundleDir,
    watch: true,
    color: process.stdout.isTTY === true,
  });

  let backend: LocalBackend;
  try {
    log.info('starting the database and the Secrets Manager endpoint; bundling the api');
    backend = await startLocalBackend({ migrate: (app) => migrate({ connection: app, migrations }) });
  } catch (error) {
    await bundler.dispose();
    removeBundleDir(root, process.pid);
    throw error;
  }
  log.info(`database ${backend.db.flavor} ${backend.db.version} on port ${backend.db.port}, ${migrations.length} migration(s) applied`);

  let api: ApiServer;
  try {
    api = await startApiServer({
      bundler,
      bundleDir,
      env: functionEnvironment(backend.env(), shell, config.logLevel),
      routes,
      credentials: [credentials],
      host: config.host,
      port: config.port,
      maxEnvironments: config.maxEnvironments,
      log,
    });
  } catch (error) {
    removeBundleDir(root, process.pid);
    await backend.stop().catch(() => undefined);
    throw error;
  }

  const info: StackInfo = {
    apiUrl: api.url,
    secretsManagerEndpoint: backend.secrets.endpoint,
    region: backend.secrets.region,
    secretId: backend.secretId,
    dbAdminUrl: backend.db.adminUrl,
    dbHost: backend.db.host,
    dbPort: backend.db.port,
    dbName: backend.db.database,
    dbAppUser: backend.db.app.user,
    dbMode: backend.db.mode,
    dbServerPid: backend.db.pid,
    dbDir: backend.db.dir,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    bundleDir,
    routes,
    credentials,
  };
  try {
    writeStackFile(config.stackFile, info);
  } catch (error) {
    await api.close().catch(() => undefined);
    removeBundleDir(root, process.pid);
    await backend.stop().catch(() => undefined);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    info,
    stop: () =>
      (stopping ??= (async () => {
        removeStackFile(config.stackFile, process.pid);
        const apiClosed = await Promise.allSettled([api.close()]);
        removeBundleDir(root, process.pid);
        const backendStopped = await Promise.allSettled([backend.stop()]);
        const failed = [...apiClosed, ...backendStopped].find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      })()),
    killSync: () => {
      removeStackFile(config.stackFile, process.pid);
      api.killSync();
      removeBundleDir(root, process.pid);
    },
  };
}
