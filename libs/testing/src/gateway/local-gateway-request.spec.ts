import { echo, eventFrom, send } from './http-client.test-util';
import { startLocalGateway } from './local-gateway';
import type { GatewayRequestRecord, LocalGateway } from './types';

let gateway: LocalGateway;
const records: GatewayRequestRecord[] = [];
let invocations = 0;

beforeAll(async () => {
  gateway = await startLocalGateway({
    invoke: (event, context) => {
      invocations++;
      return echo(event, context);
    },
    routes: [
      { method: 'GET', path: '/items' },
      { method: 'GET', path: '/items/{id}' },
      { method: 'ANY', path: '/files/{key+}' },
    ],
    binaryMediaTypes: ['image/*', 'application/octet-stream'],
    maxBodyBytes: 1024,
    onRequest: (record) => records.push(record),
  });
});

afterAll(() => gateway.close());

describe('the stage', () => {
  it('serves under http://127.0.0.1:<port>/<stage>', () => {
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}/dev`);
    expect(gateway.stage).toBe('dev');
  });

  it('answers 403 Forbidden outside /<stage>/ without invoking the Lambda', async () => {
    const before = invocations;
    for (const path of ['/', '/prod/items', '/devx/items', '/DEV/items', '/items']) {
      const response = await send(`http://127.0.0.1:${gateway.port}${path}`, { method: 'POST', body: 'x' });

      expect(response.status).toBe(403);
      expect(response.body.toString()).toBe('{"message":"Forbidden"}');
      expect(response.header('x-amzn-ErrorType')).toEqual(['ForbiddenException']);
      expect(response.header('content-type')).toEqual(['application/json']);
    }
    expect(invocations).toBe(before);
  });

  it('takes /<stage> without a slash as the root resource', async () => {
    const event = eventFrom(await send(gateway.url));

    expect(event.path).toBe('/');
    expect(event.resource).toBe('/');
    expect(event.pathParameters).toBeNull();
    expect(event.requestContext.stage).toBe('dev');
  });

  it('uses another stage name when told to', async () => {
    const prod = await startLocalGateway({ invoke: echo, stage: 'prod' });
    try {
      expect(eventFrom(await send(`${prod.url}/x`)).requestContext.path).toBe('/prod/x');
      expect((await send(`http://127.0.0.1:${prod.port}/dev/x`)).status).toBe(403);
    } finally {
      await prod.close();
    }
  });
});

describe('resources and paths', () => {
  it('fills resource and pathParameters from the matching route', async () => {
    const event = eventFrom(await send(`${gateway.url}/items/42`));

    expect(event.httpMethod).toBe('GET');
    expect(event.resource).toBe('/items/{id}');
    expect(event.requestContext.resourcePath).toBe('/items/{id}');
    expect(event.pathParameters).toEqual({ id: '42' });
    expect(event.path).toBe('/items/42');
    expect(event.requestContext.path).toBe('/dev/items/42');
  });

  it('sends a path no route matches to /{proxy+}, for the Lambda to answer 404 or 405', async () => {
    const unknown = eventFrom(await send(`${gateway.url}/nope/deeper`, { method: 'DELETE' }));
    const wrongMethod = eventFrom(await send(`${gateway.url}/items/7`, { method: 'PATCH', body: '{}' }));

    expect(unknown.resource).toBe('/{proxy+}');
    expect(unknown.pathParameters).toEqual({ proxy: 'nope/deeper' });
    expect(unknown.httpMethod).toBe('DELETE');
    expect(wrongMethod.resource).toBe('/{proxy+}');
    expect(wrongMethod.pathParameters).toEqual({ proxy: 'items/7' });
  });

  it('matches ANY and greedy route parameters', async () => {
    const event = eventFrom(await send(`${gateway.url}/files/a/b.txt`, { method: 'PUT', body: 'x' }));

    expect(event.resource).toBe('/files/{key+}');
    expect(event.pathParameters).toEqual({ key: 'a/b.txt' });
  });

  it('keeps the path percent-encoded, as REST APIs deliver it (%2F stays inside its segment)', async () => {
    const event = eventFrom(await send(`${gateway.url}/items/a%2Fb%20c+d`));

    expect(event.path).toBe('/items/a%2Fb%20c+d');
    expect(event.requestContext.path).toBe('/dev/items/a%2Fb%20c+d');
    expect(event.resource).toBe('/items/{id}');
    expect(event.pathParameters).toEqual({ id: 'a%2Fb%20c+d' });
  });
});

