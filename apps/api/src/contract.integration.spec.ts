import type { APIGatewayProxyResult } from 'aws-lambda';
import { MAX_BODY_BYTES } from './http/json-body';
import { bodyOf, useApi } from './testing/api.test-util';

jest.setTimeout(60_000);

const ctx = useApi();

const post = (body: unknown, headers: Record<string, string | string[]> = { 'content-type': 'application/json' }) =>
  ctx.api.invoke({ method: 'POST', path: '/items', body, headers });
const errorOf = (res: APIGatewayProxyResult) => (bodyOf(res) as { error: { code: string; message: string; details?: unknown } }).error;

describe('request bodies', () => {
  it.each([
    ['malformed JSON', '{"name": "a"', 422, 'invalid_json'],
    ['trailing garbage', '{"name": "a"} x', 422, 'invalid_json'],
    ['an empty body', '', 422, 'invalid_json'],
    ['a JSON array', '[{"name": "a"}]', 422, 'invalid_input'],
    ['a JSON string', '"a"', 422, 'invalid_input'],
    ['null', 'null', 422, 'invalid_input'],
  ])('rejects %s', async (_name, body, status, code) => {
    const res = await post(body);

    expect(res.statusCode).toBe(status);
    expect(errorOf(res).code).toBe(code);
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['no content type', {}],
    ['JSON in another charset', { 'content-type': 'application/json; charset=latin1' }],
  ])('rejects %s with 415', async (_name, headers) => {
    const res = await post('{"name":"a"}', headers);

    expect(res.statusCode).toBe(415);
    expect(errorOf(res)).toEqual({ code: 'unsupported_media_type', message: 'the body must be JSON: send content-type: application/json' });
  });

  it('accepts any case of the content-type header and a UTF-8 charset', async () => {
    expect((await post('{"name":"case"}', { 'CONTENT-TYPE': 'Application/JSON; charset=UTF-8' })).statusCode).toBe(201);
  });

  it('rejects a body over the limit counted in bytes, not characters', async () => {
    const snowmen = '☃'.repeat(Math.ceil(MAX_BODY_BYTES / 3)); // fewer characters than the limit, more bytes
    const res = await post(JSON.stringify({ name: 'x', description: snowmen }));

    expect(snowmen.length).toBeLessThan(MAX_BODY_BYTES);
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('payload_too_large');
  });

  it('reads base64-encoded bodies, and rejects invalid UTF-8 in them', async () => {
    const ok = await post(Buffer.from('{"name":"from base64 ☃"}'));
    const bad = await post(Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0xff, 0x7d]));

    expect(ok.statusCode).toBe(201);
    expect(bodyOf(ok)).toMatchObject({ name: 'from base64 ☃' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad)).toEqual({ code: 'invalid_json', message: 'the body is not valid UTF-8' });
  });

  it.each([
    ['__proto__', '{"name":"a","__proto__":{"polluted":true}}'],
    ['constructor', '{"name":"a","constructor":{"prototype":{"polluted":true}}}'],
    ['an unknown field', '{"name":"a","admin":true}'],
  ])('rejects %s as an unknown field without polluting prototypes', async (_name, body) => {
    const res = await post(body);

    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details).toEqual([expect.objectContaining({ message: 'is not a known field' })]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['a number name', { name: 123 }, 'name'],
    ['a huge number', '{"name": 1e400}', 'name'],
    ['a boolean description', { name: 'a', description: true }, 'description'],
    ['an empty name', { name: '' }, 'name'],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a description of 2001 characters', { name: 'a', description: 'd'.repeat(2001) }, 'description'],
    ['a lone surrogate', '{"name":"\\ud800"}', 'name'],
    ['a missing name', { description: 'x' }, 'name'],
  ])('rejects %s, naming the field and not echoing the value', async (_name, body, field) => {
    const res = await post(typeof body === 'string' ? body : JSON.stringify(body));

    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('invalid_input');
    expect(errorOf(res).details).toEqual([expect.objectContaining({ path: field })]);
    expect(res.body).not.toContain('nnnnnnnnnn');
  });

  it('counts characters, not UTF-16 units: 200 astral characters are a valid name', async () => {
    expect((await post(JSON.stringify({ name: '𝄞'.repeat(200) }))).statusCode).toBe(201);
  });

  it('rejects PATCH without any field', async () => {
    const res = await ctx.api.invoke({ method: 'PATCH', path: '/items/1', body: {} });

    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details).toEqual([{ path: '(body)', message: 'send at least one of name, description' }]);
  });
});

