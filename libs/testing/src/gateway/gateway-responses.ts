/**
 * The responses API Gateway itself sends, byte for byte where captured responses show them
 * (`{"message": "Internal server error"}` is 36 bytes with the space; the 403 has none).
 */
import type { GatewayResponse } from './proxy-result';

export interface GatewayError {
  statusCode: number;
  /** `x-amzn-ErrorType`, where captured responses show it. */
  errorType?: string;
  body: string;
}

/** Outside the deployed stage (e.g. `/prod/...` on a `dev`-only API, or no stage at all). */
export const FORBIDDEN: GatewayError = { statusCode: 403, errorType: 'ForbiddenException', body: '{"message":"Forbidden"}' };
/** REQUEST_TOO_LARGE; the status is documented, the message is this emulator's choice. */
export const REQUEST_TOO_LARGE: GatewayError = { statusCode: 413, body: '{"message":"Request Too Long"}' };
/** The Lambda failed, or returned a malformed proxy response. */
export const BAD_GATEWAY: GatewayError = {
  statusCode: 502,
  errorType: 'InternalServerErrorException',
  body: '{"message": "Internal server error"}',
};
/** API_CONFIGURATION_ERROR, e.g. a body marked `isBase64Encoded` that does not decode. */
export const CONFIGURATION_ERROR: GatewayError = {
  statusCode: 500,
  errorType: 'InternalServerErrorException',
  body: '{"message": "Internal server error"}',
};
/** INTEGRATION_TIMEOUT: no result within the integration timeout. */
export const TIMED_OUT: GatewayError = {
  statusCode: 504,
  errorType: 'InternalServerErrorException',
  body: '{"message": "Endpoint request timed out"}',
};

/** The `x-amzn-ErrorType` values of IAM authorization's 403 answers. */
export type AuthErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'AccessDeniedException';

/**
 * A 403 of IAM authorization: `x-amzn-ErrorType` and `{"message":"..."}`.
 *
 * @example
 * authError('InvalidSignatureException', 'Signature expired: ...');
 */
export function authError(errorType: AuthErrorType, message: string): GatewayError {
  return { statusCode: 403, errorType, body: JSON.stringify({ message }) };
}

/** An `iam` method called without a signature (no `Authorization` header, no presigned query). */
export const MISSING_AUTHENTICATION_TOKEN = authError('MissingAuthenticationTokenException', 'Missing Authentication Token');

/** A gateway error as a response to write. */
export function errorResponse(error: GatewayError): GatewayResponse {
  return {
    statusCode: error.statusCode,
    headers: [
      ['Content-Type', ['application/json']],
      ...(error.errorType ? [['x-amzn-ErrorType', [error.errorType]] satisfies [string, string[]]] : []),
    ],
    body: Buffer.from(error.body),
  };
}
