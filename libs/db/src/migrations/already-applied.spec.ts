import { ALREADY_APPLIED_ERRORS, isAlreadyApplied } from './already-applied';

describe('isAlreadyApplied', () => {
  it.each<[number, string, string]>([
    [1050, 'CREATE', '42S01'],
    [1050, 'RENAME', '42S01'],
    [1050, 'ALTER', '42S01'],
    [1051, 'DROP', '42S02'],
    [4092, 'DROP', '42S02'],
    [1060, 'ALTER', '42S21'],
    [1061, 'ALTER', '42000'],
    [1061, 'CREATE', '42000'],
    [1068, 'ALTER', '42000'],
    [1091, 'ALTER', '42000'],
    [1091, 'DROP', '42000'],
    [1826, 'ALTER', 'HY000'],
    [1826, 'ALTER', '23000'],
    [1304, 'CREATE', '42000'],
    [1305, 'DROP', '42000'],
    [1359, 'CREATE', 'HY000'],
    [1360, 'DROP', 'HY000'],
    [1537, 'CREATE', 'HY000'],
    [1539, 'DROP', 'HY000'],
    [1007, 'CREATE', 'HY000'],
    [1008, 'DROP', 'HY000'],
  ])('accepts %i on a %s statement', (errno, verb, sqlState) => {
    expect(isAlreadyApplied({ errno, sqlState }, verb)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['duplicate key on write', { errno: 1022, sqlState: '23000' }, 'ALTER'],
    ['duplicate entry (data)', { errno: 1062, sqlState: '23000' }, 'INSERT'],
    ["MariaDB's duplicate foreign key name, also a generic can't-create-table", { errno: 1005, sqlState: 'HY000' }, 'ALTER'],
    ['unknown column', { errno: 1054, sqlState: '42S22' }, 'ALTER'],
    ['no such table', { errno: 1146, sqlState: '42S02' }, 'ALTER'],
    ['a missing procedure called', { errno: 1305, sqlState: '42000' }, 'CALL'],
    ['a duplicate column from an INSERT ... SELECT', { errno: 1060, sqlState: '42S21' }, 'INSERT'],
    ["MySQL's 4092 (row versions), another SQLSTATE", { errno: 4092, sqlState: 'HY000' }, 'DROP'],
    ['a connection error', { code: 'PROTOCOL_CONNECTION_LOST' }, 'ALTER'],
    ['no error object', undefined, 'ALTER'],
    ['an errno that is a string', { errno: '1050' }, 'CREATE'],
  ])('refuses %s', (_, error, verb) => {
    expect(isAlreadyApplied(error, verb)).toBe(false);
  });

  it('names no error that means a data conflict', () => {
    expect([1022, 1062, 1005].filter((errno) => ALREADY_APPLIED_ERRORS.has(errno))).toEqual([]);
  });
});
