import { header } from './headers';
import { HttpError } from './http-error';
import type { HttpEvent } from './route';

/** Largest request body accepted, in bytes (UTF-8, after base64 decoding). */
export const MAX_BODY_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text: base64 bodies decoded (invalid UTF-8 refused), size checked in bytes. */
function bodyText(event: HttpEvent, maxBytes: number): string {
  const raw = event.body ?? '';
  if (!event.isBase64Encoded) {
    if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw tooLarge(maxBytes);
    return raw;
  }
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpError(422, 'invalid_json', 'the body is not valid UTF-8');
  }
}

const tooLarge = (maxBytes: number) => new HttpError(413, 'payload_too_large', `the body must be at most ${maxBytes} bytes`);

/**
 * The request's JSON body, for routes that take one: a JSON content type
 * (else 415), at most `maxBytes` bytes (413), not empty, valid UTF-8 and valid
 * JSON (422 `invalid_json`). Validate the result with a schema next.
 *
 * @example
 * const input = validate(CreateItemBody, jsonBody(event), 'invalid item');
 */
export function jsonBody(event: HttpEvent, maxBytes = MAX_BODY_BYTES): unknown {
  const contentType = header(event.headers, 'content-type');
  if (!contentType || !JSON_TYPE.test(contentType.trim())) {
    throw new HttpError(415, 'unsupported_media_type', 'the body must be JSON: send content-type: application/json');
  }
  const text = bodyText(event, maxBytes);
  if (text.length === 0) throw new HttpError(422, 'invalid_json', 'the body is empty; send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(422, 'invalid_json', 'the body is not valid JSON');
  }
}
