import * as v from 'valibot';
import { type InputProblem, ValidationError } from './errors';

/** At most this many problems are reported for one input. */
const MAX_PROBLEMS = 20;

const shorten = (path: string) => (path.length > 100 ? `${path.slice(0, 100)}…` : path);

function problemText(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.kind === 'schema' && issue.expected === 'never') return 'is not a known field';
  if (issue.expected === 'Object' || issue.message.startsWith('must')) return issue.message;
  return issue.message.replace(/ but received .*$/, '');
}

/**
 * Parses input with a valibot schema, or throws a {@link ValidationError}
 * listing every problem (paths like `name` or `items.0.name`, prefixed with
 * `at` when given; the offending values are not echoed).
 *
 * @example
 * const input = validate(CreateItemBody, body, 'invalid item');
 * const key = validate(IdempotencyKey, raw, 'invalid Idempotency-Key header', 'Idempotency-Key');
 */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown, message: string, at?: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const details: InputProblem[] = result.issues.slice(0, MAX_PROBLEMS).map((issue) => {
    // An unknown key that has no dot path (`__proto__`) is named by the key itself; no other input is echoed.
    const unknownKey = issue.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never';
    const path = v.getDotPath(issue) ?? (unknownKey ? String(issue.input) : undefined);
    return { path: shorten([at, path].filter(Boolean).join('.') || '(body)'), message: problemText(issue) };
  });
  throw new ValidationError(message, details);
}
