import { type ChildProcess, fork } from 'node:child_process';
import type { Context } from 'aws-lambda';
import type { FromRuntime, InvocationContext, ToRuntime } from './ipc-protocol';
import { LambdaError } from './lambda-errors';

/** Options of {@link LambdaEnvironment}. */
export interface LambdaEnvironmentOptions {
  /** The bundled runtime script (see `build-runtime.ts`). */
  runtimeFile: string;
  /** The folder holding the handler module (`LAMBDA_TASK_ROOT`). */
  taskRoot: string;
  /** `_HANDLER`. @default 'main.handler' */
  handler?: string;
  /** The whole environment of the process (nothing is inherited from the stack's own). */
  env: Record<string, string>;
  /** Where the process writes: the stack's terminal, or pipes for the caller to read. @default 'inherit' */
  stdio?: 'inherit' | 'pipe';
  /** Called with each chunk the process writes when `stdio` is `'pipe'`. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Time allowed for loading the handler, as Lambda's 10 s init phase. @default 10_000 */
  initTimeoutMs?: number;
}

interface Pending {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

let nextEnvironmentId = 1;

function payload(errorType: string, errorMessage: string) {
  return { errorType, errorMessage, trace: [] };
}

/**
 * One Lambda execution environment: a child Node process running the runtime script, which loads the
 * handler module once (the cold start) and runs one invocation at a time. The function timeout is
 * enforced from here: an invocation that outlives its deadline kills the process, as Lambda does.
 *
 * @example
 * const environment = new LambdaEnvironment({ runtimeFile, taskRoot: bundle.dir, env });
 * await environment.ready; // the cold start
 * const result = await environment.invoke(event, context);
 * await environment.stop();
 */
export class LambdaEnvironment {
  readonly id = nextEnvironmentId++;
  /** Resolves with the init duration once the handler is loaded; rejects with a {@link LambdaError} (`init`). */
  readonly ready: Promise<number>;
  private readonly child: ChildProcess;
  private pending: Pending | undefined;
  private invocations = 0;
  private exitResult: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  /**
   * Resolves once the process has exited and the invocation in flight (if any) was failed: with `undefined`
   * after a requested {@link stop}, else with why it ended (crash, init failure, timeout).
   */
  readonly closed: Promise<LambdaError | undefined>;
  private isReady = false;
  /** Set once the process is known to be on its way out (fatal error, killed): it takes no more invocations. */
  private doomed = false;
  private stopping: Promise<void> | undefined;
  /** The error an `init-error`/`fatal` message reported, used when the process exits. */
  private lastError: LambdaError | undefined;

