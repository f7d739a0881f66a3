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
 *
 * @example
 * const routes: GatewayRoute[] = [{ method: 'GET', path: '/items/{id}' }, { method: 'ANY', path: '/files/{key+}' }];
 */
export interface GatewayRoute {
  method: string;
  path: string;
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
