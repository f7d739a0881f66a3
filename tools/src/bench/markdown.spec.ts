import { count, num, percent, ratio, renderTable } from './markdown';

describe('renderTable', () => {
  it('renders the header, an alignment rule and the rows', () => {
    const table = renderTable([{ header: 'N', align: 'right' }, { header: 'path' }], [['30', 'direct'], ['1,000', 'proxy']]);

    expect(table).toBe('| N | path |\n|--:|---|\n| 30 | direct |\n| 1,000 | proxy |');
  });

  it('escapes pipes and flattens line breaks inside cells', () => {
    expect(renderTable([{ header: 'a|b' }], [['x\ny']])).toBe('| a\\|b |\n|---|\n| x y |');
  });

  it('refuses a row whose width differs from the columns', () => {
    expect(() => renderTable([{ header: 'a' }, { header: 'b' }], [['1']])).toThrow('row 0 has 1 cells, the table has 2 columns');
  });
});

describe('number formats', () => {
  it('writes ratios, and a dash when there is no denominator', () => {
    expect(ratio(10, 4)).toBe('2.5×');
    expect(ratio(1, 0)).toBe('—');
    expect(ratio(Number.NaN, 1)).toBe('—');
  });

  it('writes fixed points, percentages and counts', () => {
    expect(num(1.234)).toBe('1.23');
    expect(num(Number.NaN)).toBe('—');
    expect(percent(29, 100)).toBe('29.0 %');
    expect(percent(1, 0)).toBe('—');
    expect(count(2910)).toBe('2,910');
  });
});
