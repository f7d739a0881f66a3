import { StatementWatchdog } from './watchdog';

describe('StatementWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires a wait that is still running at its due time, and only that one', () => {
    const dog = new StatementWatchdog();
    const fired: string[] = [];
    dog.watch(100, () => fired.push('a'));
    const b = dog.watch(50, () => fired.push('b'));
    dog.watch(300, () => fired.push('c'));
    jest.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    dog.done(b);
    jest.advanceTimersByTime(51);
    expect(fired).toEqual(['a']);
    jest.advanceTimersByTime(199);
    expect(fired).toEqual(['a']);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['a', 'c']);
    expect(dog.size).toBe(0);
  });

  it('re-arms for a wait that is due before the one the timer is armed for', () => {
    const dog = new StatementWatchdog();
    const fired: number[] = [];
    dog.watch(10_000, () => fired.push(10_000));
    dog.watch(20, () => fired.push(20));
    jest.advanceTimersByTime(20);
    expect(fired).toEqual([20]);
    jest.advanceTimersByTime(9_980);
    expect(fired).toEqual([20, 10_000]);
  });

  it('arms one timer however many waits come and go (none once all are done)', () => {
    const dog = new StatementWatchdog();
    const fire = jest.fn();
    for (let i = 0; i < 1_000; i++) dog.done(dog.watch(9_000 + i, fire));
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(10_000);
    expect(fire).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fires a wait of 0 ms after at least 1 ms, never synchronously', () => {
    const dog = new StatementWatchdog();
    const fire = jest.fn();
    dog.watch(0, fire);
    expect(fire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('keeps the others watched when a fire callback throws', () => {
    const dog = new StatementWatchdog();
    const later = jest.fn();
    dog.watch(5, () => {
      throw new Error('boom');
    });
    dog.watch(50, later);
    expect(() => jest.advanceTimersByTime(5)).toThrow('boom');
    jest.advanceTimersByTime(45);
    expect(later).toHaveBeenCalledTimes(1);
  });
});
