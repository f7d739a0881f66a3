import { TextMemo } from './text-memo';

describe('TextMemo', () => {
  it('remembers what was set for a text and returns it', () => {
    const memo = new TextMemo<number>();
    expect(memo.get('SELECT 1')).toBeUndefined();
    expect(memo.set('SELECT 1', 1)).toBe(1);
    expect(memo.get('SELECT 1')).toBe(1);
  });

  it('starts over past its limit, so texts with values inlined cannot grow it without end', () => {
    const memo = new TextMemo<number>(3);
    for (let i = 0; i < 3; i++) memo.set(`SELECT ${i}`, i);
    expect(memo.get('SELECT 0')).toBe(0);
    memo.set('SELECT 3', 3);
    expect([0, 1, 2].map((i) => memo.get(`SELECT ${i}`))).toEqual([undefined, undefined, undefined]);
    expect(memo.get('SELECT 3')).toBe(3);
  });
});
