import { Base64BodyError, MalformedResultError, toGatewayResponse } from './proxy-result';

describe('toGatewayResponse', () => {
  it('merges headers and multiValueHeaders, keeping one copy of a pair given in both', () => {
    const response = toGatewayResponse({
      statusCode: 200,
      headers: { 'X-One': 'a', 'set-cookie': 'c=3', 'X-Same': 's', 'Content-Type': 'text/plain' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'x-same': ['s'] },
      body: 'hi',
    });

    expect(response.headers).toEqual([
      ['Set-Cookie', ['a=1', 'b=2', 'c=3']],
      ['x-same', ['s']],
      ['X-One', ['a']],
      ['Content-Type', ['text/plain']],
    ]);
    expect(response.body.toString()).toBe('hi');
  });

  it('defaults the content type to application/json and drops framing headers', () => {
    const response = toGatewayResponse({ statusCode: 204, headers: { 'Content-Length': '999', Connection: 'keep-alive' } });

    expect(response.headers).toEqual([['Content-Type', ['application/json']]]);
    expect(response.body.length).toBe(0);
  });

  it('decodes a base64 body, and refuses one that is not base64', () => {
    const bytes = Buffer.from([0, 255, 1, 254]);

    expect(toGatewayResponse({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true }).body).toEqual(bytes);
    expect(toGatewayResponse({ statusCode: 200, body: 'AP8B/g', isBase64Encoded: true }).body).toEqual(bytes);
    expect(() => toGatewayResponse({ statusCode: 200, body: 'not base64!', isBase64Encoded: true })).toThrow(Base64BodyError);
  });

  it.each([
    ['a string', '{"statusCode":200}'],
    ['null', null],
    ['an array', [200]],
    ['a missing status', { body: 'x' }],
    ['a string status', { statusCode: '200' }],
    ['a fractional status', { statusCode: 200.5 }],
    ['an out-of-range status', { statusCode: 99 }],
    ['an object body', { statusCode: 200, body: { a: 1 } }],
    ['a number header', { statusCode: 200, headers: { 'X-Count': 1 } }],
    ['a non-array multi-value header', { statusCode: 200, multiValueHeaders: { 'X-A': 'a' } }],
    ['a header with a newline', { statusCode: 200, headers: { 'X-A': 'a\r\nX-Injected: 1' } }],
    ['an unknown key (cookies is HTTP API only)', { statusCode: 200, cookies: ['a=1'] }],
    ['a non-boolean isBase64Encoded', { statusCode: 200, isBase64Encoded: 'true' }],
  ])('refuses %s as a malformed proxy response', (_label, result) => {
    expect(() => toGatewayResponse(result)).toThrow(MalformedResultError);
  });

  it('accepts null for the optional fields', () => {
    const response = toGatewayResponse({ statusCode: 200, headers: null, multiValueHeaders: null, body: null, isBase64Encoded: null });

    expect(response.statusCode).toBe(200);
    expect(response.body.length).toBe(0);
  });
});
