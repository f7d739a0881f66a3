import { join } from 'node:path';
import { loadRoutes, parseRoutes } from './routes';

describe('parseRoutes', () => {
  it('accepts literal and parameter segments and the root', () => {
    const routes = parseRoutes({ routes: [{ method: 'GET', path: '/' }, { method: 'PATCH', path: '/items/{id}' }] });

    expect(routes).toEqual([
      { method: 'GET', path: '/' },
      { method: 'PATCH', path: '/items/{id}' },
    ]);
  });

  it.each([
    [{}, /at least one route/],
    [{ routes: [] }, /at least one route/],
    [{ routes: [{ method: 'FETCH', path: '/' }] }, /method must be one of/],
    [{ routes: [{ method: 'ANY', path: '/' }] }, /method must be one of/],
    [{ routes: [{ method: 'GET', path: 'items' }] }, /starting with "\/"/],
    [{ routes: [{ method: 'GET', path: '/items/' }] }, /invalid segment ""/],
    [{ routes: [{ method: 'GET', path: '/{proxy+}' }] }, /invalid segment "\{proxy\+\}"/],
    [{ routes: [{ method: 'GET', path: '/a' }, { method: 'GET', path: '/a' }] }, /duplicate route GET \/a/],
    [{ routes: [{ method: 'GET', path: '/items/{id}' }, { method: 'GET', path: '/items/{key}/x' }] }, /two different parameters, \{id\} and \{key\}/],
  ])('rejects %j', (json, message) => {
    expect(() => parseRoutes(json, 'test.json')).toThrow(message);
    expect(() => parseRoutes(json, 'test.json')).toThrow(/^test\.json: /);
  });
});

describe('loadRoutes', () => {
  it('reads the api\'s own routes.json', () => {
    const routes = loadRoutes(join(__dirname, '../../api/routes.json'));

    expect(routes.length).toBeGreaterThan(0);
    expect(routes).toContainEqual({ method: 'GET', path: '/health' });
  });

  it('names the file it cannot read', () => {
    expect(() => loadRoutes('/nonexistent/routes.json')).toThrow('Cannot read the api routes from /nonexistent/routes.json');
  });
});
