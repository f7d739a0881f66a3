/** The signals that stop the stack: Ctrl-C, `kill`, a closed terminal. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Signals this soon after the first are the same request: one Ctrl-C reaches the stack both from the
 * terminal (the whole process group) and relayed by `npm start` or `nx`.
 */
export const DUPLICATE_WINDOW_MS = 1_000;

/** Options of {@link onShutdownSignals}. */
export interface ShutdownSignalsOptions {
  /** The first signal: stop cleanly. */
  onStop(signal: NodeJS.Signals): void;
  /** A signal after {@link DUPLICATE_WINDOW_MS}: give up waiting, clean up what can be done synchronously, exit. */
  onForce(signal: NodeJS.Signals): void;
  /** @default process */
  target?: Pick<NodeJS.Process, 'on' | 'removeListener'>;
  /** @default Date.now */
  now?: () => number;
  /** @default DUPLICATE_WINDOW_MS */
  duplicateWindowMs?: number;
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP: the first one asks for a clean stop; repeats within the
 * duplicate window are ignored; a later one forces. Returns a function that removes the listeners.
 *
 * @example
 * const dispose = onShutdownSignals({ onStop: () => void stop(), onForce: () => process.exit(130) });
 */
export function onShutdownSignals(options: ShutdownSignalsOptions): () => void {
  const target = options.target ?? process;
  const now = options.now ?? Date.now;
  const window = options.duplicateWindowMs ?? DUPLICATE_WINDOW_MS;
  let firstAt: number | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = now();
      options.onStop(signal);
    } else if (now() - firstAt >= window) {
      options.onForce(signal);
    }
  };
  for (const signal of STOP_SIGNALS) target.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) target.removeListener(signal, listener);
  };
}
