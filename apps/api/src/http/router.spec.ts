import { lambdaContext, restApiEvent } from '@serverless-app/testing';
import { json } from './response';
import { createRouter } from './router';

const ok = (name: string) => async () => json(200, name);
const router = createRouter([
  { method: 'GET', path: '/items', handler: ok('list') },
  { method: 'POST', path: '/items', handler: ok('create') },
  { method: 'GET', path: '/items/{id}', handler: ok('get') },
  { method: 'DELETE', path: '/items/{id}', handler: ok('delete') },
]);
const call = async (method: string, path: string) => router(restApiEvent({ method, path }), lambdaContext());

describe('createRouter', () => {
  it('dispatches by method and path template, with or without a trailing slash', async () => {
    expect((await call('GET', '/items')).body).toBe('"list"');
    expect((await call('POST', '/items/')).body).toBe('"create"');
    expect((await call('DELETE', '/items/5')).body).toBe('"delete"');
  });

  it('throws 405 listing the allowed methods when the path exists', async () => {
    await expect(call('PATCH', '/items/5')).rejects.toMatchObject({ statusCode: 405, options: { headers: { allow: 'GET, DELETE' } } });
    await expect(call('PUT', '/items')).rejects.toMatchObject({ statusCode: 405, options: { headers: { allow: 'GET, POST' } } });
  });

  it('throws 404 for paths no template matches, and shortens long ones in the message', async () => {
    await expect(call('GET', '/items/5/parts')).rejects.toMatchObject({ statusCode: 404, code: 'route_not_found' });
    await expect(call('GET', `/${'x'.repeat(500)}`)).rejects.toThrow(/^no route for GET \/x{99}…$/);
  });

  it('treats regular-expression characters in paths literally', async () => {
    await expect(call('GET', '/items.*')).rejects.toMatchObject({ statusCode: 404 });
  });
});
