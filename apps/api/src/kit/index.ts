/**
 * The feature kit: what every resource needs and would otherwise copy — domain
 * errors, input validation, bounded text, ids, paging, partial updates and
 * idempotent creates. Nothing here knows HTTP; `http/` maps the errors.
 */
export { ConflictError, type ConflictCode, DomainError, type InputProblem, NotFoundError, notFound, ValidationError } from './errors';
export { validate } from './validate';
export { text } from './text';
export { parseId } from './ids';
export { isoString } from './iso-time';
export { mustFind } from './must-find';
export { DEFAULT_PAGE, decodeCursor, encodeCursor, ListQuery, type ListQueryInput, MAX_PAGE, type Page, pageById } from './paging';
export { type SetClause, updateSet } from './update-set';
export { IDEMPOTENCY_HEADER, IdempotencyKey, idempotencyKeyOf } from './idempotency/idempotency-key';
export { type CreateOutcome, IDEMPOTENCY_KEY_TTL_MS, idempotentCreate, type IdempotentCreate, keyScope } from './idempotency/idempotent-create';
export { keyPurger, type KeyPurgerOptions } from './idempotency/purge';
export { requestHash } from './idempotency/request-hash';
