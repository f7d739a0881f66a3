import { findPinningReasons } from './find-pinning-reasons';
import { tokenize } from './lexer';

/**
 * A seeded generator instead of fast-check (not installed): deterministic, so
 * a failure reproduces; the seed is in the test name.
 */
function generator(seed: number): { int: (n: number) => number; pick: <T>(items: readonly T[]) => T } {
  let state = seed >>> 0;
  const int = (n: number): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % n;
  };
  return { int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

/** Text that would pin if it were code. */
const DANGEROUS = [
  'SET @x := 1',
  'LOCK TABLES t WRITE',
  "GET_LOCK('a', 1)",
  'CREATE TEMPORARY TABLE t (a INT)',
  'PREPARE s FROM x',
  'SELECT 1 INTO @v',
  'SET sql_auto_is_null = 0',
  '; SET @y = 2; ',
  'LAST_INSERT_ID()',
  "*/ SET @z = 1 /* ' \" `",
  '\n',
  "\\' ; LOCK TABLES t READ; '",
  '한 😀 é',
];

/** Ways to hide text so MySQL does not run it: escape it for the container, then wrap. */
const HIDERS: ReadonlyArray<(text: string) => string> = [
  (t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
  (t) => `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  (t) => `\`${t.replace(/`/g, '``')}\``,
  (t) => `/* ${t.replace(/\*\//g, '* /')} */`,
  (t) => `-- ${t.replace(/\n/g, ' ')}\n`,
  (t) => `# ${t.replace(/\n/g, ' ')}\n`,
];

const CLEAN_FRAMES: ReadonlyArray<(hidden: string) => string> = [
  (h) => `SELECT ${h} AS c FROM t WHERE id = ?`,
  (h) => `INSERT INTO notes (body) VALUES (${h}, ?)`,
  (h) => `UPDATE t SET note = ${h} WHERE id = ? FOR UPDATE`,
  (h) => `${h} SELECT 1`,
];

describe('robustness (seeded random cases)', () => {
  it.each([1, 2, 3, 4, 5])('never reports text hidden in strings, identifiers or comments (seed %i)', (seed) => {
    const random = generator(seed);
    for (let n = 0; n < 200; n += 1) {
      // Prepare
      const text = Array.from({ length: 1 + random.int(4) }, () => random.pick(DANGEROUS)).join(' ');
      const sql = random.pick(CLEAN_FRAMES)(random.pick(HIDERS)(text));

      // Act
      const findings = findPinningReasons(sql);

      // Assess
      if (findings.length > 0) throw new Error(`false positive for ${JSON.stringify(sql)}: ${JSON.stringify(findings)}`);
    }
  });

  it.each([11, 12, 13])('still reports real code next to hidden look-alikes (seed %i)', (seed) => {
    const random = generator(seed);
    for (let n = 0; n < 200; n += 1) {
      const hidden = random.pick(HIDERS)(random.pick(DANGEROUS));
      const sql = `${random.pick(CLEAN_FRAMES)(hidden)}; SET @real = ${hidden}`;

      const codes = findPinningReasons(sql).map((f) => f.code);

      if (codes.join() !== 'user-variable') throw new Error(`expected one user-variable for ${JSON.stringify(sql)}, got ${codes.join()}`);
    }
  });

  it('never throws on random bytes', () => {
    const random = generator(99);
    const alphabet = "'\"`\\/*-#@;:=(),.!?M \n\tSETLOCKGET_aé😀0123456789";
    for (let n = 0; n < 2_000; n += 1) {
      const sql = Array.from({ length: random.int(60) }, () => alphabet.charAt(random.int(alphabet.length))).join('');
      expect(() => findPinningReasons(sql)).not.toThrow();
    }
  });

  it('stays linear: a 1 MB text of pathological quotes and comment starts lexes quickly', () => {
    // Prepare
    const nasty = "'\\'/*!--#@@`".repeat(90_000);

    // Act
    const started = process.hrtime.bigint();
    tokenize(nasty);
    findPinningReasons(nasty);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;

    // Assess: generous bound for a shared CI box; quadratic behaviour would take seconds.
    expect(ms).toBeLessThan(1_500);
  });
});
