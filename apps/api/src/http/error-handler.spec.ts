import {
  DatabaseAuthError,
  DatabaseError,
  DatabaseUnavailableError,
  DuplicateEntryError,
  PinningError,
  QueryTimeoutError,
  StatementOutcomeUnknownError,
} from '@serverless-app/db';
import { createError } from '@middy/util';
import { HttpError } from './http-error';
import { httpErrorHandler, toAnswer } from './error-handler';

describe('toAnswer: the HTTP contract', () => {
  it.each<[string, unknown, number, string]>([
    ['an HttpError', new HttpError(404, 'not_found', 'item 1 does not exist'), 404, 'not_found'],
    ['a duplicate', new DuplicateEntryError('duplicate entry', { key: 'uq' }), 409, 'conflict'],
    ['an unavailable database', new DatabaseUnavailableError('down', { retryAfterSeconds: 3, attempts: 4 }), 503, 'database_unavailable'],
    ['a statement timeout', new QueryTimeoutError('slow'), 503, 'database_unavailable'],
    ['an unknown outcome', new StatementOutcomeUnknownError('lost'), 503, 'database_unavailable'],
    ['wrong credentials', new DatabaseAuthError('denied'), 500, 'internal_error'],
    ['a pinning error', new PinningError([]), 500, 'internal_error'],
    ['any other database error', new DatabaseError("Table 'app.items' doesn't exist"), 500, 'internal_error'],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, 'internal_error'],
    ['a thrown string', 'boom', 500, 'internal_error'],
    ["Middy's malformed JSON", createError(415, 'Invalid or malformed JSON was provided', { cause: { package: '@middy/http-json-body-parser' } }), 422, 'invalid_json'],
  ])('maps %s', (_name, error, status, code) => {
    expect(toAnswer(error)).toMatchObject({ status, code });
  });

  it('never exposes internals in a 5xx message', () => {
    expect(toAnswer(new DatabaseError("Table 'app.secret_table' doesn't exist")).message).toBe('internal server error');
  });

  it('carries Retry-After from the database error and Allow from a 405', () => {
    expect(toAnswer(new DatabaseUnavailableError('down', { retryAfterSeconds: 7, attempts: 4 })).headers).toEqual({ 'retry-after': '7' });
    expect(toAnswer(new HttpError(405, 'method_not_allowed', 'no', { headers: { allow: 'GET' } })).headers).toEqual({ allow: 'GET' });
  });
});

describe('httpErrorHandler', () => {
  it('answers JSON, logs 5xx as errors and 4xx as warnings', () => {
    const logger = { warn: jest.fn(), error: jest.fn() };
    const middleware = httpErrorHandler(logger);
    const serverError = { error: new Error('secret detail'), response: undefined } as never as Parameters<NonNullable<typeof middleware.onError>>[0];
    const clientError = { error: new HttpError(404, 'not_found', 'nope'), response: undefined } as never as Parameters<NonNullable<typeof middleware.onError>>[0];

    void middleware.onError?.(serverError);
    void middleware.onError?.(clientError);

    expect(JSON.parse(serverError.response?.body ?? '')).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    expect(serverError.response?.body).not.toContain('secret detail');
    expect(clientError.response?.statusCode).toBe(404);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith('request rejected', { status: 404, code: 'not_found' });
  });
});