describe('query strings', () => {
  it('decodes values, turns + into a space and keeps every value of a repeated key', async () => {
    const event = eventFrom(await send(`${gateway.url}/items?tag=a&tag=b%20c&q=x+y&plus=1%2B1&u=%C3%A9&flag`));

    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b c'], q: ['x y'], plus: ['1+1'], u: ['é'], flag: [''] });
    expect(event.queryStringParameters).toEqual({ tag: 'b c', q: 'x y', plus: '1+1', u: 'é', flag: '' });
  });

  it('sends null maps without a query string', async () => {
    for (const suffix of ['', '?']) {
      const event = eventFrom(await send(`${gateway.url}/items${suffix}`));

      expect(event.queryStringParameters).toBeNull();
      expect(event.multiValueQueryStringParameters).toBeNull();
    }
  });

  it('survives wire keys named like Object.prototype members', async () => {
    const event = eventFrom(await send(`${gateway.url}/items?__proto__=a&constructor=b`));

    expect(event.queryStringParameters).toEqual(Object.fromEntries([['__proto__', 'a'], ['constructor', 'b']]));
    expect(Object.keys(event.multiValueQueryStringParameters ?? {})).toEqual(['__proto__', 'constructor']);
  });
});

describe('headers', () => {
  it('keeps names as sent, every line of a repeated header, and the last value in headers', async () => {
    const event = eventFrom(
      await send(`${gateway.url}/items`, {
        headers: [
          ['X-Custom-Thing', 'one'],
          ['Accept', 'text/plain'],
          ['accept', 'application/json'],
          ['x-lower', 'a, b'],
        ],
      }),
    );

    expect(event.multiValueHeaders['X-Custom-Thing']).toEqual(['one']);
    expect(event.multiValueHeaders['Accept']).toEqual(['text/plain', 'application/json']);
    expect(event.multiValueHeaders['x-lower']).toEqual(['a, b']);
    expect(event.headers['Accept']).toBe('application/json');
    expect(event.headers['x-lower']).toBe('a, b');
    expect(event.headers).not.toHaveProperty('x-custom-thing');
    expect(event.headers['Host']).toBe(`127.0.0.1:${gateway.port}`);
  });

  it('fills identity from the request', async () => {
    const event = eventFrom(await send(`${gateway.url}/items`, { headers: [['User-Agent', 'probe/1']] }));

    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event.requestContext.identity.userAgent).toBe('probe/1');
    expect(event.requestContext.requestTimeEpoch).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('request ids', () => {
  it('gives every request a fresh id, in the event and in x-amzn-RequestId', async () => {
    const a = await send(`${gateway.url}/items`);
    const b = await send(`${gateway.url}/items`);
    const [idA] = a.header('x-amzn-RequestId');

    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(eventFrom(a).requestContext.requestId).toBe(idA);
    expect(eventFrom(b).requestContext.requestId).not.toBe(idA);
    expect(a.rawHeaders.some(([name]) => name === 'x-amzn-RequestId')).toBe(true);
  });

  it('counts requests and reports each one', async () => {
    const before = gateway.requestCount;
    const response = await send(`${gateway.url}/items/9`);
    const record = records.at(-1);

    expect(gateway.requestCount).toBe(before + 1);
    expect(record).toMatchObject({
      requestId: response.header('x-amzn-RequestId')[0],
      method: 'GET',
      rawPath: '/dev/items/9',
      resource: '/items/{id}',
      statusCode: 200,
      invoked: true,
    });
  });
});

describe('bodies', () => {
  const post = (body: string | Buffer | undefined, contentType?: string, chunked = false) =>
    send(`${gateway.url}/items`, {
      method: 'POST',
      headers: contentType ? [['Content-Type', contentType]] : [],
      ...(body === undefined ? {} : { body }),
      chunked,
    });

  it('sends no body as null', async () => {
    const event = eventFrom(await post(undefined));

    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('sends UTF-8 text as a string, multi-byte characters intact', async () => {
    const text = '{"name":"é 中文 🚀"}';
    const event = eventFrom(await post(text, 'application/json; charset=utf-8'));

    expect(event.body).toBe(text);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes a binary media type, even when its bytes are valid UTF-8', async () => {
    const event = eventFrom(await post('plain ascii', 'image/png'));

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString()).toBe('plain ascii');
  });

  it('base64-encodes bytes that are not valid UTF-8, whatever the content type', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc3]);
    const event = eventFrom(await post(bytes, 'text/plain'));

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('reads a chunked body completely', async () => {
    const event = eventFrom(await post('x'.repeat(1000), 'text/plain', true));

    expect(event.body).toBe('x'.repeat(1000));
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    expect((await post('y'.repeat(1024), 'text/plain')).status).toBe(200);
  });

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('answers 413 to a body over maxBodyBytes (%s) without invoking the Lambda', async (_label, chunked) => {
    const before = invocations;
    const response = await post('z'.repeat(1025), 'text/plain', chunked);

    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ message: 'Request Too Long' });
    expect(invocations).toBe(before);
    expect(records.at(-1)).toMatchObject({ statusCode: 413, invoked: false, resource: null });
  });
});
