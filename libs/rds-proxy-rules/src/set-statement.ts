import type { Token, VariableScope } from './lexer';
import { displayName, ignoreTrackedChange, reportUserVariable, type Report, type TrackedChange } from './report';
import { NEXT_TRANSACTION_VARIABLES, TRACKED_SESSION_VARIABLES } from './tracked-variables';

const SCOPE_WORDS: ReadonlyMap<string, VariableScope> = new Map([
  ['GLOBAL', 'global'],
  ['SESSION', 'session'],
  ['LOCAL', 'local'],
  ['PERSIST', 'persist'],
  ['PERSIST_ONLY', 'persist_only'],
]);

/** `@@name` with no scope prefix: session scope, except next-transaction scope for the transaction variables. */
type AssignmentScope = VariableScope | 'bare-at-at';

function word(token: Token | undefined): string | undefined {
  return token !== undefined && token.kind === 'word' ? token.value : undefined;
}

function isOperator(token: Token | undefined): boolean {
  return token !== undefined && token.kind === 'operator';
}

function isGlobalScope(scope: AssignmentScope): boolean {
  return scope === 'global' || scope === 'persist' || scope === 'persist_only';
}

function classifySystemVariable(report: Report, name: string, scope: AssignmentScope, tracked: TrackedChange): void {
  const shown = displayName(name);
  if (isGlobalScope(scope)) {
    report('global-variable', 'may', `sets ${scope.toUpperCase()} variable ${shown}; RDS Proxy's behaviour for global scope is undocumented`);
  } else if (scope === 'bare-at-at' && NEXT_TRANSACTION_VARIABLES.has(name)) {
    report('transaction-characteristics', 'always', `SET @@${shown} sets the next transaction's value, which RDS Proxy does not track`);
  } else if (!TRACKED_SESSION_VARIABLES.has(name)) {
    report('session-variable', 'always', `sets session variable ${shown}, which RDS Proxy does not track`);
  } else {
    tracked(name);
  }
}

/** `SET [GLOBAL | SESSION] TRANSACTION characteristic, ...` starting after SET at `i`; true if it is one. */
function transactionForm(tokens: readonly Token[], i: number, report: Report, tracked: TrackedChange): boolean {
  const first = word(tokens[i]);
  const scope = first === undefined ? undefined : SCOPE_WORDS.get(first);
  const at = scope === undefined ? i : i + 1;
  if (word(tokens[at]) !== 'TRANSACTION' || isOperator(tokens[at + 1])) return false;
  if (scope === undefined) {
    report(
      'transaction-characteristics',
      'always',
      'SET TRANSACTION without SESSION sets the next transaction only, which RDS Proxy does not track (use SET SESSION TRANSACTION)',
    );
  } else if (isGlobalScope(scope)) {
    report('global-variable', 'may', `SET ${scope.toUpperCase()} TRANSACTION; RDS Proxy's behaviour for global scope is undocumented`);
  } else {
    tracked('transaction');
  }
  return true;
}

/** Index just past the assignment that starts at `i`: the next top-level `,`, or the end. */
function endOfAssignment(tokens: readonly Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j += 1) {
    const token = tokens[j];
    if (token === undefined || token.kind !== 'punctuation') continue;
    if (token.value === '(') depth += 1;
    else if (token.value === ')') depth = Math.max(0, depth - 1);
    else if (token.value === ',' && depth === 0) return j + 1;
  }
  return tokens.length;
}

/** A possibly dotted variable name (`keycache1.key_buffer_size`) starting at `i`. */
function dottedName(tokens: readonly Token[], i: number): string {
  const parts: string[] = [];
  let j = i;
  for (;;) {
    const token = tokens[j];
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'quoted-identifier')) break;
    parts.push(token.value.toLowerCase());
    const dot = tokens[j + 1];
    if (dot === undefined || dot.kind !== 'punctuation' || dot.value !== '.') break;
    j += 2;
  }
  return parts.join('.');
}

/** One `[scope] target = value` item; returns the scope that carries over to later items. */
function assignment(tokens: readonly Token[], i: number, carried: VariableScope, report: Report, tracked: TrackedChange): VariableScope {
  let scope = carried;
  let j = i;
  for (;;) {
    const value = word(tokens[j]);
    const keyword = value === undefined ? undefined : SCOPE_WORDS.get(value);
    if (keyword === undefined || isOperator(tokens[j + 1])) break;
    scope = keyword;
    j += 1;
  }
  const target = tokens[j];
  if (target === undefined) return scope;
  const targetWord = word(target);
  if (
    targetWord === 'NAMES' ||
    targetWord === 'CHARSET' ||
    ((targetWord === 'CHARACTER' || targetWord === 'CHAR') && word(tokens[j + 1]) === 'SET')
  ) {
    tracked('names');
    return scope;
  }
  if (target.kind === 'user-variable') {
    reportUserVariable(report, target.value);
  } else if (target.kind === 'system-variable') {
    classifySystemVariable(report, target.value, target.scope ?? 'bare-at-at', tracked);
  } else if (target.kind === 'word' || target.kind === 'quoted-identifier') {
    classifySystemVariable(report, dottedName(tokens, j), scope, tracked);
  }
  return scope;
}

/**
 * Rules for a `SET` statement; `tokens[0]` is the SET keyword.
 *
 * - user variables → `user-variable`;
 * - system variables at session scope (`SET x`, `SET SESSION x`, `SET LOCAL x`,
 *   `SET @@x`, `SET @@session.x`) → `session-variable` unless tracked;
 *   `NAMES` and `CHARACTER SET` are tracked;
 * - next-transaction scope (`SET TRANSACTION ...`, `SET @@transaction_isolation`)
 *   → `transaction-characteristics`;
 * - `GLOBAL` / `PERSIST` / `PERSIST_ONLY` → `global-variable` (may);
 * - `SET ROLE`, `SET RESOURCE GROUP`, MariaDB's `SET STATEMENT ... FOR` → may;
 * - `SET PASSWORD`, `SET DEFAULT ROLE` change accounts, not the session.
 *
 * A scope keyword carries over to the following assignments, as in MySQL
 * (`SET GLOBAL a = 1, b = 2` sets both globally). Session-scope changes to
 * what RDS Proxy tracks go to `tracked` (`sql_mode`, `names`, `transaction`).
 *
 * @example
 * setStatementRules(tokenize("SET @a = 1, sql_mode = ''"), report, tracked); // reports user-variable @a; tracked('sql_mode')
 */
export function setStatementRules(tokens: readonly Token[], report: Report, tracked: TrackedChange = ignoreTrackedChange): void {
  const first = word(tokens[1]);
  if (first === 'PASSWORD' || first === 'DEFAULT') return;
  if (first === 'ROLE') {
    report('session-state', 'may', 'SET ROLE changes the active roles of the session, which RDS Proxy does not document as tracked');
    return;
  }
  if (first === 'RESOURCE') {
    report('session-state', 'may', 'SET RESOURCE GROUP binds the session thread to a resource group, which RDS Proxy does not document as tracked');
    return;
  }
  if (first === 'STATEMENT' && !isOperator(tokens[2])) {
    report('session-variable', 'may', "SET STATEMENT ... FOR (MariaDB per-statement variables); RDS Proxy's behaviour is undocumented");
    return;
  }
  if (transactionForm(tokens, 1, report, tracked)) return;

  let scope: VariableScope = 'session';
  let i = 1;
  while (i < tokens.length) {
    scope = assignment(tokens, i, scope, report, tracked);
    i = endOfAssignment(tokens, i);
  }
}
