/**
 * Service errors of the local Secrets Manager endpoint, in the shape the AWS JSON 1.1 protocol sends them:
 * an HTTP status, the `x-amzn-ErrorType` header and a `{"__type", "message"}` body.
 */

/** HTTP status for an error name; everything not listed is a 400 client error. */
const SERVER_FAULTS: Readonly<Record<string, number>> = {
  InternalServiceError: 500,
  InternalFailure: 500,
  ServiceUnavailable: 503,
};

/** The status code AWS uses for `errorName` (400 for client errors, 5xx for the server faults). */
export function statusForError(errorName: string): number {
  return SERVER_FAULTS[errorName] ?? 400;
}

/**
 * An error the endpoint returns to its caller as a Secrets Manager service error.
 *
 * @example
 * ```ts
 * throw new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
 * ```
 */
export class SecretsManagerError extends Error {
  /** The AWS error code, e.g. `ResourceNotFoundException`; becomes the SDK error's `name`. */
  readonly type: string;
  /** HTTP status code of the response. */
  readonly status: number;

  constructor(type: string, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = type;
    this.type = type;
    this.status = options?.status ?? statusForError(type);
  }
}

/** `ResourceNotFoundException` with the message AWS uses for an unknown secret. */
export function secretNotFound(): SecretsManagerError {
  return new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

/** `InvalidParameterException`: a parameter value is invalid. */
export function invalidParameter(message: string): SecretsManagerError {
  return new SecretsManagerError('InvalidParameterException', message);
}

/** `InvalidRequestException`: the request is not valid for the current state of the secret. */
export function invalidRequest(message: string): SecretsManagerError {
  return new SecretsManagerError('InvalidRequestException', message);
}

/** `SerializationException`: the body is not JSON or a field has the wrong JSON type. */
export function serializationError(message: string): SecretsManagerError {
  return new SecretsManagerError('SerializationException', message);
}
