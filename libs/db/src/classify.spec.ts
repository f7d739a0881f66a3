import { inspect } from 'node:util';
import { classify, statementError, TRANSIENT_KINDS } from './classify';
import { DatabaseAuthError, DatabaseError, DriverErrorSummary, DuplicateEntryError, QueryTimeoutError } from './errors';

const driverError = (fields: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), fields);

describe('classify', () => {
  it.each([
    [{ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' }, 'auth'],
    [{ errno: 1040, code: 'ER_CON_COUNT_ERROR' }, 'busy'],
    [{ errno: 9501 }, 'busy'],
    [{ errno: 1203 }, 'busy'],
    [{ code: 'ACQUIRE_TIMEOUT' }, 'busy'],
    [{ code: 'ECONNREFUSED' }, 'connection-lost'],
    [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'connection-lost'],
    [{ code: 'ETIMEDOUT' }, 'connection-lost'],
    [{ errno: 1053, code: 'ER_SERVER_SHUTDOWN' }, 'connection-lost'],
    [{ errno: 1927, code: 'ER_CONNECTION_KILLED' }, 'connection-lost'],
    [{ errno: 1290, code: 'ER_OPTION_PREVENTS_STATEMENT' }, 'read-only'],
    [{ errno: 1836, code: 'ER_READ_ONLY_MODE' }, 'read-only'],
    [{ errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }, 'contention'],
    [{ errno: 1213, code: 'ER_LOCK_DEADLOCK' }, 'contention'],
    [{ errno: 1317, code: 'ER_QUERY_INTERRUPTED' }, 'interrupted'],
    [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, 'timeout'],
    [{ errno: 1969 }, 'timeout'],
    [{ errno: 3024 }, 'timeout'],
    [{ errno: 1062, code: 'ER_DUP_ENTRY' }, 'other'],
    [{ errno: 1064, code: 'ER_PARSE_ERROR' }, 'other'],
  ])('%j is %s', (fields, kind) => {
    expect(classify(driverError(fields))).toBe(kind);
  });

  it('checks a dead connection before the server error number', () => {
    expect(classify(driverError({ code: 'ECONNRESET', errno: 1290 }))).toBe('connection-lost');
    expect(classify(driverError({ errno: 1205, fatal: true }))).toBe('contention');
    expect(classify(driverError({ errno: 4242, fatal: true }))).toBe('connection-lost');
  });

  it('knows the pool and closed-state messages', () => {
    expect(classify(new Error('Queue limit reached.'))).toBe('busy');
    expect(classify(driverError({ fatal: true }, "Can't add new command when connection is in closed state"))).toBe('closed');
    expect(classify('not an error')).toBe('other');
  });

  it('calls busy, read-only, contention and interrupted transient, and nothing else', () => {
    expect([...TRANSIENT_KINDS].sort()).toEqual(['busy', 'contention', 'interrupted', 'read-only']);
  });
});

describe('statementError', () => {
  it('maps duplicates with the key name but not the value', () => {
    const err = statementError(
      driverError({ errno: 1062, code: 'ER_DUP_ENTRY', sqlMessage: "Duplicate entry 'alice@example.com' for key 'users.uq_email'" }, "Duplicate entry 'alice@example.com' for key 'users.uq_email'"),
    );

    expect(err).toBeInstanceOf(DuplicateEntryError);
    expect((err as DuplicateEntryError).key).toBe('uq_email');
    expect(err.errno).toBe(1062);
    expect(inspect(err, { depth: 10 })).not.toContain('alice');
  });

  it('maps client and server timeouts; a server timeout was rolled back', () => {
    expect(statementError(driverError({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }))).toMatchObject({ name: 'QueryTimeoutError', applied: undefined });
    const server = statementError(driverError({ errno: 1969, code: 'ER_STATEMENT_TIMEOUT' }));
    expect(server).toBeInstanceOf(QueryTimeoutError);
    expect(server).toMatchObject({ applied: false });
    expect(statementError(driverError({ errno: 1045 }))).toBeInstanceOf(DatabaseAuthError);
  });

  it('keeps the code, errno and SQL state, but never the server message, the sql or the values', () => {
    const canary = 'canary-5d1f0b';
    const driver = driverError(
      {
        errno: 1366,
        code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
        sqlState: 'HY000',
        sqlMessage: `Incorrect string value: '${canary}' for column 'name' at row 1`,
        sql: `INSERT INTO items (name) VALUES ('${canary}')`,
      },
      `Incorrect string value: '${canary}' for column 'name' at row 1`,
    );

    const err = statementError(driver);

    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.message).toBe('a value is not valid for its column [ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (1366)]');
    expect(err).toMatchObject({ code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', errno: 1366, sqlState: 'HY000' });
    expect(err.cause).toBeInstanceOf(DriverErrorSummary);
    expect(inspect(err, { depth: 10, showHidden: true })).not.toContain(canary);
    expect(JSON.stringify({ ...err, cause: { ...(err.cause as object) } })).not.toContain(canary);
  });

  it('names an unknown server error by code and number only', () => {
    expect(statementError(driverError({ errno: 4000, code: 'ER_SOMETHING', sqlMessage: 'quoting x' })).message).toBe('statement failed: ER_SOMETHING (4000)');
  });
});

describe('DriverErrorSummary', () => {
  it("keeps a client-side error's own message (network, TLS) and drops a server error's", () => {
    expect(DriverErrorSummary.of(driverError({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED 127.0.0.1:3306'))?.message).toBe('connect ECONNREFUSED 127.0.0.1:3306');
    expect(DriverErrorSummary.of(driverError({ errno: 1146, sqlMessage: "Table 'a.b' doesn't exist" }, "Table 'a.b' doesn't exist"))?.message).toBe('driver error (1146)');
    expect(DriverErrorSummary.of(driverError({ code: 'X', sql: 'SELECT 1' }, 'quoting the sql'))?.message).toBe('X');
  });

  it('keeps whether the connection died, and nothing of undefined', () => {
    expect(DriverErrorSummary.of(driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toMatchObject({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    expect(DriverErrorSummary.of(undefined)).toBeUndefined();
  });
});
