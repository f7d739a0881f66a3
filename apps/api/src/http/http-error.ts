/**
 * An error that already knows its HTTP answer: the protocol's own failures
 * (unknown route, wrong method, body not JSON, too large). Domain failures are
 * the kit's errors (`kit/errors.ts`); the error middleware maps both.
 */
export class HttpError extends Error {
  override name = 'HttpError';

  /**
   * @example
   * throw new HttpError(415, 'unsupported_media_type', 'the body must be JSON: send content-type: application/json');
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly options: { headers?: Record<string, string>; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}
