import type { LambdaErrorPayload } from './ipc-protocol';

/**
 * The function failed: its handler threw (`Function error`), its module failed to load (`init`), it
 * crashed (`Runtime.ExitError`) or it ran out of time. The gateway answers 502 (504 for its own timeout).
 *
 * @example
 * try { await environment.invoke(event, context); } catch (e) { if (e instanceof LambdaError) log(e.payload.errorType); }
 */
export class LambdaError extends Error {
  constructor(
    readonly payload: LambdaErrorPayload,
    readonly phase: 'init' | 'invoke' | 'runtime' | 'timeout',
  ) {
    super(`${payload.errorType}: ${payload.errorMessage}`);
    this.name = 'LambdaError';
  }
}
