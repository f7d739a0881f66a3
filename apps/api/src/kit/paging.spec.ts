import fc from 'fast-check';
import * as v from 'valibot';
import { ValidationError } from './errors';
import { decodeCursor, encodeCursor, ListQuery, pageById } from './paging';

describe('cursors', () => {
  it('round-trip every safe positive id (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => decodeCursor(encodeCursor(id)) === id));
  });

  it.each([['MA'], ['!!'], [encodeCursor(5).concat('=')], [Buffer.from('05').toString('base64url')], [Buffer.from('-1').toString('base64url')]])(
    'refuses %p, which this api never made',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(new ValidationError('invalid query string', [{ path: 'cursor', message: 'is not a cursor from a previous page' }]));
    },
  );
});

describe('ListQuery', () => {
  it('defaults limit to 20 and bounds it to 1..100', () => {
    expect(v.parse(ListQuery, {})).toEqual({ limit: 20 });
    expect(v.parse(ListQuery, { limit: '100', cursor: 'MQ' })).toEqual({ limit: 100, cursor: 'MQ' });
    for (const limit of ['0', '101', 'ten', '1.5', '']) expect(v.is(ListQuery, { limit })).toBe(false);
    expect(v.is(ListQuery, { sort: 'name' })).toBe(false);
  });
});

describe('pageById', () => {
  const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i }));

  it('fetches limit + 1 rows once, returns limit, and a cursor at the last one when there are more', async () => {
    const fetch = jest.fn(async (afterId: number, limit: number) => rows(afterId + 1, limit));

    const page = await pageById(fetch, { limit: 3 }, (r) => r);

    expect(fetch.mock.calls).toEqual([[0, 4]]);
    expect(page).toEqual({ items: rows(1, 3), nextCursor: encodeCursor(3) });
  });

  it('starts after the cursor and ends with a null cursor on the last page', async () => {
    const fetch = jest.fn(async () => rows(11, 2));

    const page = await pageById(fetch, { limit: 3, cursor: encodeCursor(10) }, (r) => r);

    expect(fetch.mock.calls).toEqual([[10, 4]]);
    expect(page).toEqual({ items: rows(11, 2), nextCursor: null });
  });

  it('visits every row exactly once, whatever the page size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (ids, limit) => {
        const sorted = [...ids].sort((a, b) => a - b);
        const fetch = async (afterId: number, n: number) => sorted.filter((id) => id > afterId).slice(0, n).map((id) => ({ id }));
        const seen: number[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages <= sorted.length; pages++) {
          const page = await pageById(fetch, { limit, cursor }, (r) => r);
          seen.push(...page.items.map((r) => r.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(sorted);
      }),
    );
  });
});
