/**
 * An error that already knows its HTTP answer. Route code throws these for
 * client mistakes; the error middleware turns them into responses.
 */
export class HttpError extends Error {
  override name = 'HttpError';

  /**
   * @example
   * throw new HttpError(404, 'not_found', 'item 42 does not exist');
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

/** 422 with the list of problems, for invalid input. */
export const invalidInput = (message: string, details?: unknown) => new HttpError(422, 'invalid_input', message, { details });

export const notFound = (message: string) => new HttpError(404, 'not_found', message);
