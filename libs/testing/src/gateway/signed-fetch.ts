/**
 * SigV4-signed requests for tests: what an AWS SDK or `curl --aws-sigv4` sends to an API Gateway
 * method with IAM authorization, signed by the SDK's own signer.
 */
import { EXECUTE_API, executeApiSigner, type SigV4Credentials, signerQuery } from './sigv4-request';

/**
 * Who signs, and for what.
 *
 * @example
 * const signing: SigV4SigningOptions = { credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1' };
 */
export interface SigV4SigningOptions {
  credentials: SigV4Credentials;
  /** @default 'us-east-1' */
  region?: string;
  /** @default 'execute-api' */
  service?: string;
  /** The time of the signature (`X-Amz-Date`). @default now */
  signingDate?: Date;
}

/** The request to sign: `url` is sent exactly as the WHATWG URL serialises it. */
export interface SigV4RequestToSign {
  method: string;
  url: string | URL;
  /** Headers to sign besides `host` and `x-amz-date` (names in any case). @default {} */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * The headers that sign a request: `authorization` and `x-amz-date` (and `x-amz-security-token`
 * with temporary credentials). `host` and the given headers are signed; send them unchanged.
 *
 * @example
 * const auth = await sigV4Headers({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body }, signing);
 * http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth } }).end(body);
 */
export async function sigV4Headers(request: SigV4RequestToSign, options: SigV4SigningOptions): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const signer = executeApiSigner(options.credentials, options.region ?? 'us-east-1', options.service ?? EXECUTE_API);
  const signed = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: signerQuery(url.search.slice(1)),
      headers,
      body: request.body,
    },
    { signingDate: options.signingDate ?? new Date() },
  );
  const added = Object.entries(signed.headers).filter(([name]) => ['authorization', 'x-amz-date', 'x-amz-security-token'].includes(name));
  return Object.fromEntries(added);
}

/**
 * `fetch` with a SigV4 signature, as an IAM-authorised caller sends it. Signs `host`, `x-amz-date`
 * and every header in `init.headers`; the body must be a string or bytes (what the signature hashes).
 *
 * @example
 * const response = await signedFetch(`${gateway.url}/items`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ name: 'first' }),
 * }, { credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1' });
 */
export async function signedFetch(url: string | URL, init: RequestInit = {}, options: SigV4SigningOptions): Promise<Response> {
  const { body } = init;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError('signedFetch signs string and Uint8Array bodies only; serialise the body first');
  }
  const headers = Object.fromEntries(new Headers(init.headers));
  const auth = await sigV4Headers({ method: init.method ?? 'GET', url, headers, body: body ?? undefined }, options);
  return fetch(url, { ...init, headers: { ...headers, ...auth } });
}
