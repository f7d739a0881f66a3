/**
 * What the SigV4 signer (`@smithy/signature-v4`, the AWS SDK's own) and the gateway's check share:
 * the signer's request shape, the query as the signer takes it, and the `X-Amz-Date` format.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** API Gateway's signing name: credential scopes end in `/<region>/execute-api/aws4_request`. */
export const EXECUTE_API = 'execute-api';

/** The request the SDK signer takes (`@smithy/types`' `HttpRequest`). */
export type SignableRequest = Parameters<SignatureV4['presign']>[0];

/** A key pair to sign with, or to check signatures against. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The SDK's signer for execute-api, hashing with the SDK's own SHA-256 (`@smithy/core/checksum`,
 * what every AWS SDK client on Node uses). No `x-amz-content-sha256` header: API Gateway hashes the
 * body itself.
 *
 * @example
 * const signed = await executeApiSigner(credentials, 'us-east-1').sign(request);
 */
export function executeApiSigner(credentials: SigV4Credentials, region: string, service = EXECUTE_API): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a malformed escape (%zz) is taken as written
  }
}

/**
 * A raw query string as the signer takes it: decoded keys and values (`%20` → space; a `+` stays a
 * plus, as in SigV4's canonical form; `flag` → `''`), repeated keys as arrays. `omit` drops keys
 * (the presigned-URL parameters the signer adds back itself).
 *
 * @example
 * signerQuery('b=2&a=x%20y&a=1&flag'); // { b: '2', a: ['x y', '1'], flag: '' }
 */
export function signerQuery(rawQuery: string, omit: ReadonlySet<string> = new Set()): Record<string, string | string[]> {
  const values = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = decode(equals < 0 ? part : part.slice(0, equals));
    if (omit.has(key)) continue;
    values.set(key, [...(values.get(key) ?? []), decode(equals < 0 ? '' : part.slice(equals + 1))]);
  }
  // Object.fromEntries keeps wire keys such as __proto__ as plain own properties.
  return Object.fromEntries([...values].map(([key, list]) => [key, list.length === 1 ? (list[0] as string) : list]));
}

/**
 * `20260211T205529Z`: the ISO-8601 basic format of `X-Amz-Date`.
 *
 * @example
 * formatAmzDate(new Date(Date.UTC(2026, 1, 11, 20, 55, 29))); // '20260211T205529Z'
 */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Reads an `X-Amz-Date` value; `undefined` unless it is exactly `YYYYMMDDTHHMMSSZ` and a real time.
 *
 * @example
 * parseAmzDate('20260211T205529Z')?.toISOString(); // '2026-02-11T20:55:29.000Z'
 * parseAmzDate('2026-02-11');                     // undefined
 */
export function parseAmzDate(text: string): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!parts) return undefined;
  const date = new Date(`${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${parts[6]}Z`);
  return !Number.isNaN(date.getTime()) && formatAmzDate(date) === text ? date : undefined;
}
