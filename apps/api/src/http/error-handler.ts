import type { MiddlewareObj } from '@middy/core';
import { DatabaseUnavailableError, DuplicateEntryError, QueryTimeoutError, StatementOutcomeUnknownError } from '@serverless-app/db';
import { type ConflictCode, ConflictError, NotFoundError, ValidationError } from '../kit/errors';
import { summarizeError } from './error-summary';
import { HttpError } from './http-error';
import { json, type HttpResponse } from './response';
import type { HttpEvent } from './route';

/** What the error middleware needs of a logger (a Powertools Logger fits). */
export interface ErrorLogger {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
  /** The current level (`DEBUG`, `INFO`, `WARN`, `ERROR`, …); rejections are not logged above `WARN`. */
  getLevelName?(): string;
}

interface Answer {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  details?: unknown;
}

const internal: Answer = { status: 500, code: 'internal_error', message: 'internal server error' };

/** The code a conflict is answered with. */
const CONFLICT_CODES: Record<ConflictCode, string> = { duplicate: 'conflict', idempotency_key_reused: 'idempotency_key_reused', in_progress: 'conflict' };

/** The HTTP contract: one place that maps every error to a status. */
export function toAnswer(error: unknown): Answer {
  if (error instanceof HttpError) {
    return { status: error.statusCode, code: error.code, message: error.message, headers: error.options.headers, details: error.options.details };
  }
  if (error instanceof NotFoundError) return { status: 404, code: 'not_found', message: error.message };
  if (error instanceof ValidationError) return { status: 422, code: 'invalid_input', message: error.message, details: error.details };
  if (error instanceof ConflictError) return { status: 409, code: CONFLICT_CODES[error.code], message: error.message };
  if (error instanceof DuplicateEntryError) return { status: 409, code: 'conflict', message: 'a record with the same unique value exists' };
  if (error instanceof DatabaseUnavailableError) {
    return { status: 503, code: 'database_unavailable', message: 'the database is unavailable; retry later', headers: { 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof QueryTimeoutError || error instanceof StatementOutcomeUnknownError) {
    return { status: 503, code: 'database_unavailable', message: 'the database did not complete the request; retry later', headers: { 'retry-after': '1' } };
  }
  return internal;
}

const QUIET_LEVELS = new Set(['ERROR', 'CRITICAL', 'SILENT']);

/**
 * The one error middleware. Register it last, so its `onError` runs first.
 * Client errors are logged as warnings (status and code only); server errors
 * as errors with a safe summary of the error chain ({@link summarizeError}),
 * and answered with a generic message.
 *
 * @example
 * middy(router).use(injectLambdaContext(logger)).use(httpErrorHandler(logger));
 */
export function httpErrorHandler(logger: ErrorLogger): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    onError: (request) => {
      const answer = toAnswer(request.error);
      const body = { error: { code: answer.code, message: answer.message, ...(answer.details ? { details: answer.details } : {}) } };
      if (answer.status >= 500) logger.error('request failed', { status: answer.status, error: summarizeError(request.error) });
      else if (!QUIET_LEVELS.has(logger.getLevelName?.() ?? 'WARN')) logger.warn('request rejected', { status: answer.status, code: answer.code });
      request.response = json(answer.status, body, answer.headers);
    },
  };
}
