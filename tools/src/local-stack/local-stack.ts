import { routeManifest } from '@serverless-app/api';
import { loadMigrations, migrate } from '@serverless-app/db';
import type { BackendProxy } from '@serverless-app/local-rds-proxy';
import { isAlive, type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ApiMetricsSummary, apiMetricsCollector, METRICS_PATH } from './api-metrics';
import { type ApiServer, startApiServer } from './api-server';
import { startBundler } from './bundler';
import { generateLocalCredentials } from './local-credentials';
import type { StackConfig } from './stack-config';
import { removeStackFile, type StackInfo, writeStackFile } from './stack-file';
import type { StackLog } from './stack-log';
import { proxyDirFor, startStackProxy, withProxyCounters } from './stack-proxy';

/** The api's variables that may be set in the shell and are passed on to the function. */
const PASSED_THROUGH = ['SECRET_CACHE_TTL_MS', 'DB_PINNING_GUARD', 'TRACING', 'METRICS_FLUSH_MS'];

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
  /** The local RDS Proxy between the api and the database; `undefined` with `LOCAL_RDS_PROXY=off`. */
  readonly proxy: BackendProxy['proxy'] | undefined;
  /** The api's metrics so far, summed from its environments' EMF lines (also at the gateway's `/__metrics`). */
  apiMetrics(): ApiMetricsSummary;
  /** Stops the gateway, the environments, esbuild, the proxy, the database and Secrets Manager; deletes the stack file. Idempotent. */
  stop(): Promise<void>;
  /** What can be done synchronously on a forced exit: kill the environments, delete the bundles, the proxy's certificates and the stack file. */
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

/** Deletes the per-process folders (`<parent>/<pid>`) of stacks that are no longer running. */
function reapStaleProcessDirs(parent: string): string[] {
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

/** Deletes a per-process folder, and its parent too once no other stack uses it. */
function removeProcessDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  try {
    rmdirSync(dirname(dir));
  } catch {
    // Not empty (another stack runs), or already gone.
  }
}

/**
 * Deletes the bundle folders (and proxy certificate folders) of stacks that are no longer running (killed
 * with SIGKILL, say).
 *
 * @example
 * reapStaleStackDirs('/repo'); // ['/repo/.local/bundles/999', '/repo/.local/rds-proxy/999']
 */
export function reapStaleStackDirs(workspaceRoot: string): string[] {
  return [join(workspaceRoot, '.local', 'bundles'), join(workspaceRoot, '.local', 'rds-proxy')].flatMap(reapStaleProcessDirs);
}

/**
 * The function's whole environment: what the backend says (`DB_*`, the AWS SDK pointed at the local
 * Secrets Manager), `NODE_ENV=development`, `LOG_LEVEL`, Lambda's `TZ=UTC`, `STAGE=local`, `METRICS_FLUSH_MS=0`
 * (unless the shell sets it), and the api's own knobs
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
    STAGE: 'local',
    // One EMF line per invocation, so /__metrics follows each request (AWS sums a second's worth).
    METRICS_FLUSH_MS: '0',
    ...Object.fromEntries(passed.filter(([name]) => name === 'METRICS_FLUSH_MS')),
  };
}

/**
 * Deletes this process's bundle folder, and `.local/bundles` too once no other stack uses it.
 *
 * @example
 * removeBundleDir('/repo', process.pid);
 */
export function removeBundleDir(workspaceRoot: string, pid: number): void {
  removeProcessDir(bundleDirFor(workspaceRoot, pid));
}

/**
 * Deletes this process's proxy certificate folder (`.local/rds-proxy/<pid>`), and `.local/rds-proxy` too once
 * no other stack uses it.
 *
 * @example
 * removeProxyDir('/repo', process.pid);
 */
export function removeProxyDir(workspaceRoot: string, pid: number): void {
  removeProcessDir(proxyDirFor(workspaceRoot, pid));
}

/** The routes the gateway serves, with their auth: the api's route table in code (`apps/api/src/features.ts`), as the build's manifest has it. */
function readRoutes(): StackInfo['routes'] {
  return routeManifest().map(({ method, path, auth }) => ({ method, path, auth }));
}

