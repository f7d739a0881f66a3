/**
 * Recomputes a request's SigV4 signature with the AWS SDK's own signer (`@smithy/signature-v4`),
 * from exactly what the client listed in `SignedHeaders`, the raw path (the signer URI-encodes it
 * once more: SigV4's double encoding for every service but S3) and the raw query.
 */
import { Sha256 } from '@smithy/core/checksum';
import { createHash } from 'node:crypto';
import {
  ALGORITHM_IDENTIFIER,
  createScope,
  getCanonicalHeaders,
  getPayloadHash,
  moveHeadersToQuery,
  prepareRequest,
  SignatureV4,
} from '@smithy/signature-v4';
import { PRESIGN_PARAMS, type SigV4Claim, type ValuesByName } from './sigv4-claim';
import { EXECUTE_API, type SignableRequest, type SigV4Credentials, signerQuery } from './sigv4-request';

/** A request as received, as far as its signature covers it. */
export interface ReceivedSignedRequest {
  method: string;
  /** The path as received, stage included, still percent-encoded. */
  rawPath: string;
  /** The query string as received, without `?`. */
  rawQuery: string;
  /** Header name (lower case) → the values of its lines. */
  headers: ValuesByName;
  body: Buffer;
}

/** What the signature should have been, and the strings it is made from (for the mismatch message). */
export interface ExpectedSignature {
  signature: string;
  signedHeaders: string;
}

const PRESIGN_KEYS: ReadonlySet<string> = new Set(Object.values(PRESIGN_PARAMS));

/** The canonical request and string to sign, as the SDK's `signRequest`/`presign` build them. */
class ExplainingSigner extends SignatureV4 {
  async explain(request: SignableRequest, claim: SigV4Claim, signingDate: Date, credential: string): Promise<{ canonicalRequest: string; stringToSign: string }> {
    const { longDate, shortDate } = this.formatDate(signingDate);
    const signable = new Set(claim.signedHeaders);
    const base = prepareRequest(request);
    const prepared = claim.via === 'query' ? moveHeadersToQuery(base, { unhoistableHeaders: signable }) : { ...base, query: base.query ?? {} };
    if (claim.via === 'query') {
      Object.assign(prepared.query, {
        [PRESIGN_PARAMS.algorithm]: ALGORITHM_IDENTIFIER,
        [PRESIGN_PARAMS.credential]: credential,
        [PRESIGN_PARAMS.date]: longDate,
        [PRESIGN_PARAMS.expires]: String(claim.expiresIn),
      });
    } else {
      prepared.headers['x-amz-date'] = longDate;
    }
    const canonicalHeaders = getCanonicalHeaders(prepared, undefined, signable);
    if (claim.via === 'query') prepared.query[PRESIGN_PARAMS.signedHeaders] = this.getCanonicalHeaderList(canonicalHeaders);
    const payloadHash = await getPayloadHash(claim.via === 'query' ? request : prepared, this.sha256);
    const canonicalRequest = this.createCanonicalRequest(prepared, canonicalHeaders, payloadHash);
    const scope = createScope(shortDate, claim.scope.region, EXECUTE_API);
    return { canonicalRequest, stringToSign: await this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER) };
  }
}

function signer(credentials: SigV4Credentials, region: string): ExplainingSigner {
  return new ExplainingSigner({ credentials, region, service: EXECUTE_API, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
}

/**
 * The request the client signed: only the headers it listed (repeated lines joined by commas, as
 * SigV4 says). A signed `x-amz-content-sha256` is taken as the hash of the body that arrived (the
 * signer would trust the header), so a body changed on the way fails the check.
 */
function signableRequest(request: ReceivedSignedRequest, claim: SigV4Claim): SignableRequest {
  const headers: Record<string, string> = {};
  for (const name of claim.signedHeaders) headers[name] = (request.headers.get(name) ?? []).map((v) => v.trim()).join(',');
  if ('x-amz-content-sha256' in headers) headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
  return {
    method: request.method,
    protocol: 'https:',
    hostname: headers['host'] ?? '',
    path: request.rawPath,
    query: signerQuery(request.rawQuery, claim.via === 'query' ? PRESIGN_KEYS : new Set()),
    headers,
    body: request.body,
  };
}

const field = (authorization: string, name: string) => new RegExp(`${name}=([^,\\s]*)`).exec(authorization)?.[1] ?? '';

/**
 * The signature the SDK's signer computes for this request with this key pair, at the claimed time.
 *
 * @example
 * const expected = await expectedSignature(request, claim, { accessKeyId, secretAccessKey }, signingDate);
 * expected.signature === claim.signature; // true when the client signed what arrived
 */
export async function expectedSignature(request: ReceivedSignedRequest, claim: SigV4Claim, credentials: SigV4Credentials, signingDate: Date): Promise<ExpectedSignature> {
  const sdk = signer(credentials, claim.scope.region);
  const signable = new Set(claim.signedHeaders);
  const toSign = signableRequest(request, claim);
  if (claim.via === 'query') {
    const presigned = await sdk.presign(toSign, { signingDate, expiresIn: claim.expiresIn, signableHeaders: signable, unhoistableHeaders: signable });
    return {
      signature: String(presigned.query?.[PRESIGN_PARAMS.signature] ?? ''),
      signedHeaders: String(presigned.query?.[PRESIGN_PARAMS.signedHeaders] ?? ''),
    };
  }
  const signed = await sdk.sign(toSign, { signingDate, signableHeaders: signable });
  const authorization = signed.headers['authorization'] ?? '';
  return { signature: field(authorization, 'Signature'), signedHeaders: field(authorization, 'SignedHeaders') };
}

/**
 * API Gateway's answer to a wrong signature, with the canonical request and string to sign it
 * expected (what a client compares with its own to find the difference).
 *
 * @example
 * mismatchMessage(request, claim, credentials, signingDate);
 * // "The request signature we calculated does not match ...\n\nThe Canonical String for this request should have been\n'POST\n/dev/items\n...'"
 */
export async function mismatchMessage(request: ReceivedSignedRequest, claim: SigV4Claim, credentials: SigV4Credentials, signingDate: Date): Promise<string> {
  const credential = `${credentials.accessKeyId}/${createScope(claim.scope.date, claim.scope.region, EXECUTE_API)}`;
  const { canonicalRequest, stringToSign } = await signer(credentials, claim.scope.region).explain(signableRequest(request, claim), claim, signingDate, credential);
  return [
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    '',
    'The Canonical String for this request should have been',
    `'${canonicalRequest}'`,
    '',
    'The String-to-Sign should have been',
    `'${stringToSign}'`,
    '',
  ].join('\n');
}
