import { isoString, isoTimestamps } from './iso-time';

describe('isoTimestamps', () => {
  it('formats exactly as Date#toISOString, across second, minute, hour, day and year boundaries', () => {
    const iso = isoTimestamps();
    const edges = [0, 1, 999, 1_000, 59_999, 60_000, 3_599_999, 3_600_000, 86_399_999, 86_400_000, -1, -60_001, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1)];
    const spread = Array.from({ length: 5_000 }, (_, i) => 1_796_077_883_066 + i * 7_919);
    for (const ms of [...edges, ...spread, ...edges.reverse()]) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('isoString', () => {
  it.each([
    ['a date', new Date(Date.UTC(2026, 10, 30, 22, 31, 20, 7))],
    ['year 0', new Date(-62_167_219_200_000)],
    ['the last ms of year 9999', new Date(253_402_300_799_999)],
    ['year 10000', new Date(253_402_300_800_000)],
    ['before year 0', new Date(-62_167_219_200_001)],
  ])('writes %s as toISOString does', (_, date) => {
    expect(isoString(date)).toBe(date.toISOString());
  });

  it('throws the RangeError of toISOString for an invalid date', () => {
    expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
  });
});
