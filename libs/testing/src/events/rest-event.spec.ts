import { restApiEvent } from './rest-event';
import { TEST_IAM_CALLER } from './shared';

describe('restApiEvent', () => {
  it('defaults to GET / on stage dev with null maps, like API Gateway', () => {
    const event = restApiEvent();

    expect(event.httpMethod).toBe('GET');
    expect(event.path).toBe('/');
    expect(event.requestContext.path).toBe('/dev/');
    expect(event.requestContext.stage).toBe('dev');
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('keeps the last value of repeated headers and query keys in the single-value maps', () => {
    const event = restApiEvent({
      path: '/items',
      headers: { Accept: ['text/plain', 'application/json'], 'X-One': 'a' },
      query: { tag: ['x', 'y'], limit: '5' },
    });

    expect(event.headers).toEqual({ Accept: 'application/json', 'X-One': 'a' });
    expect(event.multiValueHeaders).toEqual({ Accept: ['text/plain', 'application/json'], 'X-One': ['a'] });
    expect(event.queryStringParameters).toEqual({ tag: 'y', limit: '5' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['x', 'y'], limit: ['5'] });
  });

  it('sends objects as JSON with a content type, unless one is given', () => {
    const json = restApiEvent({ method: 'post', body: { name: 'a' } });
    const typed = restApiEvent({ method: 'POST', body: { name: 'a' }, headers: { 'Content-Type': 'text/plain' } });

    expect(json.httpMethod).toBe('POST');
    expect(json.body).toBe('{"name":"a"}');
    expect(json.headers['content-type']).toBe('application/json');
    expect(typed.headers).toEqual({ 'Content-Type': 'text/plain' });
  });

  it('names an IAM caller in requestContext.identity as API Gateway does on an AWS_IAM route, and no one by default', () => {
    const signed = restApiEvent({ iamCaller: { accessKey: 'AKIAEXAMPLEEXAMPLE12', userArn: 'arn:aws:iam::123456789012:user/alice' } });

    expect(signed.requestContext.identity).toMatchObject({ accessKey: 'AKIAEXAMPLEEXAMPLE12', accountId: '123456789012', user: 'alice', userArn: 'arn:aws:iam::123456789012:user/alice' });
    expect(restApiEvent().requestContext.identity).toMatchObject({ accessKey: null, accountId: null, user: null, userArn: null });
    expect(restApiEvent({ iamCaller: TEST_IAM_CALLER }).requestContext.identity.userArn).toBe(TEST_IAM_CALLER.userArn);
  });

  it('base64-encodes Buffer bodies', () => {
    const event = restApiEvent({ method: 'POST', body: Buffer.from('{"name":"é"}') });

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe('{"name":"é"}');
  });

  it('carries the route template, path parameters and request id', () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/items/42',
      route: '/items/{id}',
      pathParameters: { id: '42' },
      requestId: 'req-1',
      time: new Date(Date.UTC(2026, 1, 3, 4, 5, 6)),
    });

    expect(event.resource).toBe('/items/{id}');
    expect(event.requestContext.resourcePath).toBe('/items/{id}');
    expect(event.pathParameters).toEqual({ id: '42' });
    expect(event.requestContext.requestId).toBe('req-1');
    expect(event.requestContext.requestTime).toBe('03/Feb/2026:04:05:06 +0000');
    expect(event.requestContext.requestTimeEpoch).toBe(Date.UTC(2026, 1, 3, 4, 5, 6));
  });

  it('keeps wire keys such as __proto__ as plain own properties', () => {
    const query = Object.fromEntries([['__proto__', ['a', 'b']]]);
    const event = restApiEvent({ query });

    expect(Object.getPrototypeOf(event.multiValueQueryStringParameters)).toBe(Object.prototype);
    expect(Object.keys(event.multiValueQueryStringParameters ?? {})).toEqual(['__proto__']);
    expect(event.queryStringParameters?.['__proto__']).toBe('b');
  });

  it('rejects a path without a leading slash', () => {
    expect(() => restApiEvent({ path: 'items' })).toThrow('path must start with "/"');
  });
});
