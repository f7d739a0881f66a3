import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Current size of a log file, 0 when it does not exist yet.
 *
 * @example
 * const offset = logSize(dir.errorLog); // read only what a new start appends
 */
export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The last `maxLines` lines written to `file` after byte `from` (at most the last 64 KiB), or a note when
 * there are none.
 *
 * @example
 * readLogTail(dir.errorLog, offset); // '... [ERROR] Can't start server: Bind on TCP/IP port ...'
 */
export function readLogTail(file: string, from = 0, maxLines = 30): string {
  let text: string;
  try {
    const size = statSync(file).size;
    const start = Math.max(from, size - 64 * 1024);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return `(no error log at ${file})`;
  }
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  return lines.length === 0 ? '(error log is empty)' : lines.slice(-maxLines).join('\n');
}
