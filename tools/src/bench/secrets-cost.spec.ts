import { monthlySecretsCost } from './secrets-cost';

describe('monthlySecretsCost', () => {
  it('prices one GetSecretValue per request at 100 requests/s over a 30-day month at $0.05 per 10,000 calls', () => {
    expect(monthlySecretsCost(1)).toBeCloseTo(1_296, 6);
    expect(monthlySecretsCost(0)).toBe(0);
    expect(monthlySecretsCost(1, 10)).toBeCloseTo(129.6, 6);
  });
});
