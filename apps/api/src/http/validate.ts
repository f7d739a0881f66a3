import * as v from 'valibot';
import { invalidInput } from './http-error';

/** One problem with the input: where, and what is wrong. */
export interface InputProblem {
  path: string;
  message: string;
}

/**
 * Parses input with a schema, or throws a 422 listing every problem (paths
 * like `name` or `items.0.name`; the offending values are not echoed).
 *
 * @example
 * const input = validate(CreateItemBody, event.body, 'invalid item');
 */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown, message: string, at?: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const details: InputProblem[] = result.issues.slice(0, 20).map((issue) => {
    const path = v.getDotPath(issue) ?? (issue.kind === 'schema' && issue.type === 'strict_object' ? String(issue.input) : undefined);
    const where = [at, path].filter(Boolean).join('.') || '(body)';
    return { path: where.length > 100 ? `${where.slice(0, 100)}…` : where, message: problemText(issue) };
  });
  throw invalidInput(message, details);
}

function problemText(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.kind === 'schema' && issue.expected === 'never') return 'is not a known field';
  if (issue.expected === 'Object' || issue.message.startsWith('must')) return issue.message;
  return issue.message.replace(/ but received .*$/, '');
}