  constructor(options: LambdaEnvironmentOptions) {
    const piped = options.stdio === 'pipe';
    this.child = fork(options.runtimeFile, [], {
      cwd: options.taskRoot,
      env: { ...options.env, LAMBDA_TASK_ROOT: options.taskRoot, _HANDLER: options.handler ?? 'main.handler' },
      execArgv: ['--enable-source-maps'],
      stdio: piped ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    if (piped) {
      this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => options.onOutput?.(chunk, 'stdout'));
      this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => options.onOutput?.(chunk, 'stderr'));
    }
    this.exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitResult = { code, signal };
        resolve();
      });
    });
    let closed!: (error: LambdaError | undefined) => void;
    this.closed = new Promise((resolve) => (closed = resolve));
    this.ready = new Promise<number>((resolve, reject) => {
      const initTimer = setTimeout(() => {
        this.lastError = new LambdaError(payload('Runtime.InitTimeout', `Init did not finish within ${options.initTimeoutMs ?? 10_000} ms`), 'init');
        reject(this.lastError);
        this.kill();
      }, options.initTimeoutMs ?? 10_000);
      this.child.on('message', (message: FromRuntime) => {
        if (message.type === 'ready') {
          clearTimeout(initTimer);
          this.isReady = true;
          resolve(message.initDurationMs);
        } else if (message.type === 'init-error') {
          this.lastError = new LambdaError(message.error, 'init');
        } else {
          this.onRuntimeMessage(message);
        }
      });
      this.child.once('error', (error) => {
        this.lastError ??= new LambdaError(payload('Runtime.StartError', error.message), 'init');
      });
      void this.exited.then(() => {
        clearTimeout(initTimer);
        const failure = this.exitError();
        reject(this.isReady ? failure : this.lastError ?? failure);
        this.settle(undefined, this.lastError?.phase === 'runtime' ? this.lastError : failure);
        closed(this.stopping === undefined ? this.lastError ?? failure : undefined);
      });
    });
    // A rejection nobody awaits (the environment died after init) is not an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** The process id (for the stack's emergency cleanup and the tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether an invocation is in flight. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Whether the process has exited. */
  get hasExited(): boolean {
    return this.exitResult !== undefined;
  }

  /** Whether the process still runs and accepts invocations. */
  get alive(): boolean {
    return this.exitResult === undefined && this.stopping === undefined && !this.doomed;
  }

  /** How many invocations this environment has answered or failed. */
  get invocationCount(): number {
    return this.invocations;
  }

  /**
   * Runs one invocation. Rejects with a {@link LambdaError} when the handler throws, the process
   * crashes or the context's remaining time runs out (the process is then killed).
   */
  invoke(event: unknown, context: Context): Promise<unknown> {
    if (!this.alive) return Promise.reject(new Error(`Lambda environment ${this.id} is not running`));
    if (this.pending) return Promise.reject(new Error(`Lambda environment ${this.id} is busy; it runs one invocation at a time`));
    const id = ++this.invocations;
    const remaining = context.getRemainingTimeInMillis();
    const data: InvocationContext = {
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      deadlineMs: Date.now() + remaining,
    };
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seconds = (remaining / 1000).toFixed(2);
        this.lastError = new LambdaError(payload('Sandbox.Timedout', `Task timed out after ${seconds} seconds`), 'timeout');
        this.settle(undefined, this.lastError);
        this.kill();
      }, remaining);
      this.pending = { id, resolve, reject, timer };
      this.send({ type: 'invoke', id, event, context: data });
    });
  }

  /**
   * Shuts the environment down: waits for the invocation in flight, lets the handler dispose (close its
   * database pool), then SIGKILLs it if it has not exited after `graceMs`. Idempotent.
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitResult !== undefined) return;
      this.send({ type: 'shutdown' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      if (this.exitResult === undefined) {
        this.kill();
        await this.exited;
      }
    })();
    return this.stopping;
  }

  /** SIGKILL, synchronously (timeouts, forced exit). */
  kill(): void {
    this.doomed = true;
    if (this.exitResult !== undefined) return;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }

  private send(message: ToRuntime): void {
    if (!this.child.connected) return;
    this.child.send(message, (error) => {
      if (error) this.kill();
    });
  }

  private onRuntimeMessage(message: FromRuntime): void {
    if (message.type === 'result' && message.id === this.pending?.id) {
      let value: unknown;
      try {
        value = JSON.parse(message.json);
      } catch (error) {
        this.settle(undefined, new LambdaError(payload('Runtime.MarshalError', String(error)), 'invoke'));
        return;
      }
      this.settle(value);
    } else if (message.type === 'invoke-error' && message.id === this.pending?.id) {
      this.settle(undefined, new LambdaError(message.error, 'invoke'));
    } else if (message.type === 'fatal') {
      this.doomed = true;
      this.lastError = new LambdaError(message.error, 'runtime');
      if (message.id !== undefined && message.id === this.pending?.id) this.settle(undefined, this.lastError);
    }
  }

  private settle(value: unknown, error?: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  private exitError(): LambdaError {
    const { code, signal } = this.exitResult ?? { code: null, signal: null };
    const how = signal ? `signal: ${signal.toLowerCase().replace(/^sig/, '')}` : `exit status ${code}`;
    return new LambdaError(payload('Runtime.ExitError', `Runtime exited with error: ${how}`), 'runtime');
  }
}
