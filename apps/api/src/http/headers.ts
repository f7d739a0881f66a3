import { ValidationError } from '../kit/errors';
import type { HttpEvent } from './route';

/** The value of a header, whatever the case the client used; the last one when repeated. */
export function header(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const key in headers) {
    if (key.toLowerCase() === wanted && headers[key] !== undefined) found = headers[key];
  }
  return found;
}

/**
 * The value of a header that must be sent at most once: two header lines, or
 * two names that differ only in case, are a {@link ValidationError} naming
 * the header (`name` as given). API Gateway REST events carry every line in
 * `multiValueHeaders`.
 *
 * @example
 * const raw = singleHeader(event, 'Idempotency-Key'); // undefined when absent
 */
export function singleHeader(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let lines = 0;
  for (const key in event.multiValueHeaders ?? {}) {
    if (key.toLowerCase() === wanted) lines += event.multiValueHeaders[key]?.length ?? 0;
  }
  let names = 0;
  for (const key in event.headers ?? {}) if (key.toLowerCase() === wanted) names++;
  if (lines > 1 || names > 1) throw new ValidationError(`invalid ${name} header`, [{ path: name, message: 'must be given once' }]);
  return header(event.headers, name);
}
