import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { LambdaContextOptions } from '../events';

/**
 * Calls the Lambda: the handler itself, or a function that forwards the event to a child process.
 * Whatever it resolves to is checked the way API Gateway checks a proxy integration's output.
 *
 * @example
 * const invoke: GatewayInvoke = (event, context) => handler(event, context);
 */
export type GatewayInvoke = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

/**
 * An explicit API Gateway resource and one of its methods. `path` is a resource template:
 * literal segments, `{name}` (one segment) and a trailing greedy `{name+}`. `method` may be `ANY`.
 * `auth: 'iam'` is `AuthorizationType.IAM`: only SigV4-signed callers reach the Lambda.
 *
 * @example
 * const routes: GatewayRoute[] = [
 *   { method: 'GET', path: '/items/{id}' },
 *   { method: 'POST', path: '/items', auth: 'iam' },
 *   { method: 'ANY', path: '/files/{key+}' },
 * ];
 */
export interface GatewayRoute {
  method: string;
  path: string;
  /** `none` (public) or `iam` (SigV4 signature checked before the Lambda runs). @default 'none' */
  auth?: GatewayAuth;
}

/** Who may call a route: anyone (`none`), or a SigV4-signed caller (`iam`). */
export type GatewayAuth = 'none' | 'iam';

/**
 * A key pair the gateway accepts on `iam` routes, and the IAM user it stands for (what
 * `requestContext.identity` says about the caller).
 *
 * @example
 * const credential: GatewayCredential = { accessKeyId: 'AKIALOCAL0000000001', secretAccessKey: 'local-secret' };
 */
export interface GatewayCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** The caller's account. @default '000000000000' */
  accountId?: string;
  /** The IAM user name, in `userArn`. @default 'local-developer' */
  userName?: string;
}

/**
 * How the gateway checks `iam` routes: the key pairs it knows and the region signatures must be
 * scoped to (the service is always `execute-api`).
 *
 * @example
 * const iam: GatewayIamOptions = { credentials: [{ accessKeyId, secretAccessKey }], region: 'us-east-1' };
 */
export interface GatewayIamOptions {
  credentials: readonly GatewayCredential[];
  /** @default 'us-east-1' */
  region?: string;
}

/**
 * Where the gateway reports what API Gateway would write to its execution log: Lambda errors,
 * malformed results, timeouts. A Powertools `Logger` satisfies it.
 *
 * @example
 * const logger: GatewayLogger = { error: (message, ...attributes) => lines.push({ message, attributes }) };
 */
export interface GatewayLogger {
  error(message: string, ...attributes: Array<Record<string, unknown>>): void;
}

/**
 * One request the gateway answered, as passed to {@link LocalGatewayOptions.onRequest}.
 *
 * @example
 * const seen: GatewayRequestRecord[] = [];
 * await startLocalGateway({ invoke, onRequest: (record) => seen.push(record) });
 */
export interface GatewayRequestRecord {
  /** API Gateway's request id, also sent back as `x-amzn-RequestId`. */
  requestId: string;
  method: string;
  /** The request path as received, stage included, query excluded. */
  rawPath: string;
  /** The matched resource template; `null` when the Lambda was not invoked (403, 413). */
  resource: string | null;
  statusCode: number;
  /** Whether the Lambda was invoked for this request. */
  invoked: boolean;
  /** `x-amzn-ErrorType` of an answer the gateway gave itself (`MissingAuthenticationTokenException`, ...), else `null`. */
  errorType: string | null;
  /** The access key of a caller whose signature was accepted, else `null`. */
  accessKeyId: string | null;
  durationMs: number;
}

/**
 * Options of {@link startLocalGateway}.
 *
 * @example
 * const options: LocalGatewayOptions = { invoke: handler, routes, timeoutMs: 1_000 };
 */
export interface LocalGatewayOptions {
  /** Invokes the Lambda with the proxy event and a fresh `Context`. */
  invoke: GatewayInvoke;
  /** Stage name, the first path segment. @default 'dev' */
  stage?: string;
  /**
   * Explicit resources. A request matching one (path and method, or `ANY`) gets its template as
   * `resource` and its `{name}` values as `pathParameters`; any other request goes to the catch-all
   * `/{proxy+}` (or the root resource `/`), as on an API that also has `ANY /{proxy+}`.
   * @default []
   */
  routes?: readonly GatewayRoute[];
  /**
   * The key pairs and region for routes with `auth: 'iam'`; required when there are such routes.
   * Requests to them without a valid signature get API Gateway's 403 answers and never reach the Lambda.
   */
  iam?: GatewayIamOptions;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** Integration timeout; after it the client gets 504 and the invocation is abandoned. @default 29_000 */
  timeoutMs?: number;
  /** Largest request body accepted; larger bodies get 413 without invoking the Lambda. @default 10 MiB */
  maxBodyBytes?: number;
  /**
   * Request content types sent to the Lambda base64-encoded (`image/png`, `image/*`, `*\/*`).
   * Bodies that are not valid UTF-8 are base64-encoded whatever their type.
   * @default []
   */
  binaryMediaTypes?: readonly string[];
  /** Receives Lambda errors, malformed results and timeouts. @default discard */
  logger?: GatewayLogger;
  /** Options of the `Context` built for each invocation. */
  context?: LambdaContextOptions;
  /** Called once per answered request, after the response is written. */
  onRequest?: (record: GatewayRequestRecord) => void;
  /**
   * Local-only JSON endpoints, outside the stage: `GET <path>` (e.g. `/__metrics`) is answered 200 with the
   * function's result as JSON, by the gateway itself — not invoked, not counted, not passed to `onRequest`.
   * API Gateway has no such thing; paths under the stage are never taken.
   * @default {}
   */
  localEndpoints?: Readonly<Record<string, () => unknown>>;
}

/**
 * A running local gateway.
 *
 * @example
 * const gateway = await startLocalGateway({ invoke: handler });
 * const response = await fetch(`${gateway.url}/items`); // http://127.0.0.1:<port>/dev/items
 * await gateway.close();
 */
export interface LocalGateway {
  /** Base URL including the stage, e.g. `http://127.0.0.1:3000/dev`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly stage: string;
  /** How many requests were answered so far (including 403/413/5xx). */
  readonly requestCount: number;
  /** Stops listening and destroys open (keep-alive) connections. Safe to call more than once. */
  close(): Promise<void>;
}
