import { EventEmitter } from 'node:events';
import { onShutdownSignals } from './shutdown-signals';

describe('onShutdownSignals', () => {
  function setup() {
    const target = new EventEmitter();
    let clock = 1_000;
    const calls: string[] = [];
    const dispose = onShutdownSignals({
      target: target as unknown as NodeJS.Process,
      now: () => clock,
      onStop: (signal) => calls.push(`stop ${signal}`),
      onForce: (signal) => calls.push(`force ${signal}`),
    });
    return { target, calls, dispose, advance: (ms: number) => (clock += ms) };
  }

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'])('stops cleanly on the first %s', (signal) => {
    const { target, calls } = setup();

    target.emit(signal, signal);

    expect(calls).toEqual([`stop ${signal}`]);
  });

  it('ignores the copy of the same Ctrl-C relayed by npm or nx, and forces on a later one', () => {
    const { target, calls, advance } = setup();

    target.emit('SIGINT', 'SIGINT');
    advance(5);
    target.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['stop SIGINT']);

    advance(2_000);
    target.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual(['stop SIGINT', 'force SIGTERM']);
  });

  it('removes its listeners', () => {
    const { target, dispose } = setup();

    dispose();

    expect(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM') + target.listenerCount('SIGHUP')).toBe(0);
  });
});
