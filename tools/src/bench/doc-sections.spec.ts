import { block, readBlocks, rewriteDoc } from './doc-sections';

const doc = ['# Old preamble', block('warm', '## Warm\nold warm'), block('storm', '## Storm\nold storm'), block('gone', '## Gone\nkept')].join('\n\n');

describe('rewriteDoc', () => {
  it('replaces the sections measured, keeps the others in place, and follows the given order', () => {
    const next = rewriteDoc(doc, '# Benchmarks', ['environment', 'warm', 'cold', 'storm'], new Map([['storm', '## Storm\nnew storm'], ['environment', 'machine']]));

    expect(next).toBe(
      [
        '# Benchmarks',
        block('environment', 'machine'),
        block('warm', '## Warm\nold warm'),
        block('storm', '## Storm\nnew storm'),
        block('gone', '## Gone\nkept'),
      ].join('\n\n') + '\n',
    );
  });

  it('drops unmarked text of an old document (the preamble is rewritten) and writes a missing section nowhere', () => {
    expect(rewriteDoc('# Benchmarks\n\nhand-written figures\n', '# B', ['warm', 'storm'], new Map([['storm', 'S']]))).toBe(`# B\n\n${block('storm', 'S')}\n`);
  });

  it('reads back what it wrote', () => {
    const once = rewriteDoc('', '# B', ['a', 'b'], new Map([['a', 'A'], ['b', 'B']]));

    expect(rewriteDoc(once, '# B', ['a', 'b'], new Map())).toBe(once);
    expect([...readBlocks(once).keys()]).toEqual(['a', 'b']);
  });
});

describe('readBlocks', () => {
  it.each([
    ['<!-- bench:a:start -->\nx', "block 'a' is never closed"],
    ['<!-- bench:a:start -->\n<!-- bench:b:start -->', "block 'a' is not closed before 'b' starts"],
    ['x\n<!-- bench:a:end -->', "end of block 'a' without its start"],
    [`${block('a', '1')}\n${block('a', '2')}`, "block 'a' appears twice"],
  ])('refuses a broken document %j', (text, message) => {
    expect(() => readBlocks(text)).toThrow(message);
  });
});
