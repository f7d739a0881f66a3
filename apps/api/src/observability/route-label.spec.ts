import { OTHER_ROUTE, routeLabels, STATUS_CLASSES, statusClassIndex } from './route-label';

describe('routeLabels', () => {
  const label = routeLabels([
    { method: 'GET', path: '/', auth: 'none' },
    { method: 'GET', path: '/items/{id}', auth: 'none' },
    { method: 'PATCH', path: '/items/{id}', auth: 'iam' },
  ]);

  it('names a declared route by method and resource template', () => {
    expect(label('GET', '/items/{id}')).toBe('GET /items/{id}');
    expect(label('PATCH', '/items/{id}')).toBe('PATCH /items/{id}');
    expect(label('GET', '/')).toBe('GET /');
  });

  it.each([
    ['an undeclared method', 'DELETE', '/items/{id}'],
    ['the catch-all resource', 'GET', '/{proxy+}'],
    ['a raw path', 'GET', '/items/42'],
    ['no resource', 'GET', null],
    ['no method', undefined, '/'],
  ])('is "other" for %s', (_, method, resource) => {
    expect(label(method, resource)).toBe(OTHER_ROUTE);
  });
});

describe('statusClassIndex', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [302, '3xx'],
    [404, '4xx'],
    [503, '5xx'],
    [undefined, '5xx'],
    [700, '5xx'],
    [42, '5xx'],
  ])('%s is %s', (status, expected) => {
    expect(STATUS_CLASSES[statusClassIndex(status)]).toBe(expected);
  });
});
