/**
 * A local API Gateway (REST API, Lambda proxy integration): a `node:http` server that turns each
 * request into the event API Gateway would send, invokes the Lambda and writes its result back.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lambdaContext } from '../events';
import {
  BAD_GATEWAY,
  CONFIGURATION_ERROR,
  errorResponse,
  FORBIDDEN,
  type GatewayError,
  REQUEST_TOO_LARGE,
  TIMED_OUT,
} from './gateway-responses';
import { type AuthOutcome, type AuthRequest, createIamAuthorizer } from './iam-authorizer';
import { listen } from '../http/listener';
import { Base64BodyError, toGatewayResponse, type GatewayResponse } from './proxy-result';
import { BodyTooLargeError, readBody } from './request-body';
import { clientAddress, toProxyEvent } from './request-event';
import { parseRequestTarget } from './request-target';
import { createRouteMatcher } from './route-match';
import { IntegrationTimeoutError, withTimeout } from './timeout';
import type { GatewayLogger, LocalGateway, LocalGatewayOptions } from './types';

const MIB = 1024 * 1024;
const discard: GatewayLogger = { error: () => undefined };

/** What is known as soon as a request arrives. */
interface Arrival {
  method: string;
  rawPath: string;
  query: Array<[string, string]>;
  rawQuery: string;
  requestId: string;
  time: Date;
}

interface Outcome {
  response: GatewayResponse;
  resource: string | null;
  invoked: boolean;
  /** `x-amzn-ErrorType` when the gateway answered itself. */
  errorType?: string;
  /** The access key of an accepted IAM caller. */
  accessKeyId?: string;
  /** Close the connection after answering (the body was refused unread). */
  close?: boolean;
}

/** An answer of the gateway itself: the Lambda is not invoked. */
function refused(error: GatewayError, close = false): Outcome {
  return { response: errorResponse(error), resource: null, invoked: false, close, ...(error.errorType ? { errorType: error.errorType } : {}) };
}

/** The `iam` routes of a route table, as `METHOD /path`. */
function iamRoutes(routes: LocalGatewayOptions['routes']): string[] {
  return (routes ?? []).filter((route) => route.auth === 'iam').map((route) => `${route.method} ${route.path}`);
}

function writeResponse(res: ServerResponse, response: GatewayResponse, requestId: string, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, values] of response.headers) res.setHeader(name, values);
  res.setHeader('x-amzn-RequestId', requestId);
  if (close) res.setHeader('Connection', 'close');
  res.statusCode = response.statusCode;
  res.end(response.body);
}

