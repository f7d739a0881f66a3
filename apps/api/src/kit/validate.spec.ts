import * as v from 'valibot';
import { ValidationError } from './errors';
import { validate } from './validate';

const Body = v.strictObject({ name: v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')), tags: v.optional(v.array(v.string('must be a string'))) }, 'must be an object');

describe('validate', () => {
  it('returns the parsed value', () => {
    expect(validate(Body, { name: 'a' }, 'invalid thing')).toEqual({ name: 'a' });
  });

  it('throws a ValidationError listing each problem by path, without the values', () => {
    const error = (() => {
      try {
        validate(Body, { name: 'secret-value'.slice(0, 0), tags: ['ok', 7], extra: 'secret-value' }, 'invalid thing');
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('no error');
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('invalid thing');
    expect(error.details).toEqual([
      { path: 'name', message: 'must not be empty' },
      { path: 'tags.1', message: 'must be a string' },
      { path: 'extra', message: 'is not a known field' },
    ]);
    expect(JSON.stringify(error.details)).not.toContain('secret-value');
  });

  it('prefixes the paths with `at`, and names the body when the problem is the whole input', () => {
    expect(() => validate(v.string('must be a string'), 5, 'invalid header', 'Idempotency-Key')).toThrow(
      expect.objectContaining({ details: [{ path: 'Idempotency-Key', message: 'must be a string' }] }),
    );
    expect(() => validate(Body, 5, 'invalid thing')).toThrow(expect.objectContaining({ details: [{ path: '(body)', message: 'must be an object' }] }));
    expect(() => validate(Body, 'secret-value', 'invalid thing')).toThrow(expect.objectContaining({ details: [{ path: '(body)', message: 'must be an object' }] }));
  });
});
