import { httpApiEvent } from './http-api-event';

describe('httpApiEvent', () => {
  it('puts the stage in rawPath and builds the route key', () => {
    const event = httpApiEvent({ method: 'DELETE', path: '/items/7', route: '/items/{id}', pathParameters: { id: '7' } });

    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/dev/items/7');
    expect(event.routeKey).toBe('DELETE /items/{id}');
    expect(event.requestContext.http.method).toBe('DELETE');
    expect(event.pathParameters).toEqual({ id: '7' });
  });

  it('uses no stage prefix for the $default stage', () => {
    expect(httpApiEvent({ path: '/x', stage: '$default' }).rawPath).toBe('/x');
  });

  it('lower-cases header names, joins repeated values and splits cookies out', () => {
    const event = httpApiEvent({
      headers: { Accept: ['a/b', 'c/d'], Cookie: 'a=1; b=2', 'User-Agent': 'curl/8' },
    });

    expect(event.headers).toEqual({ accept: 'a/b,c/d', 'user-agent': 'curl/8' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.requestContext.http.userAgent).toBe('curl/8');
  });

  it('encodes the raw query string and joins repeated keys', () => {
    const event = httpApiEvent({ query: { q: 'a b&c', tag: ['x', 'y'] } });

    expect(event.rawQueryString).toBe('q=a+b%26c&tag=x&tag=y');
    expect(event.queryStringParameters).toEqual({ q: 'a b&c', tag: 'x,y' });
  });

  it('omits absent optional fields', () => {
    const event = httpApiEvent();

    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event.rawQueryString).toBe('');
  });
});