/**
 * Starts a local API Gateway for a Lambda handler. `curl http://127.0.0.1:<port>/dev/items?x=1`
 * then behaves like the same request to `https://<api>.execute-api.<region>.amazonaws.com/dev/items?x=1`:
 *
 * - outside `/<stage>/` → 403 `{"message":"Forbidden"}`; `/<stage>` alone is the root `/`;
 * - `path` and `pathParameters` stay percent-encoded, as REST APIs deliver them (a live capture
 *   shows `path: "/capture/space%20value"`); the query string is decoded (`+` → space);
 * - header names keep their case, each header line is one `multiValueHeaders` value, the
 *   single-value maps hold the last value, absent maps are `null`;
 * - a fresh request id per request, also returned as `x-amzn-RequestId`;
 * - routes with `auth: 'iam'` need a valid SigV4 signature from one of `iam.credentials`, or get
 *   API Gateway's 403 (`Missing Authentication Token`, `Signature expired`, ...) without invoking;
 *   an accepted caller's key and IAM user fill `requestContext.identity`;
 * - bodies over `maxBodyBytes` → 413 without invoking; a malformed result or a thrown error → 502
 *   `{"message": "Internal server error"}`; no result within `timeoutMs` → 504
 *   `{"message": "Endpoint request timed out"}`.
 *
 * @example
 * ```ts
 * const gateway = await startLocalGateway({
 *   invoke: (event, context) => handler(event, context),
 *   routes: [{ method: 'GET', path: '/items/{id}' }, { method: 'POST', path: '/items', auth: 'iam' }],
 *   iam: { credentials: [{ accessKeyId, secretAccessKey }], region: 'us-east-1' },
 * });
 * const response = await fetch(`${gateway.url}/items/42`); // event.pathParameters = { id: '42' }
 * await signedFetch(`${gateway.url}/items`, { method: 'POST', body: '{}' }, { credentials: { accessKeyId, secretAccessKey } });
 * await gateway.close();
 * ```
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const stage = options.stage ?? 'dev';
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(stage)) {
    throw new TypeError(`Stage names are 1-128 letters, digits, hyphens and underscores, got "${stage}"`);
  }
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 29_000;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * MIB;
  const binaryMediaTypes = options.binaryMediaTypes ?? [];
  const logger = options.logger ?? discard;
  const localEndpoints = options.localEndpoints ?? {};
  const match = createRouteMatcher(options.routes ?? []);
  const guarded = iamRoutes(options.routes);
  if (guarded.length > 0 && !options.iam) {
    throw new TypeError(`Routes with auth "iam" (${guarded.join(', ')}) need options.iam: the credentials the gateway accepts`);
  }
  const authorize: ((request: AuthRequest) => Promise<AuthOutcome>) | undefined = options.iam ? createIamAuthorizer(options.iam) : undefined;
  let requestCount = 0;

  /** Reads the body, invokes the Lambda and turns what happened into the response. */
  async function proxy(req: IncomingMessage, arrival: Arrival, path: string): Promise<Outcome> {
    const { method, rawPath, requestId, time } = arrival;
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refused(REQUEST_TOO_LARGE, true);
      throw error;
    }
    const resource = match(method, path);
    let identity: AuthOutcome | undefined;
    if (resource.auth === 'iam' && authorize) {
      identity = await authorize({ method, rawPath, rawQuery: arrival.rawQuery, query: arrival.query, rawHeaders: req.rawHeaders, body });
      if (!identity.ok) return refused(identity.error);
    }
    const event = toProxyEvent({
      method,
      path,
      query: arrival.query,
      rawHeaders: req.rawHeaders,
      body,
      match: resource,
      stage,
      requestId,
      sourceIp: clientAddress(req.socket.remoteAddress),
      time,
      binaryMediaTypes,
      ...(identity?.ok ? { identity: identity.identity } : {}),
    });
    const context = lambdaContext(options.context);
    const attributes = { requestId, awsRequestId: context.awsRequestId, method, path: rawPath, resource: resource.resource };
    const caller = identity?.ok ? { accessKeyId: identity.identity.accessKey } : {};
    const outcome = (response: GatewayResponse): Outcome => ({ response, resource: resource.resource, invoked: true, ...caller });
    const failed = (error: GatewayError): Outcome => ({ ...outcome(errorResponse(error)), ...(error.errorType ? { errorType: error.errorType } : {}) });
    let result: unknown;
    try {
      result = await withTimeout(() => options.invoke(event, context), timeoutMs, (late) =>
        logger.error('Lambda invocation failed after the integration timed out', { ...attributes, error: late }),
      );
    } catch (error) {
      if (error instanceof IntegrationTimeoutError) {
        logger.error('Execution failed due to a timeout error', { ...attributes, timeoutMs });
        return failed(TIMED_OUT);
      }
      logger.error('Lambda execution failed', { ...attributes, error });
      return failed(BAD_GATEWAY);
    }
    try {
      return outcome(toGatewayResponse(result));
    } catch (error) {
      // Worded like API Gateway's execution log for the same failure.
      const base64 = error instanceof Base64BodyError;
      const reason = base64 ? 'Unable to base64-decode the response body' : 'Malformed Lambda proxy response';
      logger.error(`Execution failed due to configuration error: ${reason}`, { ...attributes, error, result });
      return failed(base64 ? CONFIGURATION_ERROR : BAD_GATEWAY);
    }
  }

  /** A local-only endpoint (outside the stage) answered by the gateway itself; false when `req` is none. */
  function answerLocally(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const endpoint = req.method === 'GET' && !path.startsWith(`/${stage}/`) && Object.hasOwn(localEndpoints, path) ? localEndpoints[path] : undefined;
    if (!endpoint) return false;
    req.resume();
    const body = JSON.stringify(endpoint(), null, 2);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (answerLocally(req, res)) return;
    const started = performance.now();
    const target = parseRequestTarget(req.url ?? '/', stage);
    const arrival: Arrival = {
      method: (req.method ?? 'GET').toUpperCase(),
      rawPath: target.rawPath,
      query: target.query,
      rawQuery: target.rawQuery,
      requestId: randomUUID(),
      time: new Date(),
    };
    let outcome: Outcome;
    if (target.path === null) {
      req.resume();
      outcome = refused(FORBIDDEN);
    } else {
      outcome = await proxy(req, arrival, target.path);
    }
    writeResponse(res, outcome.response, arrival.requestId, outcome.close === true);
    requestCount++;
    options.onRequest?.({
      requestId: arrival.requestId,
      method: arrival.method,
      rawPath: target.rawPath,
      resource: outcome.resource,
      statusCode: outcome.response.statusCode,
      invoked: outcome.invoked,
      errorType: outcome.errorType ?? null,
      accessKeyId: outcome.accessKeyId ?? null,
      durationMs: performance.now() - started,
    });
  }

  const listener = await listen(host, options.port ?? 0, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The client went away mid-body, or a bug here: never take the server down for it.
      logger.error('Local gateway failed to handle a request', { error, url: req.url });
      if (!res.headersSent && !res.destroyed) writeResponse(res, errorResponse(BAD_GATEWAY), randomUUID(), true);
    });
  });

  return {
    url: `${listener.origin}/${stage}`,
    host,
    port: listener.port,
    stage,
    get requestCount() {
      return requestCount;
    },
    close: listener.close,
  };
}
