/**
 * The Lambda runtime of the local stack: the entry script of one execution environment (a child Node
 * process). esbuild bundles it to `runtime.js` next to the api bundles; `lambda-environment.ts` forks it.
 *
 * Like the Node.js runtime of AWS Lambda it loads the handler module once (the cold start), then runs
 * one invocation at a time, and reports an uncaught exception or unhandled rejection as a failure of
 * the invocation in flight before exiting (the environment is not reused). Configuration comes from
 * the Lambda variables: `LAMBDA_TASK_ROOT` (the bundle folder) and `_HANDLER` (`main.handler`).
 * Ctrl-C in a terminal reaches every process of the group; the environment ignores SIGINT and lets
 * the stack shut it down, and exits by itself when the stack's IPC channel closes (the stack died).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type FromRuntime, type InvocationContext, type LambdaErrorPayload, type ToRuntime, toErrorPayload } from './ipc-protocol';

type Handler = ((event: unknown, context: unknown) => unknown) & { dispose?: () => unknown };

/** How long the handler's `dispose()` may take at shutdown. */
const DISPOSE_TIMEOUT_MS = 3_000;

/** Exit status after an uncaught error (what Lambda's Node.js runtime reports as `Runtime.ExitError`). */
const FATAL_EXIT_CODE = 129;

/** A `_HANDLER` value split into the module file and the export. */
export interface HandlerSpec {
  file: string;
  exportName: string;
}

/**
 * Parses `_HANDLER` (`main.handler`, `dir/app.handler`) and finds its module in the task root.
 *
 * @example
 * resolveHandler('/bundles/3', 'main.handler'); // { file: '/bundles/3/main.js', exportName: 'handler' }
 */
export function resolveHandler(taskRoot: string, handler: string): HandlerSpec {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw Object.assign(new Error(`Bad handler "${handler}": expected <file>.<export>, e.g. main.handler`), { name: 'Runtime.MalformedHandlerName' });
  }
  const base = join(taskRoot, handler.slice(0, dot));
  const file = ['.js', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw Object.assign(new Error(`Cannot find module '${base}.js'`), { name: 'Runtime.ImportModuleError' });
  }
  return { file, exportName: handler.slice(dot + 1) };
}

/**
 * Loads the handler module (CommonJS) and returns the named export.
 *
 * @example
 * const handler = loadHandler(resolveHandler(process.env.LAMBDA_TASK_ROOT, 'main.handler'));
 */
export function loadHandler(spec: HandlerSpec): Handler {
  const loaded = createRequire(spec.file)(spec.file) as Record<string, unknown>;
  const handler = loaded[spec.exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${spec.file} does not export a function named "${spec.exportName}"`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

/**
 * A Lambda `Context` rebuilt from its data: `getRemainingTimeInMillis()` counts down to the deadline;
 * the deprecated `done`/`fail`/`succeed` throw.
 *
 * @example
 * const context = toContext({ ...data, deadlineMs: Date.now() + 15_000 });
 * context.getRemainingTimeInMillis(); // ≤ 15000
 */
export function toContext(data: InvocationContext) {
  const { deadlineMs, ...fields } = data;
  const deprecated = (name: string) => () => {
    throw new Error(`context.${name}() is not supported; return a value (or a promise) from the handler`);
  };
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: deprecated('done'),
    fail: deprecated('fail'),
    succeed: deprecated('succeed'),
  };
}

/** One line on stderr in the JSON shape of the api's own logs. */
function logError(message: string, error: LambdaErrorPayload, requestId?: string): void {
  const line = { level: 'ERROR', message, timestamp: new Date().toISOString(), service: 'lambda-runtime', requestId, ...error };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * Runs the execution environment in this process: loads the handler, tells the stack it is ready,
 * then answers `invoke` messages one at a time until `shutdown`. Must be started with an IPC channel.
 *
 * @example
 * // lambda-environment.ts:
 * fork(runtimeFile, [], { env: { LAMBDA_TASK_ROOT: dir, _HANDLER: 'main.handler', ...env } });
 */
export function runLambdaRuntime(): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stderr.write('lambda-runtime: start me with an IPC channel (child_process.fork)\n');
    process.exit(2);
  }
  const post = (message: FromRuntime, then?: () => void) => {
    if (!process.connected) return then?.();
    send(message, undefined, {}, () => then?.());
  };
  let current: { id: number; requestId: string } | undefined;
  let exiting = false;
  const exitAfter = (message: FromRuntime, code: number) => {
    exiting = true;
    post(message, () => process.exit(code));
  };

  process.on('SIGINT', () => undefined);
  process.on('disconnect', () => process.exit(0));
  const fatal = (kind: string) => (error: unknown) => {
    if (exiting) return;
    const payload = toErrorPayload(error, kind);
    if (!(error instanceof Error)) payload.errorType = kind;
    logError(kind === 'Runtime.UnhandledPromiseRejection' ? 'Unhandled promise rejection' : 'Uncaught exception', payload, current?.requestId);
    exitAfter({ type: 'fatal', id: current?.id, error: payload }, FATAL_EXIT_CODE);
  };
  process.on('uncaughtException', fatal('Runtime.UncaughtException'));
  process.on('unhandledRejection', fatal('Runtime.UnhandledPromiseRejection'));

  const started = performance.now();
  let handler: Handler;
  try {
    const taskRoot = process.env['LAMBDA_TASK_ROOT'] ?? process.cwd();
    handler = loadHandler(resolveHandler(taskRoot, process.env['_HANDLER'] ?? 'main.handler'));
  } catch (error) {
    const payload = toErrorPayload(error, 'Runtime.ImportModuleError');
    logError('Init failed', payload);
    exitAfter({ type: 'init-error', error: payload }, 1);
    return;
  }
  post({ type: 'ready', initDurationMs: Math.round(performance.now() - started) });

  const queue: ToRuntime[] = [];
  let busy = false;

  async function invoke(id: number, event: unknown, data: InvocationContext): Promise<void> {
    current = { id, requestId: data.awsRequestId };
    let reply: FromRuntime;
    try {
      const result = await handler(event, toContext(data));
      reply = { type: 'result', id, json: JSON.stringify(result ?? null) };
    } catch (error) {
      reply = { type: 'invoke-error', id, error: toErrorPayload(error) };
    }
    current = undefined;
    if (!exiting) post(reply);
  }

  async function shutdown(): Promise<void> {
    exiting = true;
    if (typeof handler.dispose === 'function') {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISPOSE_TIMEOUT_MS)));
      await Promise.race([Promise.resolve().then(() => handler.dispose?.()), timeout]).catch((error: unknown) =>
        logError('dispose() failed at shutdown', toErrorPayload(error)),
      );
      clearTimeout(timer);
    }
    process.exit(0);
  }

  async function drain(): Promise<void> {
    if (busy) return;
    busy = true;
    for (let message = queue.shift(); message !== undefined && !exiting; message = queue.shift()) {
      if (message.type === 'shutdown') await shutdown();
      else await invoke(message.id, message.event, message.context);
    }
    busy = false;
  }

  process.on('message', (message: ToRuntime) => {
    queue.push(message);
    void drain();
  });
}

if (require.main === module) runLambdaRuntime();
