/** What `npm run bench -- <args>` asked for. */
export interface BenchArgs {
  /** The section ids to run, in the order given; `undefined` runs them all. */
  only: string[] | undefined;
}

/** A command line `parseBenchArgs` refuses; the message says what is wrong and what is accepted. */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

const USAGE = 'usage: npm run bench [-- --only=<id>[,<id>...]]';

/**
 * Reads `--only=a,b` (or `--only a,b`) against the known section ids. Anything else, an empty list, an
 * unknown or repeated id is refused with a {@link BenchArgsError} naming it and listing the known ids.
 *
 * @example
 * parseBenchArgs(['--only=storm,failover'], ['warm', 'storm', 'failover']); // { only: ['storm', 'failover'] }
 */
export function parseBenchArgs(argv: readonly string[], knownIds: readonly string[]): BenchArgs {
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let value: string | undefined;
    if (arg.startsWith('--only=')) value = arg.slice('--only='.length);
    else if (arg === '--only') {
      value = argv[++i];
      if (value === undefined) throw new BenchArgsError(`--only needs a value. ${USAGE}`);
    } else throw new BenchArgsError(`unknown argument '${arg}'. ${USAGE}`);
    if (only !== undefined) throw new BenchArgsError(`--only given twice. ${USAGE}`);
    only = parseIds(value, knownIds);
  }
  return { only };
}

function parseIds(value: string, knownIds: readonly string[]): string[] {
  const ids = value.split(',').map((id) => id.trim());
  const known = `known ids: ${knownIds.join(', ')}`;
  if (ids.some((id) => id === '')) throw new BenchArgsError(`--only has an empty id in '${value}'; ${known}`);
  for (const id of ids) {
    if (!knownIds.includes(id)) throw new BenchArgsError(`unknown section id '${id}'; ${known}`);
  }
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new BenchArgsError(`section id '${repeated}' given twice; ${known}`);
  return ids;
}
