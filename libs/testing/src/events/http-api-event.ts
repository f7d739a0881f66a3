import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ACCOUNT_ID, API_ID, clfTime, groupPairs, type HttpEventOptions, normalise } from './shared';

const joined = (grouped: Record<string, string[]> | null): Record<string, string> | undefined =>
  grouped ? Object.fromEntries(Object.entries(grouped).map(([key, values]) => [key, values.join(',')])) : undefined;

/**
 * Builds the event API Gateway HTTP API (payload format 2.0) sends to a Lambda:
 * header names lower-cased, repeated headers and query keys joined with commas,
 * cookies split out of the `cookie` header, `rawPath` including the stage.
 *
 * @example
 * const event = httpApiEvent({ method: 'GET', path: '/items', query: { limit: '10' } });
 * expect(event.routeKey).toBe('GET /items');
 * expect(event.rawPath).toBe('/dev/items');
 */
export function httpApiEvent(options: HttpEventOptions = {}): APIGatewayProxyEventV2 {
  const req = normalise(options);
  const cookies = req.headers
    .filter(([key]) => key.toLowerCase() === 'cookie')
    .flatMap(([, value]) => value.split(';').map((c) => c.trim()).filter(Boolean));
  const headerPairs = req.headers
    .filter(([key]) => key.toLowerCase() !== 'cookie')
    .map(([key, value]): [string, string] => [key.toLowerCase(), value]);
  const headers = joined(groupPairs(headerPairs)) ?? {};
  const rawPath = req.stage === '$default' ? req.path : `/${req.stage}${req.path}`;
  const rawQueryString = new URLSearchParams(req.query).toString();
  return {
    version: '2.0',
    routeKey: `${req.method} ${req.route}`,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(req.query.length > 0 ? { queryStringParameters: joined(groupPairs(req.query)) } : {}),
    ...(req.pathParameters ? { pathParameters: req.pathParameters } : {}),
    ...(req.body !== null ? { body: req.body } : {}),
    isBase64Encoded: req.isBase64Encoded,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: req.requestId,
      routeKey: `${req.method} ${req.route}`,
      stage: req.stage,
      time: clfTime(req.time),
      timeEpoch: req.time.getTime(),
    },
  };
}