describe('paths, methods, headers and query strings', () => {
  it.each([['abc'], ['0'], ['-1'], ['1.5'], ['99999999999999999999'], ['9007199254740993'], ['1e3'], ['007']])(
    'answers the malformed item id %p like an unknown one: 404 not_found',
    async (id) => {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await ctx.api.invoke({ method, path: `/items/${id}`, ...(method === 'PATCH' ? { body: { name: 'x' } } : {}) });

        expect([method, res.statusCode, bodyOf(res)]).toEqual([method, 404, { error: { code: 'not_found', message: `item ${id} does not exist` } }]);
      }
    },
  );

  it.each([
    ['PUT', '/items/1', 'GET, PATCH, DELETE'],
    ['DELETE', '/items', 'GET, POST'],
    ['POST', '/', 'GET'],
    ['POST', '/health', 'GET'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const res = await ctx.api.invoke({ method, path });

    expect(res.statusCode).toBe(405);
    expect(res.headers?.['allow']).toBe(allow);
    expect(errorOf(res).code).toBe('method_not_allowed');
  });

  it.each([['/nope'], ['/items/1/extra'], ['/ITEMS']])('answers 404 for the unknown route %s', async (path) => {
    const res = await ctx.api.invoke({ path });

    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('route_not_found');
  });

  it.each([
    [{ limit: '0' }],
    [{ limit: 'ten' }],
    [{ limit: ['1', '2'] }],
    [{ cursor: '!!' }],
    [{ cursor: 'MA' }],
    [{ sort: 'name' }],
  ])('rejects the query %j', async (query) => {
    const res = await ctx.api.invoke({ path: '/items', query });

    expect(res.statusCode).toBe(422);
    expect(errorOf(res).message).toBe('invalid query string');
  });

  it.each([['has space'], ['x'.repeat(129)], ['tab\there'], [''], ['ключ']])('rejects the Idempotency-Key %p', async (key) => {
    const res = await post('{"name":"a"}', { 'content-type': 'application/json', 'idempotency-key': key });

    expect(res.statusCode).toBe(422);
    expect(errorOf(res).details).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
  });

  it.each([
    ['two header lines', { 'Idempotency-Key': ['k-1', 'k-2'] }],
    ['two lines with the same value', { 'idempotency-key': ['k-1', 'k-1'] }],
    ['two names differing only in case', { 'Idempotency-Key': 'k-1', 'idempotency-key': 'k-2' }],
  ])('rejects %s of Idempotency-Key, naming the header', async (_name, keyHeaders) => {
    const res = await post('{"name":"a"}', { 'content-type': 'application/json', ...keyHeaders });

    expect(res.statusCode).toBe(422);
    expect(errorOf(res)).toEqual({ code: 'invalid_input', message: 'invalid Idempotency-Key header', details: [{ path: 'Idempotency-Key', message: 'must be given once' }] });
  });

  it('echoes the request id as the correlation id, on success and on error', async () => {
    const ok = await ctx.api.invoke({ path: '/', requestId: 'req-ok-1' });
    const bad = await ctx.api.invoke({ path: '/nope', requestId: 'req-bad-1' });

    expect(ok.headers?.['x-correlation-id']).toBe('req-ok-1');
    expect(bad.headers?.['x-correlation-id']).toBe('req-bad-1');
  });
});
