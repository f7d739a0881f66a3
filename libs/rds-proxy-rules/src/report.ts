import type { PinningCertainty, PinningCode } from './finding';

/** Where a rule reports what it found in the current statement. */
export type Report = (code: PinningCode, certainty: PinningCertainty, message: string) => void;

/**
 * Where a rule records that a statement changes session state RDS Proxy tracks
 * and carries to whichever connection serves the session next: a tracked
 * variable (its lower-case name), `names` (`SET NAMES`, `SET CHARACTER SET`),
 * `transaction` (`SET SESSION TRANSACTION ...`) or `database` (`USE`,
 * `DROP DATABASE`).
 */
export type TrackedChange = (name: string) => void;

/** A {@link TrackedChange} that ignores what it is told. */
export const ignoreTrackedChange: TrackedChange = () => undefined;

const MAX_NAME_LENGTH = 64;

/** A variable or identifier name for a message, cut to a readable length. */
export function displayName(name: string): string {
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
}

/** The same message wherever a user variable assignment is spotted, so duplicates merge. */
export function reportUserVariable(report: Report, name: string): void {
  report('user-variable', 'always', `assigns user variable @${displayName(name)}`);
}
