import { DatabaseAuthError, DatabaseError, StatementOutcomeUnknownError } from '@serverless-app/db';
import fc from 'fast-check';
import { NotFoundError } from '../kit/errors';
import { summarizeError } from './error-summary';
import { HttpError } from './http-error';

/** An error as mysql2 raises it: the statement with its values inlined, the server's message. */
function driverError(value: string): Error {
  return Object.assign(new Error(`Incorrect string value: '${value}' for column 'name'`), {
    code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
    errno: 1366,
    sql: `INSERT INTO items (name) VALUES ('${value}')`,
    sqlMessage: `Incorrect string value: '${value}' for column 'name'`,
    values: [value],
  });
}

describe('summarizeError', () => {
  it('keeps name, code, errno and frames of a driver error, and nothing it carries', () => {
    const summary = summarizeError(driverError('canary-1'));

    expect(summary).toEqual({ name: 'Error', code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', errno: 1366, stack: expect.any(Array) });
    expect(summary.stack?.every((frame) => frame.startsWith('at '))).toBe(true);
    expect(JSON.stringify(summary)).not.toContain('canary-1');
  });

  it("drops the server's message that libs/db passes on, keeps the messages libs/db writes", () => {
    const server = new DatabaseError("Incorrect string value: 'canary-2'", { errno: 1366, cause: driverError('canary-2') });
    const ours = new StatementOutcomeUnknownError('connection lost while running INSERT', { code: 'PROTOCOL_CONNECTION_LOST', cause: driverError('canary-3') });

    expect(summarizeError(server)).toMatchObject({ name: 'DatabaseError', errno: 1366, cause: { name: 'DriverError', errno: 1366 } });
    expect(JSON.stringify(summarizeError(server))).not.toContain('canary-2');
    expect(summarizeError(ours)).toMatchObject({ name: 'StatementOutcomeUnknownError', message: 'connection lost while running INSERT', cause: { errno: 1366 } });
    expect(JSON.stringify(summarizeError(ours))).not.toContain('canary-3');
    expect(summarizeError(new DatabaseAuthError('database secret field "password" must be a non-empty string'))).toMatchObject({
      message: 'database secret field "password" must be a non-empty string',
    });
  });

  it('keeps the messages of domain and HTTP errors', () => {
    expect(summarizeError(new NotFoundError('item 4 does not exist')).message).toBe('item 4 does not exist');
    expect(summarizeError(new HttpError(413, 'payload_too_large', 'the body must be at most 16384 bytes')).message).toBe('the body must be at most 16384 bytes');
  });

  it('summarises what is not an Error by its type only', () => {
    expect(summarizeError('canary-4')).toEqual({ name: 'string' });
    expect(summarizeError({ sql: 'canary-5' })).toEqual({ name: 'object' });
  });

  it('follows a cause chain to a bounded depth', () => {
    let error: Error = new Error('root');
    for (let i = 0; i < 20; i++) error = new Error(`level ${i}`, { cause: error });
    let depth = 0;
    for (let s: ReturnType<typeof summarizeError> | undefined = summarizeError(error); s; s = s.cause) depth++;

    expect(depth).toBe(5);
  });

  it('never lets text from a foreign error through, whatever it says (message, stack, driver fields, causes)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('message', 'sql', 'sqlMessage', 'values', 'cause-message'), (text, where) => {
        const canary = `CANARY<${text}>`;
        const error = where === 'cause-message' ? new Error('outer', { cause: new Error(canary) }) : driverError('x');
        if (where === 'message') error.message = canary;
        if (where === 'message') error.stack = `Error: ${canary}\n    at handler (/var/task/main.js:1:1)`;
        if (where === 'sql' || where === 'sqlMessage') Object.assign(error, { [where]: canary });
        if (where === 'values') Object.assign(error, { values: [canary] });
        return !JSON.stringify(summarizeError(error)).includes(canary);
      }),
    );
  });
});
