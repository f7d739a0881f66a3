import fc from 'fast-check';
import { apiThrottle, instanceMemoryGiB, MYSQL_BYTES_PER_CONNECTION, mysqlDefaultMaxConnections, planConcurrency } from './capacity';

describe('mysqlDefaultMaxConnections', () => {
  it('applies RDS for MySQL\'s {DBInstanceClassMemory/12582880} to 75 % of the nominal memory', () => {
    expect(mysqlDefaultMaxConnections('t4g.micro')).toBe(64);
    expect(mysqlDefaultMaxConnections('r7g.large')).toBe(1024);
    expect(MYSQL_BYTES_PER_CONNECTION).toBe(12_582_880);
  });

  it('names the table to extend for an unknown instance class', () => {
    expect(() => instanceMemoryGiB('x9.huge')).toThrow(/No memory size known for instance class "x9.huge"; add it to INSTANCE_MEMORY_GIB/);
    expect(() => instanceMemoryGiB('constructor')).toThrow(/No memory size known/);
  });
});

describe('planConcurrency', () => {
  it('sizes dev by the account budget: the proxy could serve more', () => {
    expect(planConcurrency({ instanceType: 't4g.micro', maxConnectionsPercent: 90, reservedConnections: 2, maxLambdaConcurrency: 50 })).toEqual({
      dbMaxConnections: 64,
      proxyMaxConnections: 57,
      lambdaConcurrency: 50,
      limitedBy: 'account',
    });
  });

  it('sizes by the proxy when it serves fewer than the budget', () => {
    expect(planConcurrency({ instanceType: 't4g.micro', maxConnectionsPercent: 50, reservedConnections: 2, maxLambdaConcurrency: 500 })).toEqual({
      dbMaxConnections: 64,
      proxyMaxConnections: 32,
      lambdaConcurrency: 30,
      limitedBy: 'proxy',
    });
  });

  it('never plans more concurrent invocations than the proxy has connections for the api', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('t4g.micro', 't4g.small', 't4g.medium', 'r7g.large'),
        fc.integer({ min: 10, max: 100 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 2000 }),
        (instanceType, maxConnectionsPercent, reservedConnections, maxLambdaConcurrency) => {
          const plan = planConcurrency({ instanceType, maxConnectionsPercent, reservedConnections, maxLambdaConcurrency });
          expect(plan.lambdaConcurrency).toBeGreaterThanOrEqual(1);
          expect(plan.lambdaConcurrency + reservedConnections).toBeLessThanOrEqual(plan.proxyMaxConnections);
          expect(plan.proxyMaxConnections).toBeLessThanOrEqual(plan.dbMaxConnections);
          expect(plan.lambdaConcurrency).toBeLessThanOrEqual(maxLambdaConcurrency);
        },
      ),
    );
  });

  it('refuses an instance too small to leave the api a connection, and bad percentages', () => {
    expect(() => planConcurrency({ instanceType: 't4g.micro', maxConnectionsPercent: 1, reservedConnections: 2, maxLambdaConcurrency: 10 })).toThrow(/choose a larger instance class/);
    expect(() => planConcurrency({ instanceType: 't4g.micro', maxConnectionsPercent: 101, reservedConnections: 0, maxLambdaConcurrency: 10 })).toThrow(RangeError);
    expect(() => planConcurrency({ instanceType: 't4g.micro', maxConnectionsPercent: 90, reservedConnections: 0, maxLambdaConcurrency: 0 })).toThrow(RangeError);
  });
});

describe('apiThrottle', () => {
  it('turns concurrency into a rate with Little\'s law and caps the burst at the concurrency', () => {
    expect(apiThrottle(50, 0.25)).toEqual({ rateLimit: 200, burstLimit: 50 });
    expect(apiThrottle(500, 0.25)).toEqual({ rateLimit: 2000, burstLimit: 500 });
  });

  it('rejects nonsense', () => {
    expect(() => apiThrottle(0, 0.25)).toThrow(RangeError);
    expect(() => apiThrottle(10, 0)).toThrow(RangeError);
  });
});