/**
 * Starts the whole local stack: the api bundle (esbuild, watching) while a throwaway database starts,
 * is migrated and gets its generated credentials stored in the local Secrets Manager; then a local RDS
 * Proxy in front of the database, registered with that secret (unless `LOCAL_RDS_PROXY=off`), which the
 * function reaches with verified TLS; then the function's first environment and the local API Gateway,
 * which accepts a key pair generated now on the IAM-authorised routes; finally writes the stack file.
 *
 * @example
 * const stack = await startLocalStack(loadStackConfig(root, process.env), log);
 * stack.info.apiUrl; // 'http://127.0.0.1:3000/dev'
 * await stack.stop();
 */
export async function startLocalStack(config: StackConfig, log: StackLog, shell: Record<string, string | undefined> = process.env): Promise<LocalStack> {
  const root = config.workspaceRoot;
  for (const dir of reapStaleStackDirs(root)) log.info(`removed the files of a stack that is gone: ${dir}`);
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
    // Migrations go straight to the database, as deploy-time admin work before the api is served: they take
    // a GET_LOCK, which would pin a proxy session (harmless in AWS, noise here), and startLocalBackend runs
    // them before the secret the proxy authenticates against exists.
    backend = await startLocalBackend({ migrate: (app) => migrate({ connection: app, migrations }) });
  } catch (error) {
    await bundler.dispose();
    removeBundleDir(root, process.pid);
    throw error;
  }
  log.info(`database ${backend.db.flavor} ${backend.db.version} on port ${backend.db.port}, ${migrations.length} migration(s) applied`);

  let through: BackendProxy | undefined;
  if (config.rdsProxy) {
    try {
      through = await startStackProxy(backend, { workspaceRoot: root, log, logLevel: config.logLevel });
    } catch (error) {
      await bundler.dispose();
      removeBundleDir(root, process.pid);
      removeProxyDir(root, process.pid);
      await backend.stop().catch(() => undefined);
      throw error;
    }
    log.info(`RDS Proxy on localhost:${through.proxy.port} (TLS required), ${through.proxy.maxConnections} database connections at most`);
  }
  const proxy = through?.proxy;
  /** The proxy, then the database and Secrets Manager: what is left once the api is closed. */
  const stopBacking = async (): Promise<Array<PromiseSettledResult<unknown>>> => {
    const proxyClosed = await Promise.allSettled([proxy?.close()]);
    removeProxyDir(root, process.pid);
    return [...proxyClosed, ...(await Promise.allSettled([backend.stop()]))];
  };

  // The environments' EMF lines are read into the api's metrics, not printed; everything else passes through.
  const metrics = apiMetricsCollector();
  const onOutput = (chunk: string, stream: 'stdout' | 'stderr') => (stream === 'stdout' ? process.stdout.write(metrics.feed(chunk)) : process.stderr.write(chunk));
  let api: ApiServer;
  try {
    api = await startApiServer({
      bundler,
      bundleDir,
      env: functionEnvironment(through ? through.env() : backend.env(), shell, config.logLevel),
      routes,
      credentials: [credentials],
      host: config.host,
      port: config.port,
      maxEnvironments: config.maxEnvironments,
      stdio: 'pipe',
      onOutput,
      localEndpoints: { [METRICS_PATH]: () => ({ api: metrics.summary(), proxy: proxy?.metrics() ?? null }) },
      log: proxy ? withProxyCounters(log, () => proxy.metrics()) : log,
    });
  } catch (error) {
    removeBundleDir(root, process.pid);
    await stopBacking();
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
    ...(through && proxy
      ? { proxyHost: through.env()['DB_HOST'], proxyPort: proxy.port, proxyCaFile: proxy.caFile, proxyMetricsUrl: proxy.metricsUrl }
      : {}),
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
    await stopBacking();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    info,
    proxy,
    apiMetrics: () => metrics.summary(),
    stop: () =>
      (stopping ??= (async () => {
        removeStackFile(config.stackFile, process.pid);
        // The environments close their database connections (through the proxy) before the proxy goes.
        const apiClosed = await Promise.allSettled([api.close()]);
        removeBundleDir(root, process.pid);
        const backingStopped = await stopBacking();
        const failed = [...apiClosed, ...backingStopped].find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      })()),
    killSync: () => {
      removeStackFile(config.stackFile, process.pid);
      api.killSync();
      removeBundleDir(root, process.pid);
      removeProxyDir(root, process.pid);
    },
  };
}
