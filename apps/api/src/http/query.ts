import { invalidInput } from './http-error';
import type { HttpEvent } from './router';

/**
 * The query string, refusing a repeated key (`?limit=1&limit=2`) rather than
 * silently taking one of the values.
 *
 * @example
 * const query = validate(ListItemsQuery, singleValuedQuery(event), 'invalid query string');
 */
export function singleValuedQuery(event: HttpEvent): Record<string, string | undefined> {
  const multi = 'multiValueQueryStringParameters' in event ? event.multiValueQueryStringParameters : null;
  const repeated = Object.entries(multi ?? {}).find(([, values]) => (values?.length ?? 0) > 1);
  if (repeated) throw invalidInput('invalid query string', [{ path: repeated[0].slice(0, 100), message: 'must be given once' }]);
  return event.queryStringParameters ?? {};
}
