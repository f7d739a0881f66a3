/**
 * IAM authorization of a REST API method (`AuthorizationType.IAM`), as API Gateway does it: a SigV4
 * signature for `execute-api` in the API's region, from a known key pair, dated within 5 minutes,
 * recomputed over what arrived. Each refusal is API Gateway's 403 for it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ACCOUNT_ID } from '../events/shared';
import { authError, type GatewayError, MISSING_AUTHENTICATION_TOKEN } from './gateway-responses';
import { ALGORITHM, type AuthFailure, readClaim, type SigV4Claim, type ValuesByName } from './sigv4-claim';
import { EXECUTE_API, formatAmzDate, parseAmzDate } from './sigv4-request';
import { expectedSignature, mismatchMessage, type ReceivedSignedRequest } from './sigv4-verify';
import type { GatewayCredential, GatewayIamOptions } from './types';

/** How far a request's date may be from the gateway's clock. */
const MAX_SKEW_MS = 5 * 60_000;

/** What `requestContext.identity` says about an IAM caller. */
export interface CallerIdentity {
  accessKey: string;
  accountId: string;
  /** The IAM user's unique id (`AIDA...`), as API Gateway puts it in `caller` and `user`. */
  caller: string;
  user: string;
  userArn: string;
}

/** The request to authorise: as received, header names in the case they were sent. */
export interface AuthRequest extends Omit<ReceivedSignedRequest, 'headers'> {
  /** node's `req.rawHeaders`. */
  rawHeaders: readonly string[];
  /** Decoded query pairs, for a presigned URL's parameters. */
  query: ReadonlyArray<[string, string]>;
}

export type AuthOutcome = { ok: true; identity: CallerIdentity } | { ok: false; error: GatewayError };

interface KnownCredential {
  credential: Required<GatewayCredential>;
  identity: CallerIdentity;
}

/** The options are wrong; the message says which. */
export class GatewayIamOptionsError extends TypeError {
  override readonly name = 'GatewayIamOptionsError';
}

const refuse = (failure: AuthFailure): AuthOutcome => ({ ok: false, error: authError(failure.errorType, failure.message) });
const invalid = (message: string) => refuse({ errorType: 'InvalidSignatureException', message });
const INVALID_TOKEN = refuse({ errorType: 'AccessDeniedException', message: 'The security token included in the request is invalid.' });

function byName(pairs: Iterable<[string, string]>, keyOf: (key: string) => string): ValuesByName {
  const map = new Map<string, string[]>();
  for (const [key, value] of pairs) map.set(keyOf(key), [...(map.get(keyOf(key)) ?? []), value]);
  return map;
}

function headerPairs(rawHeaders: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '']);
  return pairs;
}

function known(credential: GatewayCredential, index: number): KnownCredential {
  const where = `iam.credentials[${index}]`;
  if (typeof credential?.accessKeyId !== 'string' || !/^\w{16,128}$/.test(credential.accessKeyId)) {
    throw new GatewayIamOptionsError(`${where}.accessKeyId must be 16-128 letters, digits or underscores, like AKIAIOSFODNN7EXAMPLE`);
  }
  if (typeof credential.secretAccessKey !== 'string' || credential.secretAccessKey.trim() === '') {
    throw new GatewayIamOptionsError(`${where}.secretAccessKey must be a non-empty string`);
  }
  const accountId = credential.accountId ?? ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) throw new GatewayIamOptionsError(`${where}.accountId must be 12 digits, got "${accountId}"`);
  const userName = credential.userName ?? 'local-developer';
  if (!/^[\w+=,.@-]{1,64}$/.test(userName)) throw new GatewayIamOptionsError(`${where}.userName must be an IAM user name (1-64 of A-Z a-z 0-9 _+=,.@-), got "${userName}"`);
  const userId = `AIDA${createHash('sha256').update(`${accountId}:${userName}`).digest('hex').slice(0, 17).toUpperCase()}`;
  return {
    credential: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, accountId, userName },
    identity: { accessKey: credential.accessKeyId, accountId, caller: userId, user: userId, userArn: `arn:aws:iam::${accountId}:user/${userName}` },
  };
}

