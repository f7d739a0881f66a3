import type { APIGatewayProxyResult } from 'aws-lambda';

/** The HTTP answer every route returns: JSON, never cached by intermediaries unless said so. */
export type HttpResponse = APIGatewayProxyResult;

/**
 * A JSON response.
 *
 * @example
 * return json(201, item, { location: `/dev/items/${item.id}` });
 */
export function json(statusCode: number, body: unknown, headers?: Record<string, string>): HttpResponse {
  const base = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  return { statusCode, headers: headers ? { ...base, ...headers } : base, body: JSON.stringify(body) };
}

/** A response without a body (204). */
export function noContent(headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 204, headers: { 'cache-control': 'no-store', ...headers }, body: '' };
}
