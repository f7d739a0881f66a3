import { randomUUID } from 'node:crypto';

/** A header or query-string map; repeated keys carry an array of values in order. */
export type MultiValueMap = Record<string, string | readonly string[]>;

/** Request fields common to the REST (v1) and HTTP API (v2) event factories. */
export interface HttpEventOptions {
  /** HTTP method. @default 'GET' */
  method?: string;
  /** Request path after the stage, starting with `/`. @default '/' */
  path?: string;
  /** Route template that matched, e.g. `/items/{id}`. @default `path` */
  route?: string;
  /** Values of the route template's `{name}` segments. */
  pathParameters?: Record<string, string>;
  /** Query string; an array stands for a repeated key (`?a=1&a=2`). */
  query?: MultiValueMap;
  /** Request headers, names as sent; an array stands for a repeated header. */
  headers?: MultiValueMap;
  /**
   * The body: a string is sent as is; a `Buffer` is sent base64-encoded (`isBase64Encoded: true`);
   * any other value is sent as JSON with `content-type: application/json` unless a content type is given.
   */
  body?: unknown;
  /** Stage name. @default 'dev' */
  stage?: string;
  /** API Gateway's request id (the correlation id). @default a random UUID */
  requestId?: string;
  /** Caller address. @default '127.0.0.1' */
  sourceIp?: string;
  /** Time of the request. @default now */
  time?: Date;
  /**
   * The IAM caller API Gateway authenticated, as on an `AWS_IAM` route (`requestContext.identity`); without it
   * the request is anonymous, as on a public route. {@link TEST_IAM_CALLER} is a ready one.
   */
  iamCaller?: IamCaller;
}

/** What `requestContext.identity` holds for a caller API Gateway authenticated with SigV4. */
export interface IamCaller {
  /** The caller's access key id. */
  accessKey: string;
  /** The IAM principal's ARN, e.g. `arn:aws:iam::123456789012:user/alice`. */
  userArn: string;
}

/** An IAM caller for tests that call `iam` routes directly (no gateway checking a signature). */
export const TEST_IAM_CALLER: Readonly<IamCaller> = Object.freeze({ accessKey: 'AKIAIOSFODNN7EXAMPLE', userArn: 'arn:aws:iam::000000000000:user/test-caller' });

export interface NormalisedRequest {
  method: string;
  path: string;
  route: string;
  pathParameters: Record<string, string> | null;
  headers: Array<[string, string]>;
  query: Array<[string, string]>;
  body: string | null;
  isBase64Encoded: boolean;
  stage: string;
  requestId: string;
  sourceIp: string;
  time: Date;
  iamCaller: IamCaller | undefined;
}

const toPairs = (map: MultiValueMap | undefined): Array<[string, string]> =>
  Object.entries(map ?? {}).flatMap(([key, value]) =>
    (typeof value === 'string' ? [value] : value).map((v): [string, string] => [key, v]),
  );

const hasHeader = (headers: Array<[string, string]>, name: string): boolean =>
  headers.some(([key]) => key.toLowerCase() === name);

export function normalise(options: HttpEventOptions): NormalisedRequest {
  const path = options.path ?? '/';
  if (!path.startsWith('/')) {
    throw new TypeError(`path must start with "/", got "${path}"`);
  }
  const headers = toPairs(options.headers);
  let body: string | null = null;
  let isBase64Encoded = false;
  if (Buffer.isBuffer(options.body)) {
    body = options.body.toString('base64');
    isBase64Encoded = true;
  } else if (typeof options.body === 'string') {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!hasHeader(headers, 'content-type')) headers.push(['content-type', 'application/json']);
  }
  return {
    method: (options.method ?? 'GET').toUpperCase(),
    path,
    route: options.route ?? path,
    pathParameters: options.pathParameters && Object.keys(options.pathParameters).length > 0 ? { ...options.pathParameters } : null,
    headers,
    query: toPairs(options.query),
    body,
    isBase64Encoded,
    stage: options.stage ?? 'dev',
    requestId: options.requestId ?? randomUUID(),
    sourceIp: options.sourceIp ?? '127.0.0.1',
    time: options.time ?? new Date(),
    iamCaller: options.iamCaller,
  };
}

/**
 * Groups pairs by key; `null` when there are none, as API Gateway sends. Keys come from the wire
 * (`?__proto__=x`), so they are collected in a Map and become own properties of a plain object.
 */
export function groupPairs(pairs: Array<[string, string]>): Record<string, string[]> | null {
  if (pairs.length === 0) return null;
  const grouped = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    const values = grouped.get(key);
    if (values) values.push(value);
    else grouped.set(key, [value]);
  }
  return Object.fromEntries(grouped);
}

/** `10/Feb/2026:13:40:05 +0000`, the format of `requestContext.requestTime`. */
export function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export const ACCOUNT_ID = '000000000000';
export const API_ID = 'local';
