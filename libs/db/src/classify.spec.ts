import { classify, statementError } from './classify';
import { DatabaseAuthError, DatabaseError, DuplicateEntryError, QueryTimeoutError } from './errors';

const driverError = (fields: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), fields);

describe('classify', () => {
  it.each([
    [{ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' }, 'auth'],
    [{ errno: 1040, code: 'ER_CON_COUNT_ERROR' }, 'busy'],
    [{ errno: 9501 }, 'busy'],
    [{ errno: 1203 }, 'busy'],
    [{ code: 'ECONNREFUSED' }, 'connection-lost'],
    [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'connection-lost'],
    [{ code: 'ETIMEDOUT' }, 'connection-lost'],
    [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, 'timeout'],
    [{ errno: 1969 }, 'timeout'],
    [{ errno: 3024 }, 'timeout'],
    [{ errno: 1062, code: 'ER_DUP_ENTRY' }, 'other'],
    [{ errno: 1064, code: 'ER_PARSE_ERROR' }, 'other'],
  ])('%j is %s', (fields, kind) => {
    expect(classify(driverError(fields))).toBe(kind);
  });

  it('knows the pool and closed-state messages', () => {
    expect(classify(new Error('Queue limit reached.'))).toBe('busy');
    expect(classify(driverError({ fatal: true }, "Can't add new command when connection is in closed state"))).toBe('closed');
    expect(classify('not an error')).toBe('other');
  });
});

describe('statementError', () => {
  it('maps duplicates with the key name but not the value', () => {
    const err = statementError(
      driverError({ errno: 1062, code: 'ER_DUP_ENTRY', sqlMessage: "Duplicate entry 'alice@example.com' for key 'users.uq_email'" }),
    );

    expect(err).toBeInstanceOf(DuplicateEntryError);
    expect((err as DuplicateEntryError).key).toBe('uq_email');
    expect(err.message).not.toContain('alice');
    expect(err.errno).toBe(1062);
  });

  it('maps timeouts and auth failures, keeping the cause', () => {
    const cause = driverError({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' });
    const timeout = statementError(cause);

    expect(timeout).toBeInstanceOf(QueryTimeoutError);
    expect(timeout.cause).toBe(cause);
    expect(statementError(driverError({ errno: 1045 }))).toBeInstanceOf(DatabaseAuthError);
  });

  it('keeps the server message and never copies the sql (which inlines parameters)', () => {
    const err = statementError(
      driverError({ errno: 1146, code: 'ER_NO_SUCH_TABLE', sqlState: '42S02', sqlMessage: "Table 'app.nope' doesn't exist", sql: "SELECT * FROM nope WHERE x = 'secret'" }),
    );

    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.message).toBe("Table 'app.nope' doesn't exist");
    expect(err).toMatchObject({ code: 'ER_NO_SUCH_TABLE', errno: 1146, sqlState: '42S02' });
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('secret');
  });
});
