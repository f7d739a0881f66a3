import { createRouteMatcher } from './route-match';

describe('createRouteMatcher', () => {
  const match = createRouteMatcher([
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/items' },
    { method: 'POST', path: '/items' },
    { method: 'GET', path: '/items/{id}' },
    { method: 'GET', path: '/items/new' },
    { method: 'ANY', path: '/files/{key+}' },
    { method: 'get', path: '/users/{userId}/items/{itemId}' },
  ]);

  it('gives an explicit resource its template and parameters', () => {
    expect(match('GET', '/items/42')).toEqual({ resource: '/items/{id}', pathParameters: { id: '42' }, auth: 'none' });
    expect(match('GET', '/users/u1/items/i2')).toEqual({
      resource: '/users/{userId}/items/{itemId}',
      pathParameters: { userId: 'u1', itemId: 'i2' },
      auth: 'none',
    });
    expect(match('POST', '/items')).toEqual({ resource: '/items', pathParameters: null, auth: 'none' });
  });

  it('prefers a literal segment over a parameter, whatever the order of the routes', () => {
    expect(match('GET', '/items/new')).toEqual({ resource: '/items/new', pathParameters: null, auth: 'none' });
    const reversed = createRouteMatcher([
      { method: 'GET', path: '/{proxy+}' },
      { method: 'GET', path: '/a/{x}' },
      { method: 'GET', path: '/a/b' },
    ]);
    expect(reversed('GET', '/a/b').resource).toBe('/a/b');
    expect(reversed('GET', '/a/c').resource).toBe('/a/{x}');
    expect(reversed('GET', '/a/c/d')).toEqual({ resource: '/{proxy+}', pathParameters: { proxy: 'a/c/d' }, auth: 'none' });
  });

  it('lets a greedy parameter take the rest of the path and ANY take every method', () => {
    expect(match('DELETE', '/files/a/b/c.txt')).toEqual({ resource: '/files/{key+}', pathParameters: { key: 'a/b/c.txt' }, auth: 'none' });
    expect(match('GET', '/files')).toEqual({ resource: '/{proxy+}', pathParameters: { proxy: 'files' }, auth: 'none' });
  });

  it('sends what no template matches to the catch-all /{proxy+}, and an unmatched root to /', () => {
    expect(match('GET', '/nope/x')).toEqual({ resource: '/{proxy+}', pathParameters: { proxy: 'nope/x' }, auth: 'none' });
    expect(match('PUT', '/items/42')).toEqual({ resource: '/{proxy+}', pathParameters: { proxy: 'items/42' }, auth: 'none' });
    expect(match('GET', '/')).toEqual({ resource: '/', pathParameters: null, auth: 'none' });
    expect(match('DELETE', '/')).toEqual({ resource: '/', pathParameters: null, auth: 'none' });
  });

  it('keeps values percent-encoded and never splits a segment on %2F', () => {
    expect(match('GET', '/items/a%2Fb%20c')).toEqual({ resource: '/items/{id}', pathParameters: { id: 'a%2Fb%20c' }, auth: 'none' });
    expect(match('GET', '/x%2Fy/z').pathParameters).toEqual({ proxy: 'x%2Fy/z' });
  });

  it('ignores one trailing slash but never matches a parameter to an empty segment', () => {
    expect(match('GET', '/items/').resource).toBe('/items');
    expect(match('GET', '/items/42/')).toEqual({ resource: '/items/{id}', pathParameters: { id: '42' }, auth: 'none' });
    expect(match('GET', '/users//items/1').resource).toBe('/{proxy+}');
  });

  it('carries each method\'s auth; the catch-all and the root stay public', () => {
    const guarded = createRouteMatcher([
      { method: 'GET', path: '/items', auth: 'iam' },
      { method: 'POST', path: '/items', auth: 'none' },
      { method: 'ANY', path: '/admin/{key+}', auth: 'iam' },
    ]);

    expect(guarded('GET', '/items').auth).toBe('iam');
    expect(guarded('POST', '/items').auth).toBe('none');
    expect(guarded('DELETE', '/admin/a/b').auth).toBe('iam');
    expect(guarded('PUT', '/items')).toEqual({ resource: '/{proxy+}', pathParameters: { proxy: 'items' }, auth: 'none' });
    expect(guarded('GET', '/')).toEqual({ resource: '/', pathParameters: null, auth: 'none' });
  });

  it('rejects malformed templates up front', () => {
    expect(() => createRouteMatcher([{ method: 'GET', path: 'items' }])).toThrow('must start with "/"');
    expect(() => createRouteMatcher([{ method: 'GET', path: '/{a+}/b' }])).toThrow('greedy parameter must be the last');
    expect(() => createRouteMatcher([{ method: 'GET', path: '/a/{b' }])).toThrow('Invalid segment');
    expect(() => createRouteMatcher([{ method: ' ', path: '/a' }])).toThrow('has no method');
    expect(() => createRouteMatcher([{ method: 'GET', path: '/a', auth: 'cognito' as 'iam' }])).toThrow('expected "none" or "iam"');
  });
});
