/** One watched wait: its due time and what to do if it is still running then. */
export interface Watch {
  readonly due: number;
  readonly fire: () => void;
}

/**
 * One timer for every statement of a client instead of one per statement: a
 * statement registers its due time and unregisters when its answer arrives
 * (a Set add and delete, against a setTimeout and clearTimeout with a bound
 * closure in the driver). The timer is armed for the earliest due time, fires,
 * expires what is due and re-arms for the next; most statements end long before
 * theirs, so with deadlines seconds away it is re-armed about once per deadline
 * span, not per statement. It is unref'd: it never keeps a process alive.
 *
 * @example
 * const watch = watchdog.watch(1500, () => connectionTimedOut());
 * connection.query(sql, values, (err, rows) => { watchdog.done(watch); … });
 */
export class StatementWatchdog {
  private readonly watches = new Set<Watch>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `fire` in `ms` (at least 1) unless {@link done} is called first. */
  watch(ms: number, fire: () => void): Watch {
    const watch: Watch = { due: this.now() + Math.max(1, ms), fire };
    this.watches.add(watch);
    if (watch.due < this.timerDue) this.arm(watch.due);
    return watch;
  }

  /** The wait ended: `fire` will not be called. */
  done(watch: Watch): void {
    this.watches.delete(watch);
  }

  /** Waits being watched (tests). */
  get size(): number {
    return this.watches.size;
  }

  private arm(due: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.expire(), Math.max(1, due - this.now()));
    this.timer.unref?.();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    const at = this.now();
    let next = Number.POSITIVE_INFINITY;
    const due: Watch[] = [];
    for (const watch of this.watches) {
      if (watch.due <= at) due.push(watch);
      else if (watch.due < next) next = watch.due;
    }
    for (const watch of due) this.watches.delete(watch);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const watch of due) watch.fire();
  }
}
