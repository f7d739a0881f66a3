/**
 * Checks a Lambda proxy integration's output the way API Gateway REST does and turns it into the
 * HTTP response. Anything but `{ statusCode, headers?, multiValueHeaders?, body?, isBase64Encoded? }`
 * is a "Malformed Lambda proxy response" (502): an unknown key (e.g. `cookies`), a non-string body,
 * a non-integer status, non-string header values.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

/** The Lambda's result is not a valid proxy integration response. */
export class MalformedResultError extends Error {
  constructor(reason: string) {
    super(`Malformed Lambda proxy response: ${reason}`);
    this.name = 'MalformedResultError';
  }
}

/** `isBase64Encoded: true` with a body that is not base64 (API Gateway's API_CONFIGURATION_ERROR, 500). */
export class Base64BodyError extends Error {
  constructor() {
    super('Unable to base64-decode the Lambda response body');
    this.name = 'Base64BodyError';
  }
}

/** A response ready to write: header names as the Lambda spelled them, values in order. */
export interface GatewayResponse {
  statusCode: number;
  headers: Array<[string, string[]]>;
  body: Buffer;
}

const KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
/** Framing headers: node writes the real ones for the body it sends. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkHeader(name: string, value: string): void {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch {
    throw new MalformedResultError(`invalid header ${JSON.stringify(name)}`);
  }
}

function singleHeaders(value: unknown): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) throw new MalformedResultError('headers must be an object');
  return Object.entries(value).map(([name, v]): [string, string] => {
    if (typeof v !== 'string') throw new MalformedResultError(`header ${JSON.stringify(name)} must be a string`);
    checkHeader(name, v);
    return [name, v];
  });
}

function multiHeaders(value: unknown): Array<[string, string[]]> {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) throw new MalformedResultError('multiValueHeaders must be an object');
  return Object.entries(value).map(([name, values]): [string, string[]] => {
    if (!Array.isArray(values) || !values.every((v): v is string => typeof v === 'string')) {
      throw new MalformedResultError(`multiValueHeaders ${JSON.stringify(name)} must be an array of strings`);
    }
    for (const v of values) checkHeader(name, v);
    return [name, [...values]];
  });
}

/**
 * One list from both maps, as documented: every `multiValueHeaders` value, then each `headers`
 * value unless the same name (any case) already carries that exact value.
 */
function mergeHeaders(single: Array<[string, string]>, multi: Array<[string, string[]]>): Array<[string, string[]]> {
  const merged = new Map<string, [string, string[]]>();
  for (const [name, values] of multi) {
    const entry = merged.get(name.toLowerCase());
    if (entry) entry[1].push(...values);
    else merged.set(name.toLowerCase(), [name, [...values]]);
  }
  for (const [name, value] of single) {
    const entry = merged.get(name.toLowerCase());
    if (!entry) merged.set(name.toLowerCase(), [name, [value]]);
    else if (!entry[1].includes(value)) entry[1].push(value);
  }
  return [...merged.values()];
}

function decodeBody(body: string, isBase64Encoded: boolean): Buffer {
  if (!isBase64Encoded) return Buffer.from(body, 'utf8');
  const unpadded = body.replace(/=+$/, '');
  if (!BASE64.test(body) || unpadded.length % 4 === 1) throw new Base64BodyError();
  return Buffer.from(body, 'base64');
}

/**
 * Validates a Lambda result and builds the HTTP response: headers merged, framing headers dropped,
 * `Content-Type: application/json` when the Lambda sets none (API Gateway REST's default), and the
 * body base64-decoded when `isBase64Encoded` is true.
 *
 * @example
 * toGatewayResponse({ statusCode: 201, headers: { Location: '/items/1' }, body: '{}' });
 * toGatewayResponse({ statusCode: '200' }); // throws MalformedResultError
 */
export function toGatewayResponse(result: unknown): GatewayResponse {
  if (!isRecord(result)) throw new MalformedResultError(`expected an object, got ${result === null ? 'null' : typeof result}`);
  const extra = Object.keys(result).filter((key) => !KEYS.has(key));
  if (extra.length > 0) throw new MalformedResultError(`unexpected key(s) ${extra.join(', ')}`);
  const { statusCode, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResultError(`statusCode must be an integer from 100 to 599, got ${JSON.stringify(statusCode)}`);
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedResultError(`body must be a string, got ${Array.isArray(body) ? 'array' : typeof body}`);
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    throw new MalformedResultError('isBase64Encoded must be a boolean');
  }
  const headers = mergeHeaders(singleHeaders(result['headers']), multiHeaders(result['multiValueHeaders'])).filter(
    ([name]) => !FRAMING.has(name.toLowerCase()),
  );
  if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', ['application/json']]);
  }
  return { statusCode, headers, body: decodeBody(body ?? '', isBase64Encoded === true) };
}
