import type { PinningCertainty, PinningCode } from './finding';

/** Where a rule reports what it found in the current statement. */
export type Report = (code: PinningCode, certainty: PinningCertainty, message: string) => void;

const MAX_NAME_LENGTH = 64;

/** A variable or identifier name for a message, cut to a readable length. */
export function displayName(name: string): string {
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
}

/** The same message wherever a user variable assignment is spotted, so duplicates merge. */
export function reportUserVariable(report: Report, name: string): void {
  report('user-variable', 'always', `assigns user variable @${displayName(name)}`);
}
