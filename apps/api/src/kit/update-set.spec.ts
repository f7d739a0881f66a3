import fc from 'fast-check';
import { updateSet } from './update-set';

describe('updateSet', () => {
  const itemSet = updateSet({ name: 'name', description: 'description' });

  it('sets the fields that are given, in allow-list order; null sets NULL, undefined leaves alone', () => {
    expect(itemSet({ description: null, name: 'n' })).toEqual({ sql: 'name = ?, description = ?', values: ['n', null] });
    expect(itemSet({ name: undefined, description: 'd' })).toEqual({ sql: 'description = ?', values: ['d'] });
    expect(itemSet({})).toEqual({ sql: '', values: [] });
  });

  it('maps fields to their columns', () => {
    expect(updateSet({ displayName: 'display_name' })({ displayName: 'x' })).toEqual({ sql: 'display_name = ?', values: ['x'] });
  });

  it('never puts a key of the input into the SQL, only allow-listed columns (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string(), fc.constant(null))), (input) => {
        const { sql, values } = itemSet(input as never);
        const columns = sql === '' ? [] : sql.split(', ').map((part) => part.replace(/ = \?$/, ''));
        return columns.every((c) => c === 'name' || c === 'description') && values.length === columns.length;
      }),
    );
  });

  it('ignores inherited properties', () => {
    expect(updateSet({ constructor: 'ctor' })({})).toEqual({ sql: '', values: [] });
  });

  it('refuses a column that is not a plain identifier when it is made', () => {
    expect(() => updateSet({ name: 'name; DROP TABLE items' })).toThrow(/must be a lower-case SQL identifier/);
    expect(() => updateSet({ name: '`name`' })).toThrow(TypeError);
  });
});
