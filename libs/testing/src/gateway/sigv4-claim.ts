/**
 * Reads what a request claims about its SigV4 signature, from the `Authorization` header or a
 * presigned query string, with API Gateway's answers for what is missing or malformed.
 */
import { createHash } from 'node:crypto';
import type { AuthErrorType } from './gateway-responses';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** The presigned-URL parameters; the signer adds them back itself when it recomputes the signature. */
export const PRESIGN_PARAMS = {
  algorithm: 'X-Amz-Algorithm',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  expires: 'X-Amz-Expires',
  signedHeaders: 'X-Amz-SignedHeaders',
  signature: 'X-Amz-Signature',
  token: 'X-Amz-Security-Token',
} as const;

const MAX_PRESIGNED_SECONDS = 604_800;

/** Why a request is refused: `x-amzn-ErrorType` and the message. */
export interface AuthFailure {
  errorType: AuthErrorType;
  message: string;
}

/** A signature's claims, before anything is checked against the credentials or the clock. */
export interface SigV4Claim {
  via: 'header' | 'query';
  algorithm: string;
  accessKeyId: string;
  scope: { date: string; region: string; service: string; terminator: string };
  /** Lower-case names, as listed (`host;x-amz-date`). */
  signedHeaders: string[];
  signature: string;
  /** `X-Amz-Date` as sent. */
  amzDate: string;
  /** Presigned URLs only: `X-Amz-Expires`. */
  expiresIn?: number;
  /** `X-Amz-Security-Token`, sent with temporary credentials. */
  sessionToken?: string;
}

/** Header name (lower case) → its values; query key → its values (decoded). */
export type ValuesByName = ReadonlyMap<string, readonly string[]>;

export type ClaimResult = { kind: 'missing' } | { kind: 'failure'; failure: AuthFailure } | { kind: 'claim'; claim: SigV4Claim };

const incomplete = (message: string): ClaimResult => ({ kind: 'failure', failure: { errorType: 'IncompleteSignatureException', message } });

function parseCredential(credential: string): Pick<SigV4Claim, 'accessKeyId' | 'scope'> | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, scope: { date, region, service, terminator } };
}

const malformedCredential = (credential: string) =>
  incomplete(`Credential should be <access key id>/<YYYYMMDD>/<region>/execute-api/aws4_request, got '${credential}'.`);

/** `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` */
function fromHeader(value: string, headers: ValuesByName): ClaimResult {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  const fields = new Map<string, string>();
  for (const pair of (space < 0 ? '' : value.slice(space + 1)).split(',').map((p) => p.trim())) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals < 0) {
      const hashed = createHash('sha256').update(value).digest('base64');
      return incomplete(`Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashed}'.`);
    }
    fields.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
  }
  const amzDate = headers.get('x-amz-date')?.[0];
  const missing = [
    ...['Credential', 'Signature', 'SignedHeaders'].filter((name) => !fields.get(name)).map((name) => `Authorization header requires '${name}' parameter.`),
    ...(amzDate === undefined && !headers.has('date') ? ["Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."] : []),
  ];
  if (missing.length > 0) return incomplete(`${missing.join(' ')} Authorization=${value}`);
  if (amzDate === undefined) return incomplete("This gateway needs the 'X-Amz-Date' header: a request dated only by 'Date' is not supported.");
  const credential = fields.get('Credential') as string;
  const parsed = parseCredential(credential);
  if (!parsed) return malformedCredential(credential);
  return {
    kind: 'claim',
    claim: {
      via: 'header',
      algorithm,
      ...parsed,
      signedHeaders: (fields.get('SignedHeaders') as string).split(';'),
      signature: fields.get('Signature') as string,
      amzDate,
      ...(headers.has('x-amz-security-token') ? { sessionToken: headers.get('x-amz-security-token')?.[0] ?? '' } : {}),
    },
  };
}

/** `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...&X-Amz-Signature=...` */
function fromQuery(query: ValuesByName): ClaimResult {
  const one = (name: string) => query.get(name)?.[0];
  const required = [PRESIGN_PARAMS.algorithm, PRESIGN_PARAMS.credential, PRESIGN_PARAMS.signature, PRESIGN_PARAMS.date, PRESIGN_PARAMS.signedHeaders, PRESIGN_PARAMS.expires];
  if (required.some((name) => !one(name))) {
    return incomplete(`AWS query-string authentication requires the ${required.slice(0, -1).join(', ')}, and ${PRESIGN_PARAMS.expires} parameters.`);
  }
  const expires = one(PRESIGN_PARAMS.expires) as string;
  if (!/^\d{1,6}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_PRESIGNED_SECONDS) {
    return incomplete(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_SECONDS}, got '${expires}'.`);
  }
  const credential = one(PRESIGN_PARAMS.credential) as string;
  const parsed = parseCredential(credential);
  if (!parsed) return malformedCredential(credential);
  const token = one(PRESIGN_PARAMS.token);
  return {
    kind: 'claim',
    claim: {
      via: 'query',
      algorithm: one(PRESIGN_PARAMS.algorithm) as string,
      ...parsed,
      signedHeaders: (one(PRESIGN_PARAMS.signedHeaders) as string).split(';'),
      signature: one(PRESIGN_PARAMS.signature) as string,
      amzDate: one(PRESIGN_PARAMS.date) as string,
      expiresIn: Number(expires),
      ...(token !== undefined ? { sessionToken: token } : {}),
    },
  };
}

/**
 * The signature a request claims: from its `Authorization` header, else from a presigned query
 * (`X-Amz-Algorithm` present); `missing` when it has neither (API Gateway's "Missing
 * Authentication Token"). Malformed claims are API Gateway's `IncompleteSignatureException`s.
 *
 * @example
 * readClaim(new Map([['authorization', ['AWS4-HMAC-SHA256 Credential=AKIA.../20260211/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc']], ['x-amz-date', ['20260211T205529Z']]]), new Map());
 * // { kind: 'claim', claim: { via: 'header', accessKeyId: 'AKIA...', signedHeaders: ['host', 'x-amz-date'], ... } }
 */
export function readClaim(headers: ValuesByName, query: ValuesByName): ClaimResult {
  const authorization = headers.get('authorization')?.[0]?.trim();
  if (authorization) return fromHeader(authorization, headers);
  if (query.has(PRESIGN_PARAMS.algorithm)) return fromQuery(query);
  return { kind: 'missing' };
}
