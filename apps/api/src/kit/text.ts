import * as v from 'valibot';

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Text that can be stored as utf8mb4: no lone surrogates (category Cs). */
const wellFormed = v.check((s: string) => !/\p{Cs}/u.test(s), 'must be valid Unicode text');

/**
 * A string of `min` to `max` characters (code points, as the database counts
 * them: `'𝄞'` is one), well formed (no lone surrogates, which utf8mb4 cannot
 * store).
 *
 * @example
 * const Name = text({ min: 1, max: 200 });        // "must be 1 to 200 characters"
 * const Description = text({ max: 2_000 });        // "must be at most 2000 characters"
 */
export function text({ min = 0, max }: { min?: number; max: number }) {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < Math.max(min, 1)) {
    throw new RangeError(`text({ min, max }) needs whole numbers 0 ≤ min ≤ max and max ≥ 1, got min ${min}, max ${max}`);
  }
  const length = min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`;
  return v.pipe(
    v.string('must be a string'),
    wellFormed,
    v.check((s: string) => {
      const n = codePoints(s);
      return n >= min && n <= max;
    }, length),
  );
}
