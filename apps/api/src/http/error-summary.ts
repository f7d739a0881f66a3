import { DatabaseError } from '@serverless-app/db';
import { DomainError } from '../kit/errors';
import { HttpError } from './http-error';

/** What is logged of an error: never driver fields (`sql`, `sqlMessage`, `values`) nor whole causes. */
export interface ErrorSummary {
  name: string;
  code?: string;
  errno?: number;
  /** Only for errors whose messages this codebase writes (they carry no request data). */
  message?: string;
  /** Stack frames (`at …` lines), without the first line, which repeats the message. */
  stack?: string[];
  cause?: ErrorSummary;
}

const MAX_DEPTH = 5;
const MAX_FRAMES = 10;

/**
 * Messages we write. libs/db's own classes qualify, except the base
 * `DatabaseError`, which carries the server's message (that can quote a value:
 * "Incorrect string value: '…' for column").
 */
const ownMessage = (error: Error): boolean =>
  error instanceof DomainError || error instanceof HttpError || (error instanceof DatabaseError && error.constructor !== DatabaseError);

/** The `at …` lines of the stack, after its first line (which repeats the message, newlines and all). */
function framesOf(error: Error): string[] | undefined {
  const stack = error.stack;
  if (typeof stack !== 'string') return undefined;
  const heading = error.message ? `${error.name}: ${error.message}` : error.name;
  const frames = (stack.startsWith(heading) ? stack.slice(heading.length) : stack)
    .split('\n')
    .filter((line) => line.startsWith('    at '))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim());
  return frames.length > 0 ? frames : undefined;
}

/**
 * A loggable summary of an error and its causes: name, code, errno, stack
 * frames, and the message only where we wrote it. Nothing else of the error is
 * read, so whatever a driver or SDK attaches (SQL with values, request bodies)
 * stays out of the logs.
 *
 * @example
 * logger.error('request failed', { status: 500, error: summarizeError(error) });
 */
export function summarizeError(error: unknown, depth = 0): ErrorSummary {
  if (!(error instanceof Error)) return { name: typeof error };
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  const summary: ErrorSummary = { name: typeof error.name === 'string' ? error.name.slice(0, 100) : 'Error' };
  if (typeof code === 'string') summary.code = code.slice(0, 100);
  if (typeof errno === 'number') summary.errno = errno;
  if (ownMessage(error)) summary.message = error.message;
  const stack = framesOf(error);
  if (stack) summary.stack = stack;
  if (error.cause !== undefined && depth + 1 < MAX_DEPTH) summary.cause = summarizeError(error.cause, depth + 1);
  return summary;
}
