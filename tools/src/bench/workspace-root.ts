import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace root (the folder with nx.json) above `from`: the same answer from source (tsx) and from a bundle in dist/. */
export function workspaceRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}
