import {
  DatabaseAuthError,
  DatabaseError,
  DatabaseUnavailableError,
  DuplicateEntryError,
  PinningError,
  QueryTimeoutError,
  StatementOutcomeUnknownError,
} from '@serverless-app/db';
import { ConflictError, NotFoundError, ValidationError } from '../kit/errors';
import { HttpError } from './http-error';
import { httpErrorHandler, toAnswer } from './error-handler';

type OnError = NonNullable<ReturnType<typeof httpErrorHandler>['onError']>;
const failing = (error: unknown) => ({ error, response: undefined }) as never as Parameters<OnError>[0];

describe('toAnswer: the HTTP contract', () => {
  it.each<[string, unknown, number, string]>([
    ['an HttpError', new HttpError(415, 'unsupported_media_type', 'send JSON'), 415, 'unsupported_media_type'],
    ['a missing record', new NotFoundError('item 1 does not exist'), 404, 'not_found'],
    ['invalid input', new ValidationError('invalid item', [{ path: 'name', message: 'must be a string' }]), 422, 'invalid_input'],
    ['a duplicate (domain)', new ConflictError('duplicate', 'exists'), 409, 'conflict'],
    ['a reused idempotency key', new ConflictError('idempotency_key_reused', 'reused'), 409, 'idempotency_key_reused'],
    ['a create still in progress', new ConflictError('in_progress', 'retry'), 409, 'conflict'],
    ['a duplicate (database)', new DuplicateEntryError('duplicate entry', { key: 'uq' }), 409, 'conflict'],
    ['an unavailable database', new DatabaseUnavailableError('down', { retryAfterSeconds: 3, attempts: 4 }), 503, 'database_unavailable'],
    ['a statement timeout', new QueryTimeoutError('slow'), 503, 'database_unavailable'],
    ['an unknown outcome', new StatementOutcomeUnknownError('lost'), 503, 'database_unavailable'],
    ['wrong credentials', new DatabaseAuthError('denied'), 500, 'internal_error'],
    ['a pinning error', new PinningError([]), 500, 'internal_error'],
    ['any other database error', new DatabaseError("Table 'app.items' doesn't exist"), 500, 'internal_error'],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, 'internal_error'],
    ['a thrown string', 'boom', 500, 'internal_error'],
    ['an error with a status of its own', Object.assign(new Error('Bad things'), { statusCode: 400, expose: true }), 500, 'internal_error'],
  ])('maps %s', (_name, error, status, code) => {
    expect(toAnswer(error)).toMatchObject({ status, code });
  });

  it('keeps the messages and details of domain errors', () => {
    expect(toAnswer(new NotFoundError('item 7 does not exist'))).toEqual({ status: 404, code: 'not_found', message: 'item 7 does not exist' });
    expect(toAnswer(new ValidationError('invalid item', [{ path: 'name', message: 'must be a string' }]))).toMatchObject({
      message: 'invalid item',
      details: [{ path: 'name', message: 'must be a string' }],
    });
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
  it('answers JSON, logs 5xx as errors with a summary and 4xx as warnings with status and code', () => {
    const logger = { warn: jest.fn(), error: jest.fn() };
    const middleware = httpErrorHandler(logger);
    const serverError = failing(new Error('secret detail'));
    const clientError = failing(new NotFoundError('nope'));

    void middleware.onError?.(serverError);
    void middleware.onError?.(clientError);

    expect(JSON.parse(serverError.response?.body ?? '')).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    expect(serverError.response?.body).not.toContain('secret detail');
    expect(clientError.response?.statusCode).toBe(404);
    expect(logger.error).toHaveBeenCalledWith('request failed', { status: 500, error: expect.objectContaining({ name: 'Error' }) });
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('secret detail');
    expect(logger.warn).toHaveBeenCalledWith('request rejected', { status: 404, code: 'not_found' });
  });

  it('builds no rejection record when warnings are off', () => {
    const logger = { warn: jest.fn(), error: jest.fn(), getLevelName: () => 'ERROR' };
    const request = failing(new NotFoundError('nope'));

    void httpErrorHandler(logger).onError?.(request);

    expect(request.response?.statusCode).toBe(404);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
