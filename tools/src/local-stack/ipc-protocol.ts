/**
 * The messages between the local stack and a Lambda execution environment (a child Node process
 * running `lambda-runtime.ts`), sent over Node's IPC channel as JSON.
 */

/** The data fields of a Lambda `Context`; the runtime rebuilds the functions from `deadlineMs`. */
export interface InvocationContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /** Epoch milliseconds when the invocation times out; `getRemainingTimeInMillis()` counts down to it. */
  deadlineMs: number;
}

/** An error as the Lambda runtime reports it (`errorType`, `errorMessage`, `trace`). */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** Stack → environment. */
export type ToRuntime =
  | { type: 'invoke'; id: number; event: unknown; context: InvocationContext }
  /** Finish the invocation in flight, dispose the handler if it can be, exit. */
  | { type: 'shutdown' };

/** Environment → stack. */
export type FromRuntime =
  /** The handler module was loaded (the cold start) and the handler found. */
  | { type: 'ready'; initDurationMs: number }
  /** Loading the handler failed; the process exits next. */
  | { type: 'init-error'; error: LambdaErrorPayload }
  /** The handler's result, JSON-encoded by the runtime as Lambda does (`undefined` → `null`). */
  | { type: 'result'; id: number; json: string }
  /** The handler threw or rejected. */
  | { type: 'invoke-error'; id: number; error: LambdaErrorPayload }
  /** An uncaught exception or unhandled rejection; the process exits next (`id`: the invocation in flight). */
  | { type: 'fatal'; id: number | undefined; error: LambdaErrorPayload };

/**
 * Turns anything thrown into the payload Lambda reports.
 *
 * @example
 * toErrorPayload(new TypeError('boom')); // { errorType: 'TypeError', errorMessage: 'boom', trace: ['TypeError: boom', '    at ...'] }
 */
export function toErrorPayload(error: unknown, fallbackType = 'Error'): LambdaErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name || fallbackType, errorMessage: error.message, trace: (error.stack ?? '').split('\n').filter(Boolean) };
  }
  return { errorType: fallbackType, errorMessage: typeof error === 'string' ? error : safeStringify(error), trace: [] };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
