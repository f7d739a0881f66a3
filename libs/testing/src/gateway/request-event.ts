import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import { restApiEvent } from '../events';
import { eventBody } from './body-encoding';
import type { ResourceMatch } from './route-match';

/** What the gateway knows about a request when it builds the Lambda's event. */
export interface ReceivedRequest {
  method: string;
  /** Path after the stage, still percent-encoded. */
  path: string;
  query: Array<[string, string]>;
  /** node's `req.rawHeaders`: names as sent, one entry per header line. */
  rawHeaders: readonly string[];
  body: Buffer;
  match: ResourceMatch;
  stage: string;
  requestId: string;
  sourceIp: string;
  time: Date;
  binaryMediaTypes: readonly string[];
  /** What IAM authorization learnt about the caller: merged into `requestContext.identity`. */
  identity?: Partial<APIGatewayEventIdentity>;
}

/** Groups pairs by key in first-seen order; `keyOf` decides which keys are the same. */
function group(pairs: Array<[string, string]>, keyOf: (key: string) => string): Record<string, string[]> {
  const grouped = new Map<string, [string, string[]]>();
  for (const [key, value] of pairs) {
    const entry = grouped.get(keyOf(key));
    if (entry) entry[1].push(value);
    else grouped.set(keyOf(key), [key, [value]]);
  }
  return Object.fromEntries(grouped.values());
}

/**
 * Header lines grouped by name, case-insensitively (HTTP names are), under the spelling first
 * received; one value per line, never split on commas.
 */
export function groupHeaders(rawHeaders: readonly string[]): Record<string, string[]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '']);
  return group(pairs, (name) => name.toLowerCase());
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) → `127.0.0.1`. */
export function clientAddress(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/** The REST (v1) proxy event for a received request; an IAM caller's identity fills `requestContext.identity`. */
export function toProxyEvent(request: ReceivedRequest): APIGatewayProxyEvent {
  const headers = groupHeaders(request.rawHeaders);
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1].at(-1);
  const event = restApiEvent({
    method: request.method,
    path: request.path,
    route: request.match.resource,
    ...(request.match.pathParameters ? { pathParameters: request.match.pathParameters } : {}),
    query: group(request.query, (key) => key),
    headers,
    body: eventBody(request.body, contentType, request.binaryMediaTypes),
    stage: request.stage,
    requestId: request.requestId,
    sourceIp: request.sourceIp,
    time: request.time,
  });
  if (request.identity) event.requestContext.identity = { ...event.requestContext.identity, ...request.identity };
  return event;
}
