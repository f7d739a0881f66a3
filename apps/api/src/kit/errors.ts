/**
 * The errors services throw. They say what went wrong in the domain's terms and
 * know nothing of HTTP; `http/error-handler.ts` maps each to a status once.
 * Messages are safe to show and to log: they may name a record's id (as the
 * URL does) but never carry body, query or header values.
 */

/** One problem with an input: where (`name`, `items.0.name`, `Idempotency-Key`), and what is wrong. */
export interface InputProblem {
  path: string;
  message: string;
}

/** Base class of the domain errors. */
export abstract class DomainError extends Error {}

/**
 * The record does not exist (also when its id is malformed: such a record cannot exist).
 *
 * @example
 * throw new NotFoundError('item 42 does not exist');
 */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
}

/** Why a request conflicts with the state of the data. */
export type ConflictCode =
  /** A record with the same unique value exists. */
  | 'duplicate'
  /** The idempotency key was used before with a different request. */
  | 'idempotency_key_reused'
  /** A concurrent request with the same idempotency key has not completed. */
  | 'in_progress';

/**
 * The request conflicts with the data as it is.
 *
 * @example
 * throw new ConflictError('idempotency_key_reused', 'this Idempotency-Key was used with a different body');
 */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
  constructor(
    readonly code: ConflictCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The input is invalid; `details` lists every problem (paths and messages, never the values).
 *
 * @example
 * throw new ValidationError('invalid query string', [{ path: 'cursor', message: 'is not a cursor from a previous page' }]);
 */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly details: readonly InputProblem[],
  ) {
    super(message);
  }
}

/**
 * The usual "does not exist" error for a record kind and id.
 *
 * @example
 * throw notFound('item', 42); // NotFoundError: item 42 does not exist
 */
export function notFound(what: string, id: unknown): NotFoundError {
  const shown = String(id);
  return new NotFoundError(`${what} ${shown.length > 100 ? `${shown.slice(0, 100)}…` : shown} does not exist`);
}
