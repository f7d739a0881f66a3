import { inspect } from 'node:util';
import { DatabaseAuthError, DatabaseError, DatabaseUnavailableError } from '../errors';
import { CredentialsUnavailableError, failureSummary, SecretsManagerFetchError, toSecretFailure } from './errors';

const SECRET = 'hunter2-Qx9!';

describe('SecretsManagerFetchError.from', () => {
  it('keeps the AWS error name, status and Node code, and drops the message and response', () => {
    const sdkError = Object.assign(new Error(`User: arn:aws:iam::1:role/x is not authorized; value ${SECRET}`), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400, requestId: 'r-1' },
      $response: { body: SECRET },
      $fault: 'client',
    });

    const safe = SecretsManagerFetchError.from('AWSCURRENT', sdkError);

    expect(safe).toMatchObject({ name: 'SecretsManagerFetchError', errorName: 'AccessDeniedException', httpStatusCode: 400, stage: 'AWSCURRENT', code: undefined });
    expect(safe.message).toBe('GetSecretValue (AWSCURRENT) failed: AccessDeniedException, HTTP 400');
    expect(safe.cause).toBeUndefined();
    expect(inspect(safe, { depth: 10 })).not.toContain(SECRET);
  });

  it('keeps a Node system error code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 2 } });

    expect(SecretsManagerFetchError.from('AWSPENDING', refused)).toMatchObject({ errorName: 'Error', code: 'ECONNREFUSED', httpStatusCode: undefined });
  });

  it.each([
    ['a name with spaces or quotes', { name: `Bad "${SECRET}"` }, { errorName: 'Error' }],
    ['a lowercase code', { name: 'Error', code: `secret:${SECRET}` }, { errorName: 'Error', code: undefined }],
    ['a non-integer status', { name: 'X', $metadata: { httpStatusCode: '500' } }, { errorName: 'X', httpStatusCode: undefined }],
    ['a string', SECRET, { errorName: 'Error' }],
    ['undefined', undefined, { errorName: 'Error' }],
  ])('reduces %s to safe facts', (_label, error, expected) => {
    const safe = SecretsManagerFetchError.from('AWSCURRENT', error);

    expect(safe).toMatchObject(expected);
    expect(inspect(safe, { depth: 10 })).not.toContain(SECRET);
  });

  it('returns an error that is already safe as is', () => {
    const safe = new SecretsManagerFetchError('AWSCURRENT', { errorName: 'TimeoutError' });

    expect(SecretsManagerFetchError.from('AWSCURRENT', safe)).toBe(safe);
  });
});

describe('toSecretFailure', () => {
  it('keeps a malformed-secret message and drops any cause', () => {
    const parseError = new DatabaseAuthError('database secret field "password" must be a non-empty string, got number', { cause: new Error(SECRET) });

    const failure = toSecretFailure('AWSCURRENT', parseError);

    expect(failure).toBeInstanceOf(DatabaseAuthError);
    expect(failure.message).toBe(parseError.message);
    expect(failure).toMatchObject({ code: 'MALFORMED_SECRET' });
    expect(failure.cause).toBeUndefined();
    expect(failureSummary(failure)).toEqual({ name: 'DatabaseAuthError', code: 'MALFORMED_SECRET' });
  });
});

describe('CredentialsUnavailableError', () => {
  it('is a DatabaseUnavailableError with a safe cause, code and Retry-After hint', () => {
    const cause = new SecretsManagerFetchError('AWSCURRENT', { errorName: 'ThrottlingException', httpStatusCode: 400 });

    const error = new CredentialsUnavailableError('database credentials are unavailable: Secrets Manager ThrottlingException', { cause, retryAfterSeconds: 2, attempts: 3 });

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ name: 'CredentialsUnavailableError', code: 'ThrottlingException', retryAfterSeconds: 2, attempts: 3, cause });
  });

  it('takes the Node code over the error name', () => {
    const cause = new SecretsManagerFetchError('AWSCURRENT', { errorName: 'Error', code: 'ECONNREFUSED' });

    expect(new CredentialsUnavailableError('x', { cause, retryAfterSeconds: 1, attempts: 1 }).code).toBe('ECONNREFUSED');
  });
});
