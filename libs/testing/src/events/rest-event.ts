import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ACCOUNT_ID, API_ID, clfTime, groupPairs, type HttpEventOptions, normalise } from './shared';

const lastValues = (grouped: Record<string, string[]> | null): Record<string, string> | null =>
  grouped && Object.fromEntries(Object.entries(grouped).map(([key, values]) => [key, values[values.length - 1] ?? '']));

/**
 * Builds the event API Gateway REST (v1) sends to a Lambda proxy integration:
 * `headers`/`queryStringParameters` hold the last value of a repeated key, the
 * `multiValue*` maps hold all of them, absent maps are `null`, `path` excludes
 * the stage and `requestContext.path` includes it. With `iamCaller`,
 * `requestContext.identity` names the caller as API Gateway does on an
 * `AWS_IAM` route.
 *
 * @example
 * const event = restApiEvent({
 *   method: 'POST',
 *   path: '/items',
 *   headers: { 'Idempotency-Key': 'k-1' },
 *   body: { name: 'first' }, // sent as JSON with content-type application/json
 * });
 * await handler(event, lambdaContext());
 */
export function restApiEvent(options: HttpEventOptions = {}): APIGatewayProxyEvent {
  const req = normalise(options);
  const multiValueHeaders = groupPairs(req.headers);
  const multiValueQuery = groupPairs(req.query);
  const userAgent = req.headers.find(([key]) => key.toLowerCase() === 'user-agent')?.[1] ?? null;
  return {
    resource: req.route,
    path: req.path,
    httpMethod: req.method,
    headers: lastValues(multiValueHeaders) ?? {},
    multiValueHeaders: multiValueHeaders ?? {},
    queryStringParameters: lastValues(multiValueQuery),
    multiValueQueryStringParameters: multiValueQuery,
    pathParameters: req.pathParameters,
    stageVariables: null,
    body: req.body,
    isBase64Encoded: req.isBase64Encoded,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: req.method,
      path: `/${req.stage}${req.path}`,
      stage: req.stage,
      requestId: req.requestId,
      requestTime: clfTime(req.time),
      requestTimeEpoch: req.time.getTime(),
      resourceId: 'local',
      resourcePath: req.route,
      domainName: 'localhost',
      identity: {
        accessKey: req.iamCaller?.accessKey ?? null,
        accountId: req.iamCaller ? (/^arn:aws:iam::(\d{12}):/.exec(req.iamCaller.userArn)?.[1] ?? null) : null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.sourceIp,
        user: req.iamCaller ? req.iamCaller.userArn.replace(/^.*[:/]/, '') : null,
        userAgent,
        userArn: req.iamCaller?.userArn ?? null,
      },
    },
  };
}
