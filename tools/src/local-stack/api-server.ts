import { type GatewayCredential, type GatewayRequestRecord, type GatewayRoute, type LocalGateway, startLocalGateway } from '@serverless-app/testing';
import { mkdirSync, rmSync } from 'node:fs';
import { buildRuntime } from './build-runtime';
import type { Bundle, Bundler } from './bundler';
import { LambdaEnvironment } from './lambda-environment';
import { LambdaPool } from './lambda-pool';
import type { StackLog } from './stack-log';

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** A started bundler; the server owns it from here on (disposes it on close). */
  bundler: Bundler;
  /** Where the bundler writes; the runtime script goes here too. Removed on close. */
  bundleDir: string;
  /** The function's whole environment (nothing else of the stack's own environment is passed on). */
  env: Record<string, string>;
  routes: readonly GatewayRoute[];
  /** The key pairs accepted on routes with `auth: 'iam'` (signatures scoped to the function's `AWS_REGION`). @default [] */
  credentials?: readonly GatewayCredential[];
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default 'dev' */
  stage?: string;
  /** The function timeout, as in the deployed stack. @default 15_000 */
  functionTimeoutMs?: number;
  /** Execution environments of the live bundle at most. @default 2 */
  maxEnvironments?: number;
  /** Function name in the Lambda context and variables. @default 'serverless-app-api' */
  functionName?: string;
  /** Memory size reported to the function. @default 256 */
  memoryMb?: number;
  /** Where the environments write: the terminal (`inherit`) or `onOutput`. @default 'inherit' */
  stdio?: 'inherit' | 'pipe';
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Local-only JSON endpoints of the gateway, outside the stage (`/__metrics`). @default {} */
  localEndpoints?: Readonly<Record<string, () => unknown>>;
  log: StackLog;
}

/**
 * A running api: the local gateway in front of a pool of Lambda environments, redeployed on every rebuild.
 *
 * @example
 * const api = await startApiServer(options);
 * await fetch(`${api.url}/items`);
 * api.liveBundle?.build; // 1, then 2 after the first rebuild
 */
export interface ApiServer {
  /** `http://127.0.0.1:3000/dev` */
  readonly url: string;
  readonly port: number;
  /** The bundle serving traffic. */
  readonly liveBundle: Bundle | undefined;
  /** The environments' process ids (live and draining). */
  readonly environmentPids: number[];
  /** Stops the gateway, the environments and the bundler, and removes the bundle folder. Idempotent. */
  close(): Promise<void>;
  /** Kills the environments and removes the bundle folder synchronously (forced exit). */
  killSync(): void;
}

/**
 * The first build failed: the message is esbuild's.
 *
 * @example
 * await startApiServer(options).catch((e) => e instanceof BuildFailedError && print(e.message));
 */
export class BuildFailedError extends Error {
  override readonly name = 'BuildFailedError';
}

/**
 * The function did not initialise (its module threw at load, or exited).
 *
 * @example
 * // "The api failed to initialise: ConfigError: DB_HOST is required but not set"
 * await startApiServer(options).catch((e) => e instanceof InitFailedError && print(e.message));
 */
export class InitFailedError extends Error {
  override readonly name = 'InitFailedError';
}

/**
 * The terminal line for one request: `POST /dev/items → 403 (1 ms), not invoked: MissingAuthenticationTokenException`.
 *
 * @example
 * requestLine(record); // 'GET /dev/ → 200 (54 ms)'
 */
export function requestLine(record: GatewayRequestRecord): string {
  const refused = record.invoked ? '' : `, not invoked${record.errorType ? `: ${record.errorType}` : ''}`;
  return `${record.method} ${record.rawPath} → ${record.statusCode} (${Math.round(record.durationMs)} ms)${refused}`;
}

