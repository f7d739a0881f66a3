import { isUtf8 } from 'node:buffer';

/** `image/png; q=1` → `image/png`; absent → `''`. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Whether a content type is one of the API's binary media types. Entries may be exact
 * (`application/octet-stream`), a type wildcard (`image/*`) or `*\/*` (everything, even no type).
 */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  const type = mediaType(contentType);
  return binaryMediaTypes.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    if (wanted === '*/*') return true;
    if (wanted.endsWith('/*')) return type.startsWith(wanted.slice(0, -1));
    return type !== '' && type === wanted;
  });
}

/**
 * The body as the event factory takes it: `undefined` for no body (`body: null`), a string for
 * text, a Buffer for what is sent base64-encoded: a binary media type, or bytes that are not
 * valid UTF-8 (API Gateway would mangle those into text; sending them intact is kinder to tests).
 */
export function eventBody(
  body: Buffer,
  contentType: string | undefined,
  binaryMediaTypes: readonly string[],
): string | Buffer | undefined {
  if (body.length === 0) return undefined;
  if (isBinaryMediaType(contentType, binaryMediaTypes) || !isUtf8(body)) return body;
  return body.toString('utf8');
}
