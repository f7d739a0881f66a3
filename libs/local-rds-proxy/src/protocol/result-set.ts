import { Marker } from './constants';
import { Cursor } from './cursor';
import type { Packet } from './framing';
import { parseErr, parseOk, type ErrFields } from './packets';

/** One column of a text result set: its name and MySQL type byte. */
export interface ResultColumn {
  readonly name: string;
  readonly type: number;
}

/** What a COM_QUERY the proxy sent itself came back with (its first result only). */
export type QueryOutcome =
  | { readonly kind: 'ok'; readonly status: number; readonly affectedRows: number }
  | { readonly kind: 'rows'; readonly status: number; readonly columns: readonly ResultColumn[]; readonly rows: ReadonlyArray<ReadonlyArray<string | null>> }
  | { readonly kind: 'error'; readonly error: ErrFields };

/** MySQL column types that carry integers (TINY, SHORT, LONG, LONGLONG, INT24, YEAR). */
const INTEGER_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 8, 9, 13]);

/**
 * Whether a column of this type holds an integer (so its value can be written back unquoted).
 *
 * @example
 * isIntegerColumn(columns[0]!); // true for @@autocommit on MariaDB
 */
export function isIntegerColumn(column: ResultColumn): boolean {
  return INTEGER_TYPES.has(column.type);
}

function parseColumn(payload: Buffer): ResultColumn {
  const cursor = new Cursor(payload);
  for (let i = 0; i < 4; i += 1) cursor.lenencBytes(); // catalog, schema, table, org_table
  const name = (cursor.lenencBytes() ?? Buffer.alloc(0)).toString('utf8');
  cursor.lenencBytes(); // org_name
  cursor.lenencInt(); // length of the fixed fields
  cursor.u16(); // character set
  cursor.u32(); // column length
  return { name, type: cursor.u8() };
}

function parseRow(payload: Buffer, width: number): Array<string | null> {
  const cursor = new Cursor(payload);
  const values: Array<string | null> = [];
  for (let i = 0; i < width; i += 1) values.push(cursor.lenencBytes()?.toString('utf8') ?? null);
  return values;
}

/**
 * Reads the packets of a text-protocol response (no CLIENT_DEPRECATE_EOF):
 * an OK, an ERR, or a result set. Only the first result is read.
 *
 * @example
 * const outcome = parseQueryResponse(packets);
 * if (outcome.kind === 'rows') outcome.rows[0]?.[0];
 */
export function parseQueryResponse(packets: readonly Packet[]): QueryOutcome {
  const first = packets[0]?.payload;
  if (first === undefined || first.length === 0) return { kind: 'error', error: { errno: 2027, sqlState: 'HY000', message: 'Malformed packet' } };
  if (first[0] === Marker.ERR) return { kind: 'error', error: parseErr(first) };
  if (first[0] === Marker.OK) {
    const ok = parseOk(first);
    return { kind: 'ok', status: ok.status, affectedRows: ok.affectedRows };
  }
  const width = new Cursor(first).lenencInt() ?? 0;
  const columns = packets.slice(1, 1 + width).map((p) => parseColumn(p.payload));
  const rows: Array<Array<string | null>> = [];
  let status = 0;
  for (const packet of packets.slice(2 + width)) {
    const payload = packet.payload;
    if (payload[0] === Marker.EOF && payload.length < 9) {
      status = payload.length >= 5 ? payload.readUInt16LE(3) : 0;
      break;
    }
    if (payload[0] === Marker.ERR) return { kind: 'error', error: parseErr(payload) };
    rows.push(parseRow(payload, width));
  }
  return { kind: 'rows', status, columns, rows };
}