/**
 * Serves the function through the local API Gateway: waits for the bundler's first build, starts one
 * environment (the first cold start), starts the gateway, then redeploys on each later build — a
 * successful one becomes live once its first environment is up, a failed one is reported and the last
 * good bundle keeps serving.
 *
 * @example
 * const bundler = startBundler({ entry, tsconfig, outDir: bundleDir });
 * const api = await startApiServer({ bundler, bundleDir, env, routes, port: 3000, log });
 * await fetch(`${api.url}/`);
 * await api.close();
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { bundler, log } = options;
  const functionName = options.functionName ?? 'serverless-app-api';
  const memoryMb = options.memoryMb ?? 256;
  const region = options.env['AWS_REGION'] ?? 'us-east-1';
  let pool: LambdaPool | undefined;
  let gateway: LocalGateway | undefined;
  let unsubscribe: (() => void) | undefined;

  const removeBundles = () => rmSync(options.bundleDir, { recursive: true, force: true, maxRetries: 3 });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      unsubscribe?.();
      const results = await Promise.allSettled([gateway?.close(), bundler.dispose()]);
      await pool?.close();
      removeBundles();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })());

  try {
    mkdirSync(options.bundleDir, { recursive: true });
    const [first, runtimeFile] = await Promise.all([bundler.first, buildRuntime(options.bundleDir)]);
    if (!first.ok) throw new BuildFailedError(`The api does not build:\n${first.errors}`);
    log.info(`bundled ${first.bundle.inputCount} files in ${first.bundle.durationMs} ms`);

    const functionEnv: Record<string, string> = {
      ...options.env,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      // The stack has already warned about this Node's support window; Lambda's own runtime is newer.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const livePool = new LambdaPool({
      maxEnvironments: options.maxEnvironments,
      spawn: (bundle) =>
        new LambdaEnvironment({
          runtimeFile,
          taskRoot: bundle.dir,
          env: { ...functionEnv, AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]build-${bundle.build}` },
          stdio: options.stdio,
          onOutput: options.onOutput,
        }),
      onColdStart: ({ environment, build, initDurationMs }) =>
        log.info(`cold start: environment ${environment} (build ${build}) initialised in ${initDurationMs} ms`),
      onEnvironmentLost: ({ environment, build, error }) =>
        log.error(`environment ${environment} (build ${build}) ended: ${error.message}; the next request starts a new one`),
      onRetired: (bundle) => rmSync(bundle.dir, { recursive: true, force: true }),
    });
    pool = livePool;

    const deployed = await livePool.deploy(first.bundle);
    if (deployed.status === 'failed') throw new InitFailedError(`The api failed to initialise: ${deployed.error.message}`);

    gateway = await startLocalGateway({
      invoke: (event, context) => livePool.invoke(event, context),
      routes: options.routes,
      stage: options.stage ?? 'dev',
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      timeoutMs: 29_000,
      context: { functionName, memoryLimitInMB: memoryMb, timeoutMs: options.functionTimeoutMs ?? 15_000, region },
      ...(options.credentials && options.credentials.length > 0 ? { iam: { credentials: options.credentials, region } } : {}),
      logger: { error: (message, ...attributes) => log.error(`gateway: ${message}`, ...attributes) },
      onRequest: (record) => log.request(requestLine(record)),
      ...(options.localEndpoints ? { localEndpoints: options.localEndpoints } : {}),
    });

    unsubscribe = bundler.subscribe((outcome) => {
      if (!outcome.ok) {
        log.error(`rebuild ${outcome.build} failed; still serving build ${livePool.liveBundle?.build}:\n${outcome.errors}`);
        return;
      }
      if (!outcome.changed) {
        log.info(`rebuilt in ${outcome.bundle.durationMs} ms: same output, build ${outcome.bundle.build} keeps serving`);
        return;
      }
      log.info(`rebuilt in ${outcome.bundle.durationMs} ms (build ${outcome.bundle.build}); starting a new environment`);
      void livePool.deploy(outcome.bundle).then((result) => {
        if (result.status === 'live') log.info(`build ${outcome.bundle.build} is live; older environments stop once idle`);
        if (result.status === 'failed') {
          const serving = result.servingPrevious ? `still serving build ${livePool.liveBundle?.build}` : 'nothing else to serve';
          log.error(`build ${outcome.bundle.build} failed to initialise (${result.error.message}); ${serving}`);
        }
      });
    }, first.bundle.build);

    const liveGateway = gateway;
    return {
      url: liveGateway.url,
      port: liveGateway.port,
      get liveBundle() {
        return livePool.liveBundle;
      },
      get environmentPids() {
        return livePool.environments.flatMap((e) => (e.pid === undefined ? [] : [e.pid]));
      },
      close,
      killSync: () => {
        livePool.killAll();
        removeBundles();
      },
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
