import { STAGES, stageConfig } from './stages';

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
  });
});
