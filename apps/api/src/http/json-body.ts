import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { header } from './headers';
import { HttpError } from './http-error';

/** Largest request body accepted, in bytes (UTF-8, after base64 decoding). */
export const MAX_BODY_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/**
 * Checks a request body before it is parsed: a JSON content type (415), at most
 * `maxBytes` bytes (413), not empty and valid UTF-8 (422). Base64 bodies are
 * decoded here, so the parser that follows always sees text.
 */
function bodyGuard(maxBytes: number): MiddlewareObj<HttpEvent> {
  return {
    before: (request) => {
      const event = request.event;
      const contentType = header(event.headers, 'content-type');
      if (!contentType || !JSON_TYPE.test(contentType.trim())) {
        throw new HttpError(415, 'unsupported_media_type', 'the body must be JSON: send content-type: application/json');
      }
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.byteLength > maxBytes) {
        throw new HttpError(413, 'payload_too_large', `the body must be at most ${maxBytes} bytes`);
      }
      if (bytes.byteLength === 0) throw new HttpError(422, 'invalid_json', 'the body is empty; send a JSON object');
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch (cause) {
        throw new HttpError(422, 'invalid_json', 'the body is not valid UTF-8', { cause });
      }
      event.body = text;
      event.isBase64Encoded = false;
      event.headers = { ...event.headers, 'content-type': 'application/json' };
    },
  };
}

/**
 * The body middlewares, for routes that take a body only: the guard above, then
 * Middy's JSON parser (whose "malformed JSON" error the error handler answers
 * with 422).
 *
 * @example
 * const create = middy(createItemRoute).use(jsonBody());
 */
export function jsonBody(maxBytes = MAX_BODY_BYTES): Array<MiddlewareObj<HttpEvent>> {
  return [bodyGuard(maxBytes), httpJsonBodyParser() as MiddlewareObj<HttpEvent>];
}
