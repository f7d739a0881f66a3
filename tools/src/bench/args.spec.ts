import { BenchArgsError, parseBenchArgs } from './args';

const IDS = ['warm', 'cold', 'storm', 'failover'];

describe('parseBenchArgs', () => {
  it('runs everything without arguments', () => {
    expect(parseBenchArgs([], IDS)).toEqual({ only: undefined });
  });

  it('reads --only=a,b and --only a,b, keeping the order given', () => {
    expect(parseBenchArgs(['--only=storm,failover'], IDS)).toEqual({ only: ['storm', 'failover'] });
    expect(parseBenchArgs(['--only', 'failover, warm'], IDS)).toEqual({ only: ['failover', 'warm'] });
  });

  it.each([
    [['--only=storm,nope'], "unknown section id 'nope'; known ids: warm, cold, storm, failover"],
    [['--only=storm,,warm'], "--only has an empty id in 'storm,,warm'"],
    [['--only='], "--only has an empty id in ''"],
    [['--only'], '--only needs a value'],
    [['--only=storm', '--only=warm'], '--only given twice'],
    [['--only=storm,storm'], "section id 'storm' given twice"],
    [['--fast'], "unknown argument '--fast'"],
    [['storm'], "unknown argument 'storm'"],
  ])('refuses %j with a message saying why', (argv, message) => {
    expect(() => parseBenchArgs(argv, IDS)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv, IDS)).toThrow(message);
  });
});
