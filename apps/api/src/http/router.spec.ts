import { lambdaContext, restApiEvent, TEST_IAM_CALLER } from '@serverless-app/testing';
import { json } from './response';
import type { Route, RouteHandler } from './route';
import { createRouter } from './router';

const ok =
  (name: string): RouteHandler =>
  async (event) =>
    json(200, { name, parameters: event.pathParameters });
const route = (method: Route['method'], path: string, name: string): Route => ({ method, path, auth: 'none', summary: name, handler: ok(name) });
const router = createRouter([
  route('GET', '/', 'root'),
  route('GET', '/items', 'list'),
  route('POST', '/items', 'create'),
  route('GET', '/items/{id}', 'get'),
  route('DELETE', '/items/{id}', 'delete'),
  route('GET', '/items/search', 'search'),
  route('GET', '/shops/{shop}/orders/{order}', 'order'),
]);
const call = async (method: string, path: string) => router(restApiEvent({ method, path }), lambdaContext());
const nameOf = async (method: string, path: string) => JSON.parse((await call(method, path)).body) as { name: string; parameters: unknown };

describe('createRouter', () => {
  it('dispatches by method and path template, with or without a trailing slash', async () => {
    expect((await nameOf('GET', '/')).name).toBe('root');
    expect((await nameOf('GET', '/items')).name).toBe('list');
    expect((await nameOf('POST', '/items/')).name).toBe('create');
    expect(await nameOf('DELETE', '/items/5')).toEqual({ name: 'delete', parameters: { id: '5' } });
  });

  it('sets every parameter of a template', async () => {
    expect(await nameOf('GET', '/shops/s-1/orders/o-2')).toEqual({ name: 'order', parameters: { shop: 's-1', order: 'o-2' } });
  });

  it('prefers a literal segment to a parameter, as API Gateway does', async () => {
    expect((await nameOf('GET', '/items/search')).name).toBe('search');
  });

  it('runs an iam route only for an IAM caller: without one it is 403 missing_authentication, whoever forgot the authoriser', async () => {
    const guarded = createRouter([{ ...route('POST', '/orders', 'create'), auth: 'iam' }, route('GET', '/orders', 'list')]);
    const anonymous = restApiEvent({ method: 'POST', path: '/orders' });
    const forged = restApiEvent({ method: 'POST', path: '/orders', headers: { 'x-amz-user-arn': TEST_IAM_CALLER.userArn, authorization: 'AWS4-HMAC-SHA256 forged' } });

    await expect(guarded(anonymous, lambdaContext())).rejects.toMatchObject({ statusCode: 403, code: 'missing_authentication' });
    await expect(guarded(forged, lambdaContext())).rejects.toMatchObject({ statusCode: 403, code: 'missing_authentication' });
    const signed = await guarded(restApiEvent({ method: 'POST', path: '/orders', iamCaller: TEST_IAM_CALLER }), lambdaContext());
    expect(JSON.parse(signed.body)).toMatchObject({ name: 'create' });
    const open = await guarded(restApiEvent({ path: '/orders' }), lambdaContext());
    expect(JSON.parse(open.body)).toMatchObject({ name: 'list' });
  });

  it('throws 405 listing the allowed methods of the matched path', async () => {
    await expect(call('PATCH', '/items/5')).rejects.toMatchObject({ statusCode: 405, options: { headers: { allow: 'GET, DELETE' } } });
    await expect(call('PUT', '/items')).rejects.toMatchObject({ statusCode: 405, options: { headers: { allow: 'GET, POST' } } });
  });

  it('throws 404 for paths no template matches, and shortens long ones in the message', async () => {
    await expect(call('GET', '/items/5/parts')).rejects.toMatchObject({ statusCode: 404, code: 'route_not_found' });
    await expect(call('GET', '/ITEMS')).rejects.toMatchObject({ statusCode: 404 });
    await expect(call('GET', `/${'x'.repeat(500)}`)).rejects.toThrow(/^no route for GET \/x{99}…$/);
  });

  it('treats regular-expression characters in paths literally', async () => {
    await expect(call('GET', '/items.*')).rejects.toMatchObject({ statusCode: 404 });
    await expect(call('GET', '/items/5/../x')).rejects.toMatchObject({ statusCode: 404 });
  });

  it.each([
    [[route('GET', 'items', 'x')], /must start with "\/"/],
    [[route('GET', '/items/{id', 'x')], /invalid segment "\{id"/],
    [[route('GET', '/items//x', 'x')], /invalid segment ""/],
    [[route('GET', '/a', 'x'), route('GET', '/a', 'y')], /GET \/a is declared twice/],
  ])('refuses a bad route table when it is built (%#)', (routes, message) => {
    expect(() => createRouter(routes)).toThrow(message);
  });
});
