import { firstSuccessAfter } from './samples';

describe('firstSuccessAfter', () => {
  const samples = [
    { start: 0, end: 5, status: 200 },
    { start: 10, end: 30, status: 503 },
    { start: 8, end: 40, status: 200 },
    { start: 35, end: 36, status: 200 },
  ];

  it('is the end of the first 200 among requests sent at or after the moment', () => {
    expect(firstSuccessAfter(samples, 10)).toBe(36);
    expect(firstSuccessAfter(samples, 8)).toBe(40);
  });

  it('is undefined when no request sent after the moment succeeded', () => {
    expect(firstSuccessAfter(samples, 36)).toBeUndefined();
  });
});
