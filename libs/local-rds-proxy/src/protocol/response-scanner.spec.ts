import { Status } from './constants';
import { framePacket } from './framing';
import { eofPayload, errPayload, okPayload } from './packets';
import { ResponseScanner, type ResponseKind } from './response-scanner';

/** Frames payloads as one response, sequence ids from 1. */
function response(...payloads: Buffer[]): Buffer {
  let sequenceId = 1;
  return Buffer.concat(
    payloads.map((payload) => {
      const framed = framePacket(payload, sequenceId);
      sequenceId = framed.nextSequenceId;
      return framed.bytes;
    }),
  );
}

const column = (name: string) => Buffer.concat([Buffer.from([3]), Buffer.from('def'), Buffer.from([0, 0, 0, name.length]), Buffer.from(name), Buffer.alloc(16, 1)]);
const row = (...values: Array<string | null>) =>
  Buffer.concat(values.map((v) => (v === null ? Buffer.from([0xfb]) : Buffer.concat([Buffer.from([v.length]), Buffer.from(v)]))));
const resultSet = (status: number, rows: Buffer[]) => [Buffer.from([1]), column('a'), eofPayload(status), ...rows, eofPayload(status)];
const error = errPayload({ errno: 1146, sqlState: '42S02', message: "Table 'x' doesn't exist" });

/** Feeds `bytes` in pieces of `step` bytes; returns the scanner and the byte count it consumed when done. */
function scan(kind: ResponseKind, bytes: Buffer, step: number): { scanner: ResponseScanner; consumed: number; doneAt: number } {
  const scanner = new ResponseScanner(kind);
  let consumed = 0;
  let doneAt = -1;
  for (let offset = 0; offset < bytes.length && !scanner.done; offset += step) {
    const piece = bytes.subarray(offset, offset + step);
    consumed += scanner.feed(piece);
    if (scanner.done && doneAt === -1) doneAt = consumed;
  }
  return { scanner, consumed, doneAt };
}

const steps = [1, 2, 3, 5, 7, 64, 100_000];

describe('ResponseScanner', () => {
  describe.each<[name: string, kind: ResponseKind, payloads: Buffer[], expected: Partial<ResponseScanner>]>([
    ['an OK', 'result', [okPayload({ affectedRows: 300, lastInsertId: 70_000, status: Status.AUTOCOMMIT | Status.IN_TRANS })], { failed: false, status: 3 }],
    ['an ERR', 'result', [error], { failed: true, errno: 1146 }],
    ['a result set', 'result', resultSet(Status.AUTOCOMMIT, [row('1'), row(null), row('x'.repeat(300))]), { failed: false, status: 2 }],
    ['an empty result set', 'result', resultSet(Status.IN_TRANS, []), { status: 1 }],
    ['a result set cut by an error', 'result', [Buffer.from([1]), column('a'), eofPayload(2), row('1'), error], { failed: true, errno: 1146 }],
    [
      'several results (CALL, multi-statements)',
      'result',
      [
        ...resultSet(Status.AUTOCOMMIT | Status.MORE_RESULTS_EXISTS, [row('1')]),
        okPayload({ status: Status.AUTOCOMMIT | Status.MORE_RESULTS_EXISTS }),
        ...resultSet(Status.AUTOCOMMIT | Status.MORE_RESULTS_EXISTS, []),
        okPayload({ status: Status.AUTOCOMMIT }),
      ],
      { failed: false, status: 2 },
    ],
    ['an error after a first result', 'result', [okPayload({ status: Status.MORE_RESULTS_EXISTS }), error], { failed: true }],
    ['a LOCAL INFILE request', 'result', [Buffer.concat([Buffer.from([0xfb]), Buffer.from('/etc/passwd')])], { localInfile: true }],
    [
      'a cursor opened by COM_STMT_EXECUTE (no rows follow)',
      'result',
      [Buffer.from([1]), column('a'), eofPayload(Status.AUTOCOMMIT | Status.CURSOR_EXISTS)],
      { status: Status.AUTOCOMMIT | Status.CURSOR_EXISTS },
    ],
    [
      'a prepare with parameters and columns',
      'prepare',
      [Buffer.from([0, 1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0]), column('?'), column('?'), column('?'), eofPayload(2), column('a'), column('b'), eofPayload(2)],
      { failed: false },
    ],
    ['a prepare without parameters', 'prepare', [Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), column('a'), eofPayload(2)], {}],
    ['a prepare of a statement with neither', 'prepare', [Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])], {}],
    ['a failed prepare', 'prepare', [error], { failed: true }],
    ['a ping', 'single', [okPayload({ status: 2 })], { status: 2 }],
    ['statistics', 'single', [Buffer.from('Uptime: 10  Threads: 1')], { failed: false }],
    ['fetched rows', 'rows', [row('1'), row('2'), eofPayload(Status.CURSOR_EXISTS | 0x80)], { status: 0xc0 }],
    ['a field list', 'field-list', [column('a'), column('b'), eofPayload(2)], { status: 2 }],
  ])('%s', (_name, kind, payloads, expected) => {
    const bytes = response(...payloads);

    it.each(steps)('ends exactly at its last byte, fed %i byte(s) at a time', (step) => {
      const { scanner, consumed, doneAt } = scan(kind, bytes, step);

      expect(scanner.done).toBe(true);
      expect(doneAt).toBe(bytes.length);
      expect(consumed).toBe(bytes.length);
      expect(scanner).toMatchObject(expected);
    });

    it('is not done one byte early', () => {
      const scanner = new ResponseScanner(kind);
      scanner.feed(bytes.subarray(0, bytes.length - 1));

      expect(scanner.done).toBe(false);
    });
  });

  it('steps over rows larger than one packet (16 MB) without reading their bytes as markers', () => {
    // A row of one 20 MB column: its first physical packet is 0xffffff bytes; the continuation starts with 0xfe 0x00 ... (looks like an EOF).
    const value = Buffer.alloc(20 * 1024 * 1024, 0x61);
    const big = Buffer.concat([Buffer.from([0xfe]), Buffer.from([0, 0, 64, 1, 0, 0, 0, 0]), value]);
    big[0xffffff] = 0xfe;
    const bytes = response(...resultSet(Status.AUTOCOMMIT, [big, row('after')]));

    for (const step of [65_536, 1_000_003]) {
      const { scanner, doneAt } = scan('result', bytes, step);

      expect([step, scanner.done, doneAt]).toEqual([step, true, bytes.length]);
    }
  });

  it('can be reset and reused for the next response', () => {
    const scanner = new ResponseScanner('prepare');
    scanner.feed(response(errPayload({ errno: 1064, sqlState: '42000', message: 'syntax' })));

    scanner.reset('result').feed(response(...resultSet(Status.AUTOCOMMIT, [row('1')])));

    expect(scanner).toMatchObject({ done: true, failed: false, errno: 0, status: Status.AUTOCOMMIT });
  });

  it('reports the bytes after the end as not part of the response', () => {
    const bytes = Buffer.concat([response(okPayload({ status: 2 })), Buffer.from([1, 2, 3])]);
    const scanner = new ResponseScanner('result');

    expect(scanner.feed(bytes)).toBe(bytes.length - 3);
  });
});
