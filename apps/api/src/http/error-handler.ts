import type { MiddlewareObj } from '@middy/core';
import {
  DatabaseAuthError,
  DatabaseUnavailableError,
  DuplicateEntryError,
  QueryTimeoutError,
  StatementOutcomeUnknownError,
} from '@serverless-app/db';
import type { HttpEvent } from './router';
import { HttpError } from './http-error';
import { json, type HttpResponse } from './response';

/** What the error middleware needs of a logger (a Powertools Logger fits). */
export interface ErrorLogger {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

interface Answer {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  details?: unknown;
}

const internal: Answer = { status: 500, code: 'internal_error', message: 'internal server error' };

/** Middy's own HTTP errors (`createError`): a status, an `expose` flag, and a cause naming the package. */
interface MiddyHttpError {
  statusCode: number;
  expose?: boolean;
  cause?: { package?: string };
}
const isMiddyHttpError = (e: unknown): e is MiddyHttpError =>
  typeof e === 'object' && e !== null && typeof (e as MiddyHttpError).statusCode === 'number' && 'expose' in e;

/** The HTTP contract: one place that maps every error to a status. */
export function toAnswer(error: unknown): Answer {
  if (error instanceof HttpError) {
    return { status: error.statusCode, code: error.code, message: error.message, headers: error.options.headers, details: error.options.details };
  }
  if (isMiddyHttpError(error)) {
    if (error.cause?.package === '@middy/http-json-body-parser') {
      return { status: 422, code: 'invalid_json', message: 'the body is not valid JSON' };
    }
    return error.statusCode < 500 ? { status: error.statusCode, code: 'bad_request', message: 'bad request' } : internal;
  }
  if (error instanceof DuplicateEntryError) return { status: 409, code: 'conflict', message: 'a record with the same unique value exists' };
  if (error instanceof DatabaseUnavailableError) {
    return { status: 503, code: 'database_unavailable', message: 'the database is unavailable; retry later', headers: { 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof QueryTimeoutError || error instanceof StatementOutcomeUnknownError) {
    return { status: 503, code: 'database_unavailable', message: 'the database did not complete the request; retry later', headers: { 'retry-after': '1' } };
  }
  if (error instanceof DatabaseAuthError) return internal;
  return internal;
}

/**
 * The one error middleware. Register it last, so its `onError` runs first.
 * Client errors are logged as warnings; server errors are logged in full but
 * answered with a generic message.
 *
 * @example
 * middy(router).use(injectLambdaContext(logger)).use(httpErrorHandler(logger));
 */
export function httpErrorHandler(logger: ErrorLogger): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    onError: (request) => {
      const answer = toAnswer(request.error);
      const body = { error: { code: answer.code, message: answer.message, ...(answer.details ? { details: answer.details } : {}) } };
      if (answer.status >= 500) logger.error('request failed', { status: answer.status, error: request.error });
      else logger.warn('request rejected', { status: answer.status, code: answer.code });
      request.response = json(answer.status, body, answer.headers);
    },
  };
}
