import { findPinningReasons } from './find-pinning-reasons';
import { MAX_UNPINNED_STATEMENT_BYTES, statementSizeFinding } from './statement-size';

/** `SELECT '<filler>'` of exactly `bytes` UTF-8 bytes, built from `unit` (1–4 bytes each). */
function statementOfBytes(bytes: number, unit: string): string {
  const frame = "SELECT ''";
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  const fill = bytes - frame.length;
  const units = Math.floor(fill / unitBytes);
  const sql = `SELECT '${unit.repeat(units)}${'x'.repeat(fill - units * unitBytes)}'`;
  expect(Buffer.byteLength(sql, 'utf8')).toBe(bytes);
  return sql;
}

describe('statement size rule', () => {
  it('is 16 KB', () => {
    expect(MAX_UNPINNED_STATEMENT_BYTES).toBe(16_384);
  });

  it.each([
    ['ASCII', 'a'],
    ['2-byte é', 'é'],
    ['3-byte 한', '한'],
    ['4-byte 😀', '😀'],
  ])('does not pin at exactly 16,384 bytes of %s', (_label, unit) => {
    // Prepare
    const sql = statementOfBytes(16_384, unit);

    // Act / Assess
    expect(statementSizeFinding(sql)).toBeUndefined();
    expect(findPinningReasons(sql)).toEqual([]);
  });

  it.each([
    ['ASCII', 'a'],
    ['2-byte é', 'é'],
    ['3-byte 한', '한'],
    ['4-byte 😀', '😀'],
  ])('pins at 16,385 bytes of %s', (_label, unit) => {
    const sql = statementOfBytes(16_385, unit);

    expect(findPinningReasons(sql)).toEqual([
      { code: 'statement-size', certainty: 'always', message: 'statement text is 16385 bytes, over the 16384-byte (16 KB) limit' },
    ]);
  });

  it('counts bytes, not characters: 6,000 three-byte characters pin', () => {
    // 6,000 characters but 18,000+ bytes.
    const sql = `SELECT '${'한'.repeat(6_000)}'`;

    expect(sql.length).toBeLessThan(16_384);
    expect(statementSizeFinding(sql)?.code).toBe('statement-size');
  });
});
