/** How a column's cells line up. */
export type Align = 'left' | 'right';

/** One column of {@link renderTable}: its header and alignment. */
export interface Column {
  header: string;
  align?: Align;
}

/**
 * A GitHub Markdown table. Cells are written as given, with `|` escaped; numbers are the caller's to format.
 *
 * @example
 * renderTable([{ header: 'N' , align: 'right' }, { header: 'path' }], [['30', 'direct']]);
 * // | N | path |\n|--:|---|\n| 30 | direct |
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  for (const [index, row] of rows.entries()) {
    if (row.length !== columns.length) throw new RangeError(`row ${index} has ${row.length} cells, the table has ${columns.length} columns`);
  }
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '--:' : '---')).join('|')}|`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** `12.3×`, or `—` when the ratio cannot be read (a zero or missing denominator). */
export function ratio(numerator: number, denominator: number, digits = 1): string {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return '—';
  return `${(numerator / denominator).toFixed(digits)}×`;
}

/** A fixed-point number, or `—` for NaN. */
export function num(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** A percentage of `part` in `whole`, one decimal, e.g. `97.3 %`. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`;
}

/** A whole number with thousands separators, e.g. `1,000`. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
