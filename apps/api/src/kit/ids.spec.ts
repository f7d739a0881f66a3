import fc from 'fast-check';
import { NotFoundError } from './errors';
import { parseId } from './ids';

describe('parseId', () => {
  it('reads a positive integer', () => {
    expect(parseId('42', 'item')).toBe(42);
    expect(parseId(String(Number.MAX_SAFE_INTEGER), 'item')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([['abc'], ['0'], ['-1'], ['1.5'], ['007'], ['1e3'], [' 1'], ['9007199254740993'], ['99999999999999999999'], ['']])(
    'answers the malformed id %p as a record that does not exist',
    (raw) => {
      expect(() => parseId(raw, 'item')).toThrow(new NotFoundError(`item ${raw} does not exist`));
    },
  );

  it('treats a missing parameter as not found too, and shortens a long id in the message', () => {
    expect(() => parseId(undefined, 'item')).toThrow(NotFoundError);
    expect(() => parseId('x'.repeat(300), 'item')).toThrow(/^item x{100}… does not exist$/);
  });

  it('round-trips every safe positive integer and refuses everything else (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => parseId(String(id), 'item') === id));
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (raw) => {
        const valid = /^[1-9]\d*$/.test(raw) && Number.isSafeInteger(Number(raw));
        try {
          return parseId(raw, 'item') === Number(raw) && valid;
        } catch (error) {
          return error instanceof NotFoundError && !valid;
        }
      }),
    );
  });
});
