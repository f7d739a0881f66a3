import { parseRequestTarget, stripStage } from './request-target';

describe('stripStage', () => {
  it('maps /<stage> and /<stage>/ to the root and keeps the rest of the path', () => {
    expect(stripStage('/dev', 'dev')).toBe('/');
    expect(stripStage('/dev/', 'dev')).toBe('/');
    expect(stripStage('/dev/items/1', 'dev')).toBe('/items/1');
  });

  it('refuses anything outside the stage, case-sensitively', () => {
    for (const path of ['/', '/prod/items', '/devx', '/DEV/items', '/items/dev/x', '']) {
      expect(stripStage(path, 'dev')).toBeNull();
    }
  });
});

describe('parseRequestTarget', () => {
  it('keeps the path encoded and form-decodes the query', () => {
    const target = parseRequestTarget('/dev/a%20b/c%2Fd?q=a+b&plus=a%2Bb&u=%E2%9C%93&flag&empty=', 'dev');

    expect(target.rawPath).toBe('/dev/a%20b/c%2Fd');
    expect(target.rawQuery).toBe('q=a+b&plus=a%2Bb&u=%E2%9C%93&flag&empty=');
    expect(target.path).toBe('/a%20b/c%2Fd');
    expect(target.query).toEqual([
      ['q', 'a b'],
      ['plus', 'a+b'],
      ['u', '✓'],
      ['flag', ''],
      ['empty', ''],
    ]);
  });

  it('keeps repeated keys in order and tolerates malformed escapes', () => {
    expect(parseRequestTarget('/dev/?a=1&a=2&b=%zz', 'dev').query).toEqual([
      ['a', '1'],
      ['a', '2'],
      ['b', '%zz'],
    ]);
  });

  it('has no query pairs without a query string', () => {
    expect(parseRequestTarget('/dev/x', 'dev').query).toEqual([]);
    expect(parseRequestTarget('/dev/x?', 'dev').query).toEqual([]);
  });

  it('accepts the absolute form a proxy sends', () => {
    const target = parseRequestTarget('http://example.com/dev/items?x=1', 'dev');

    expect(target.path).toBe('/items');
    expect(target.query).toEqual([['x', '1']]);
    expect(target.rawQuery).toBe('x=1');
  });
});
