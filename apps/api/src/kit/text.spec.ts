import fc from 'fast-check';
import * as v from 'valibot';
import { text } from './text';

const messages = (schema: ReturnType<typeof text>, input: unknown) => v.safeParse(schema, input).issues?.map((i) => i.message) ?? [];

describe('text({ min, max })', () => {
  const name = text({ min: 1, max: 5 });
  const note = text({ max: 3 });

  it('accepts min to max characters, counted in code points', () => {
    expect(messages(name, 'a')).toEqual([]);
    expect(messages(name, '𝄞𝄞𝄞𝄞𝄞')).toEqual([]); // 10 UTF-16 units, 5 characters
    expect(messages(note, '')).toEqual([]);
  });

  it('says the bounds when the length is wrong', () => {
    expect(messages(name, '')).toEqual(['must be 1 to 5 characters']);
    expect(messages(name, 'abcdef')).toEqual(['must be 1 to 5 characters']);
    expect(messages(note, 'abcd')).toEqual(['must be at most 3 characters']);
  });

  it('refuses what is not a string, and lone surrogates (utf8mb4 cannot store them)', () => {
    expect(messages(name, 5)).toEqual(['must be a string']);
    expect(messages(name, '\ud800')).toContain('must be valid Unicode text');
  });

  it('accepts exactly the well-formed strings of 1 to 5 code points (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (s) => {
        const codePoints = [...s].length;
        const wellFormed = !/\p{Cs}/u.test(s);
        return v.is(name, s) === (wellFormed && codePoints >= 1 && codePoints <= 5);
      }),
    );
  });

  it('refuses impossible bounds when the schema is made', () => {
    expect(() => text({ min: 3, max: 2 })).toThrow(RangeError);
    expect(() => text({ max: 0 })).toThrow(RangeError);
    expect(() => text({ min: -1, max: 2 })).toThrow(RangeError);
  });
});
