/**
 * docs/benchmarks.md is a preamble and a run of marked blocks, one per section:
 *
 *   <!-- bench:storm:start -->
 *   ## ...
 *   <!-- bench:storm:end -->
 *
 * A run rewrites the blocks it measured and keeps the others as they were.
 */
const MARKER = /<!-- bench:([a-z0-9-]+):(start|end) -->/g;

export const startMarker = (id: string) => `<!-- bench:${id}:start -->`;
export const endMarker = (id: string) => `<!-- bench:${id}:end -->`;

/** The marked blocks of a document, by id, markers included. Throws on an unbalanced or repeated marker. */
export function readBlocks(doc: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let open: { id: string; at: number } | undefined;
  for (const match of doc.matchAll(MARKER)) {
    const [text, id, edge] = match as unknown as [string, string, 'start' | 'end'];
    const at = match.index ?? 0;
    if (edge === 'start') {
      if (open) throw new Error(`docs: block '${open.id}' is not closed before '${id}' starts`);
      if (blocks.has(id)) throw new Error(`docs: block '${id}' appears twice`);
      open = { id, at };
    } else {
      if (open?.id !== id) throw new Error(`docs: end of block '${id}' without its start`);
      blocks.set(id, doc.slice(open.at, at + text.length));
      open = undefined;
    }
  }
  if (open) throw new Error(`docs: block '${open.id}' is never closed`);
  return blocks;
}

/** One block: markers around `body`. */
export function block(id: string, body: string): string {
  return `${startMarker(id)}\n${body.trim()}\n${endMarker(id)}`;
}

/**
 * The new document: `preamble`, then a block per id of `order` — the fresh one from `fresh` if this run
 * measured it, else the one already in `existing`, else nothing — then any other block of `existing` (an id
 * this version no longer knows), so nothing measured is lost silently.
 *
 * @example
 * rewriteDoc(old, '# Benchmarks\n', ['warm', 'storm'], new Map([['storm', '## Storm\n...']]));
 */
export function rewriteDoc(existing: string, preamble: string, order: readonly string[], fresh: ReadonlyMap<string, string>): string {
  const old = readBlocks(existing);
  const parts = [preamble.trim()];
  for (const id of order) {
    const body = fresh.get(id);
    if (body !== undefined) parts.push(block(id, body));
    else if (old.has(id)) parts.push(old.get(id) as string);
  }
  for (const [id, text] of old) if (!order.includes(id)) parts.push(text);
  return `${parts.join('\n\n')}\n`;
}
