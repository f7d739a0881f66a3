import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRoutes, loadRouteManifest, parsePath, parseRouteManifest, resourceNodes, ROUTE_MANIFEST } from './routes';
import { FIXTURE_ROUTES, standInApiAsset } from './test-app.test-util';

describe('parsePath', () => {
  it('splits a path into literal and parameter segments', () => {
    expect(parsePath('/')).toEqual([]);
    expect(parsePath('/items/{id}')).toEqual([
      { text: 'items', parameter: false },
      { text: '{id}', parameter: true },
    ]);
  });

  it.each([['items'], [''], [5], ['/items/'], ['//x'], ['/{proxy+}'], ['/a b'], ['/{1x}']])('rejects %j', (path) => {
    expect(() => parsePath(path)).toThrow(/path/);
  });
});

describe('parseRouteManifest', () => {
  it('accepts literal and parameter segments, the root, and both kinds of auth', () => {
    const routes = parseRouteManifest({ routes: [{ method: 'GET', path: '/', auth: 'none' }, { method: 'PATCH', path: '/items/{id}', auth: 'iam' }] });

    expect(routes).toEqual([
      { method: 'GET', path: '/', auth: 'none' },
      { method: 'PATCH', path: '/items/{id}', auth: 'iam' },
    ]);
  });

  it.each([
    [{}, /at least one route/],
    [{ routes: [] }, /at least one route/],
    [{ routes: [{ method: 'FETCH', path: '/', auth: 'none' }] }, /method must be one of/],
    [{ routes: [{ method: 'ANY', path: '/', auth: 'none' }] }, /method must be one of/],
    [{ routes: [{ method: 'GET', path: '/' }] }, /auth of GET \/ must be one of none, iam, got undefined/],
    [{ routes: [{ method: 'GET', path: '/', auth: 'cognito' }] }, /auth of GET \/ must be one of none, iam/],
    [{ routes: [{ method: 'GET', path: 'items', auth: 'none' }] }, /starting with "\/"/],
    [{ routes: [{ method: 'GET', path: '/items/', auth: 'none' }] }, /invalid segment ""/],
    [{ routes: [{ method: 'GET', path: '/{proxy+}', auth: 'none' }] }, /invalid segment "\{proxy\+\}"/],
    [{ routes: [{ method: 'GET', path: '/a', auth: 'none' }, { method: 'GET', path: '/a', auth: 'iam' }] }, /duplicate route GET \/a/],
    [{ routes: [{ method: 'GET', path: '/items/{id}', auth: 'none' }, { method: 'GET', path: '/items/{key}/x', auth: 'none' }] }, /two different parameters, \{id\} and \{key\}/],
  ])('rejects %j', (json, message) => {
    expect(() => parseRouteManifest(json, 'test.json')).toThrow(message);
    expect(() => parseRouteManifest(json, 'test.json')).toThrow(/^test\.json: /);
  });
});

describe('resourceNodes', () => {
  it('lists every resource with its parents, its routes, and whether a parameter catches the next segment', () => {
    const nodes = resourceNodes(FIXTURE_ROUTES);

    expect(nodes.map((n) => [n.path, n.routes.map((r) => r.method), n.hasParameterChild])).toEqual([
      ['/', ['GET'], false],
      ['/health', ['GET'], false],
      ['/items', ['GET', 'POST'], true],
      ['/items/{id}', ['GET', 'PATCH', 'DELETE'], false],
    ]);
  });

  it('creates the parents a deep route needs, without routes of their own', () => {
    expect(resourceNodes([{ method: 'GET', path: '/a/{b}/c', auth: 'none' }]).map((n) => [n.path, n.routes.length, n.hasParameterChild])).toEqual([
      ['/', 0, false],
      ['/a', 0, true],
      ['/a/{b}', 0, false],
      ['/a/{b}/c', 1, false],
    ]);
  });
});

describe('apiRoutes (how main.ts reads the build output)', () => {
  const dirs: string[] = [];
  const assetDir = (manifest: string | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-routes-'));
    dirs.push(dir);
    if (manifest !== undefined) writeFileSync(join(dir, ROUTE_MANIFEST), manifest);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads and validates the routes.json of an api build output', () => {
    expect(apiRoutes(standInApiAsset())).toEqual(FIXTURE_ROUTES);
    expect(apiRoutes(assetDir('{"routes":[{"method":"DELETE","path":"/x/{id}","auth":"iam"}]}'))).toEqual([{ method: 'DELETE', path: '/x/{id}', auth: 'iam' }]);
  });

  it('names the file, and the command that writes it, when there is none', () => {
    const dir = assetDir(undefined);

    expect(() => apiRoutes(dir)).toThrow(`Cannot read the api routes from ${join(dir, ROUTE_MANIFEST)}; \`npx nx run api:build\` writes them`);
  });

  it('refuses a manifest that is not JSON, or not valid, naming the file', () => {
    const broken = assetDir('{"routes": [');
    const invalid = assetDir('{"routes":[{"method":"GET","path":"/a/","auth":"none"}]}');

    expect(() => loadRouteManifest(join(broken, ROUTE_MANIFEST))).toThrow(/^Cannot read the api routes from/);
    expect(() => apiRoutes(invalid)).toThrow(`${join(invalid, ROUTE_MANIFEST)}: path "/a/" has an invalid segment ""`);
  });
});
