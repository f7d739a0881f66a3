import { ValidationError } from '../kit/errors';
import type { HttpEvent } from './route';

/**
 * The query string, refusing a repeated key (`?limit=1&limit=2`) rather than
 * silently taking one of the values.
 *
 * @example
 * const query = validate(ListQuery, singleValuedQuery(event), 'invalid query string');
 */
export function singleValuedQuery(event: HttpEvent): Record<string, string | undefined> {
  const multi = event.multiValueQueryStringParameters;
  for (const key in multi ?? {}) {
    if ((multi?.[key]?.length ?? 0) > 1) throw new ValidationError('invalid query string', [{ path: key.slice(0, 100), message: 'must be given once' }]);
  }
  return event.queryStringParameters ?? {};
}