function sameSignature(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Scope, algorithm and date checks, in the order of API Gateway's messages. */
function checkClaim(claim: SigV4Claim, region: string): AuthOutcome | Date {
  const { scope } = claim;
  if (claim.algorithm !== ALGORITHM) {
    return refuse({ errorType: 'IncompleteSignatureException', message: `Unsupported AWS 'algorithm': '${claim.algorithm}'.` });
  }
  if (scope.terminator !== 'aws4_request') return invalid(`Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'. `);
  if (scope.service !== EXECUTE_API) return invalid(`Credential should be scoped to correct service: '${EXECUTE_API}'. `);
  if (scope.region !== region) return invalid(`Credential should be scoped to a valid region, not '${scope.region}'. `);
  const date = parseAmzDate(claim.amzDate);
  if (!date) {
    return refuse({ errorType: 'IncompleteSignatureException', message: `Date must be in ISO-8601 'basic format'. Got '${claim.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601` });
  }
  if (scope.date !== claim.amzDate.slice(0, 8)) {
    return invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${claim.amzDate.slice(0, 8)}', from '${claim.amzDate}'.`);
  }
  if (!claim.signedHeaders.includes('host')) return invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  return date;
}

/** `Signature expired` / `Signature not yet current`, worded as AWS words them. */
function checkTime(claim: SigV4Claim, date: Date, now: Date): AuthOutcome | undefined {
  const at = (ms: number) => formatAmzDate(new Date(ms));
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  if (date.getTime() > nowMs + MAX_SKEW_MS) {
    return invalid(`Signature not yet current: ${claim.amzDate} is still later than ${at(nowMs + MAX_SKEW_MS)} (${at(nowMs)} + 5 min.)`);
  }
  const lifetimeMs = claim.expiresIn === undefined ? MAX_SKEW_MS : claim.expiresIn * 1000;
  if (date.getTime() < nowMs - lifetimeMs) {
    const span = claim.expiresIn === undefined ? '5 min.' : `${claim.expiresIn} sec.`;
    return invalid(`Signature expired: ${claim.amzDate} is now earlier than ${at(nowMs - lifetimeMs)} (${at(nowMs)} - ${span})`);
  }
  return undefined;
}

/**
 * Builds the check for `iam` routes. It resolves to the caller's identity, or to the 403 API Gateway
 * answers: no signature → `Missing Authentication Token`; an unknown access key (or a session token
 * these long-term keys do not have) → `The security token included in the request is invalid.`; a
 * date more than 5 minutes off (or past a presigned URL's `X-Amz-Expires`) → `Signature expired` /
 * `not yet current`; anything else that differs → `The request signature we calculated does not
 * match...` with the canonical request expected.
 *
 * @example
 * const authorize = createIamAuthorizer({ credentials: [{ accessKeyId, secretAccessKey }], region: 'us-east-1' });
 * const outcome = await authorize({ method, rawPath, rawQuery, query, rawHeaders: req.rawHeaders, body });
 * if (!outcome.ok) writeResponse(outcome.error);
 */
export function createIamAuthorizer(options: GatewayIamOptions): (request: AuthRequest) => Promise<AuthOutcome> {
  const region = options.region ?? 'us-east-1';
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) {
    throw new GatewayIamOptionsError(`iam.region must be an AWS region such as us-east-1, got "${String(region)}"`);
  }
  if (!Array.isArray(options.credentials) || options.credentials.length === 0) {
    throw new GatewayIamOptionsError('iam.credentials must list at least one { accessKeyId, secretAccessKey }');
  }
  const keys = new Map<string, KnownCredential>();
  options.credentials.forEach((credential, i) => {
    const entry = known(credential, i);
    if (keys.has(entry.credential.accessKeyId)) throw new GatewayIamOptionsError(`iam.credentials lists ${entry.credential.accessKeyId} twice`);
    keys.set(entry.credential.accessKeyId, entry);
  });

  return async (request) => {
    const headers = byName(headerPairs(request.rawHeaders), (name) => name.toLowerCase());
    const read = readClaim(headers, byName(request.query, (key) => key));
    if (read.kind === 'missing') return { ok: false, error: MISSING_AUTHENTICATION_TOKEN };
    if (read.kind === 'failure') return refuse(read.failure);
    const { claim } = read;
    const checked = checkClaim(claim, region);
    if (!(checked instanceof Date)) return checked;
    const entry = keys.get(claim.accessKeyId);
    if (!entry || claim.sessionToken !== undefined) return INVALID_TOKEN;
    const late = checkTime(claim, checked, new Date());
    if (late) return late;
    const received: ReceivedSignedRequest = { ...request, headers };
    const expected = await expectedSignature(received, claim, entry.credential, checked);
    if (expected.signedHeaders === claim.signedHeaders.join(';') && sameSignature(expected.signature, claim.signature)) {
      return { ok: true, identity: entry.identity };
    }
    return invalid(await mismatchMessage(received, claim, entry.credential, checked));
  };
}
