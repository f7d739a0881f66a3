import type { Token } from './lexer';
import { displayName, ignoreTrackedChange, reportUserVariable, type Report, type TrackedChange } from './report';
import { setStatementRules } from './set-statement';

function word(token: Token | undefined): string | undefined {
  return token !== undefined && token.kind === 'word' ? token.value : undefined;
}

function isPunctuation(token: Token | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'punctuation' && token.value === value;
}

/** Whether the words `sequence` appear consecutively anywhere from `from` on. */
function containsWords(tokens: readonly Token[], from: number, sequence: readonly string[]): boolean {
  for (let i = from; i + sequence.length <= tokens.length; i += 1) {
    if (sequence.every((value, k) => word(tokens[i + k]) === value)) return true;
  }
  return false;
}

function flushRules(tokens: readonly Token[], head: number, report: Report): void {
  let i = head + 1;
  const modifier = word(tokens[i]);
  if (modifier === 'NO_WRITE_TO_BINLOG' || modifier === 'LOCAL') i += 1;
  const what = word(tokens[i]);
  if (what !== 'TABLES' && what !== 'TABLE') return;
  if (containsWords(tokens, i + 1, ['WITH', 'READ', 'LOCK'])) {
    report('lock-tables', 'always', 'FLUSH TABLES ... WITH READ LOCK takes table locks held by the session');
  } else if (containsWords(tokens, i + 1, ['FOR', 'EXPORT'])) {
    report('lock-tables', 'may', 'FLUSH TABLES ... FOR EXPORT takes table locks held by the session');
  }
}

function createRules(tokens: readonly Token[], head: number, report: Report): void {
  let i = head + 1;
  if (word(tokens[i]) === 'OR' && word(tokens[i + 1]) === 'REPLACE') i += 2;
  if (word(tokens[i]) !== 'TEMPORARY') return;
  const object = word(tokens[i + 1]) ?? 'TABLE';
  report('temporary-table', 'always', `CREATE TEMPORARY ${object} creates a table private to the session`);
}

function dropRules(tokens: readonly Token[], head: number, report: Report, tracked: TrackedChange): void {
  const next = word(tokens[head + 1]);
  if (next === 'DATABASE' || next === 'SCHEMA') {
    tracked('database'); // dropping the current database unselects it
  } else if (next === 'PREPARE') {
    report('prepared-statement', 'always', 'DROP PREPARE (text-protocol prepared statement)');
  } else if (next === 'TEMPORARY') {
    report('temporary-table', 'may', 'DROP TEMPORARY TABLE implies the session uses temporary tables');
  }
}

function callRules(tokens: readonly Token[], head: number, report: Report): void {
  for (let i = head + 1; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token?.kind === 'user-variable') {
      report('user-variable', 'may', `passes user variable @${displayName(token.value)} to CALL; an OUT or INOUT parameter assigns it`);
    }
  }
}

/** Rules decided by the statement's first keyword. `head` indexes that keyword. */
function headRules(tokens: readonly Token[], head: number, report: Report, tracked: TrackedChange): void {
  const next = word(tokens[head + 1]);
  switch (word(tokens[head])) {
    case 'SET':
      setStatementRules(tokens.slice(head), report, tracked);
      return;
    case 'USE':
      tracked('database');
      return;
    case 'LOCK':
      if (next === 'TABLE' || next === 'TABLES') report('lock-tables', 'always', `LOCK ${next}`);
      else if (next === 'INSTANCE') report('session-state', 'may', 'LOCK INSTANCE FOR BACKUP takes a backup lock held by the session');
      return;
    case 'FLUSH':
      flushRules(tokens, head, report);
      return;
    case 'PREPARE':
      report('prepared-statement', 'always', 'PREPARE (text-protocol prepared statement)');
      return;
    case 'EXECUTE':
      report('prepared-statement', 'always', 'EXECUTE (text-protocol prepared statement)');
      return;
    case 'DEALLOCATE':
      report('prepared-statement', 'always', 'DEALLOCATE PREPARE (text-protocol prepared statement)');
      return;
    case 'CREATE':
      createRules(tokens, head, report);
      return;
    case 'DROP':
      dropRules(tokens, head, report, tracked);
      return;
    case 'HANDLER':
      report('session-state', 'may', 'HANDLER opens a table handler held by the session');
      return;
    case 'XA':
      report('session-state', 'may', 'XA transactions are bound to the session');
      return;
    case 'CALL':
      callRules(tokens, head, report);
      return;
    default:
      return;
  }
}

/** Function calls that matter, by upper-case name. */
const FUNCTION_RULES: ReadonlyMap<string, (report: Report) => void> = new Map([
  ['GET_LOCK', (report: Report) => report('get-lock', 'always', 'calls GET_LOCK() (named lock held by the session)')],
  ['RELEASE_LOCK', (report: Report) => report('get-lock', 'may', 'calls RELEASE_LOCK(), so the session uses named locks')],
  ['RELEASE_ALL_LOCKS', (report: Report) => report('get-lock', 'may', 'calls RELEASE_ALL_LOCKS(), so the session uses named locks')],
  [
    'LAST_INSERT_ID',
    (report: Report) => report('last-insert-id', 'may', 'calls LAST_INSERT_ID(), which sometimes pins; use the result insertId instead'),
  ],
  ['FOUND_ROWS', (report: Report) => report('found-rows', 'may', 'calls FOUND_ROWS(), which sometimes pins; run a COUNT(*) query instead')],
  ['ROW_COUNT', (report: Report) => report('row-count', 'may', 'calls ROW_COUNT(), which sometimes pins; use the result affectedRows instead')],
]);

/** Rules that apply wherever the construct appears: function calls, `:=`, `INTO @var`. */
function anywhereRules(tokens: readonly Token[], report: Report): void {
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token === undefined) continue;
    const next = tokens[i + 1];
    if ((token.kind === 'word' || token.kind === 'quoted-identifier') && isPunctuation(next, '(') && !isPunctuation(tokens[i - 1], '.')) {
      FUNCTION_RULES.get(token.value.toUpperCase())?.(report);
    } else if (token.kind === 'word' && token.value === 'SQL_CALC_FOUND_ROWS') {
      report('found-rows', 'may', 'uses SQL_CALC_FOUND_ROWS, whose FOUND_ROWS() value sometimes pins');
    } else if (token.kind === 'user-variable' && next?.kind === 'operator' && next.value === ':=') {
      reportUserVariable(report, token.value);
    } else if (token.kind === 'word' && token.value === 'INTO') {
      for (let j = i + 1; j < tokens.length; j += 1) {
        const target = tokens[j];
        if (target?.kind === 'user-variable') reportUserVariable(report, target.value);
        else if (!isPunctuation(target, ',')) break;
      }
    }
  }
}

/**
 * Applies every SQL-text rule to one statement (not a stored program body);
 * changes to tracked session state go to `tracked`.
 *
 * @example
 * statementRules(tokenize('LOCK TABLES t WRITE'), report); // reports lock-tables
 * statementRules(tokenize('USE app'), report, tracked); // tracked('database')
 */
export function statementRules(tokens: readonly Token[], report: Report, tracked: TrackedChange = ignoreTrackedChange): void {
  let head = 0;
  while (isPunctuation(tokens[head], '(')) head += 1;
  headRules(tokens, head, report, tracked);
  anywhereRules(tokens, report);
}
