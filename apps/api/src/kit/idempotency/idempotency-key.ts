import * as v from 'valibot';
import { validate } from '../validate';

/** The header that carries the key, as the messages name it. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** `Idempotency-Key` values: 1 to 128 visible ASCII characters (no spaces), opaque and case-sensitive. */
export const IdempotencyKey = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,128}$/, 'must be 1 to 128 visible ASCII characters'));

/**
 * The idempotency key of a request, if it sent one: `undefined` when absent,
 * a {@link ValidationError} naming the header when malformed.
 *
 * @example
 * const key = idempotencyKeyOf(singleHeader(event, IDEMPOTENCY_HEADER)); // 'order-7f3a', or undefined
 */
export function idempotencyKeyOf(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : validate(IdempotencyKey, raw, `invalid ${IDEMPOTENCY_HEADER} header`, IDEMPOTENCY_HEADER);
}
