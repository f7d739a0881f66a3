import { features } from './features';
import type { Feature } from './http/route';
import { json } from './http/response';
import { routeManifest, routesOf } from './route-table';

const handler = async () => json(200, null);
const fixture: Feature[] = [
  { name: 'a', routes: [{ method: 'GET', path: '/a', auth: 'none', summary: 'a', handler }] },
  {
    name: 'b',
    routes: [
      { method: 'POST', path: '/b', auth: 'iam', summary: 'b', handler },
      { method: 'GET', path: '/b/{id}', auth: 'none', summary: 'one b', handler },
    ],
  },
];

describe('routesOf and routeManifest', () => {
  it('list every route of every feature, in order; the manifest without handlers or summaries', () => {
    expect(routesOf(fixture).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /a', 'POST /b', 'GET /b/{id}']);
    expect(routeManifest(fixture)).toEqual([
      { method: 'GET', path: '/a', auth: 'none' },
      { method: 'POST', path: '/b', auth: 'iam' },
      { method: 'GET', path: '/b/{id}', auth: 'none' },
    ]);
  });

  it('default to the api\'s own features', () => {
    expect(routeManifest()).toEqual(routeManifest(features));
    expect(routeManifest().length).toBeGreaterThan(0);
  });
});

describe('the features', () => {
  it('have unique names and declare no route twice', () => {
    const names = features.map((f) => f.name);
    const routes = routesOf().map((r) => `${r.method} ${r.path}`);

    expect(new Set(names).size).toBe(names.length);
    expect(new Set(routes).size).toBe(routes.length);
  });
});
