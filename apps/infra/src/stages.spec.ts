import { STAGES, stackName, stageConfig } from './stages';

describe('stageConfig', () => {
  it('returns each known stage', () => {
    expect(stageConfig('dev')).toBe(STAGES.dev);
    expect(stageConfig('prod')).toBe(STAGES.prod);
  });

  it.each([['staging'], [''], [undefined], ['__proto__'], ['toString']])('rejects %p with the valid names', (name) => {
    expect(() => stageConfig(name)).toThrow('expected one of: dev, prod');
  });

  it('makes prod durable and dev disposable', () => {
    expect(STAGES.prod).toMatchObject({ multiAz: true, deletionProtection: true, retainData: true });
    expect(STAGES.dev).toMatchObject({ multiAz: false, deletionProtection: false, retainData: false });
    expect(STAGES.prod.backupRetentionDays).toBeGreaterThan(STAGES.dev.backupRetentionDays);
    expect(STAGES.prod.logRetentionDays).toBeGreaterThan(STAGES.dev.logRetentionDays);
  });

  it('reserves concurrency only where a stage asks, with its reason, within what its declared account quota allows', () => {
    expect(STAGES.dev.apiReservedConcurrency).toBeUndefined();
    expect(STAGES.dev.accountConcurrencyQuota).toBe(10); // what a new account may get
    for (const stage of Object.values(STAGES)) {
      if (!stage.apiReservedConcurrency) continue;
      expect(stage.apiReservedConcurrency.reason.length).toBeGreaterThanOrEqual(60);
      expect(stage.apiReservedConcurrency.executions).toBeLessThanOrEqual(stage.accountConcurrencyQuota - 100);
    }
  });

  it('keeps the workshop names for dev and prefixes the other stages, so they can share an account', () => {
    expect(STAGES.dev.resourcePrefix).toBe('serverless-app');
    expect(STAGES.prod.resourcePrefix).toBe('serverless-app-prod');
  });
});

describe('stackName', () => {
  it('names one stack per stage', () => {
    expect(stackName(STAGES.dev)).toBe('ServerlessApp-dev');
    expect(stackName(STAGES.prod)).toBe('ServerlessApp-prod');
  });
});
