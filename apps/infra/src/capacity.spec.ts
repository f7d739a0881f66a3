import fc from 'fast-check';
import { apiThrottle, checkReservedConcurrency, instanceMemoryGiB, MYSQL_BYTES_PER_CONNECTION, mysqlDefaultMaxConnections, planConcurrency, UNRESERVED_CONCURRENCY_MINIMUM } from './capacity';

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

describe('checkReservedConcurrency', () => {
  it('accepts a reservation the proxy can serve and the account can hold', () => {
    expect(checkReservedConcurrency({ stage: 'prod', executions: 500, plannedConcurrency: 500, accountQuota: 1000 })).toBe(500);
    expect(checkReservedConcurrency({ stage: 'x', executions: 50, plannedConcurrency: 50, accountQuota: 150 })).toBe(50);
  });

  it.each([
    [{ executions: 1, accountQuota: 10 }, 'x: reserved concurrency 1 does not fit the declared account quota of 10 (Lambda keeps 100 unreserved, so at most 0 can be reserved)'],
    [{ executions: 45, accountQuota: 140 }, 'at most 40 can be reserved'],
    [{ executions: 60, accountQuota: 1000 }, 'x: reserved concurrency 60 is more than the proxy can serve (50)'],
    [{ executions: 0, accountQuota: 1000 }, 'x: reserved concurrency must be a positive integer, got 0'],
    [{ executions: 2.5, accountQuota: 1000 }, 'must be a positive integer'],
  ])('refuses %j', (inputs, message) => {
    expect(() => checkReservedConcurrency({ stage: 'x', plannedConcurrency: 50, ...inputs })).toThrow(message);
  });

  it('keeps what Lambda keeps unreserved', () => {
    expect(UNRESERVED_CONCURRENCY_MINIMUM).toBe(100);
  });
});
