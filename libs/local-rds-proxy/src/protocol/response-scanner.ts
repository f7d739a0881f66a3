import { MAX_PACKET_PAYLOAD, Marker, Status } from './constants';

/**
 * The shape of the response a command gets, which decides where it ends.
 *
 * - `result`: COM_QUERY, COM_STMT_EXECUTE — OK, ERR, or result sets (column
 *   count, column definitions, EOF, rows, EOF), repeated while the status has
 *   SERVER_MORE_RESULTS_EXISTS;
 * - `prepare`: COM_STMT_PREPARE — ERR, or the prepare OK then parameter and
 *   column definitions, each list closed by an EOF;
 * - `single`: one packet (OK, ERR, EOF or a string: COM_PING, COM_INIT_DB,
 *   COM_STATISTICS, COM_STMT_RESET, COM_RESET_CONNECTION, COM_SET_OPTION, ...);
 * - `rows`: COM_STMT_FETCH — rows until EOF or ERR;
 * - `field-list`: COM_FIELD_LIST — column definitions until EOF or ERR.
 */
export type ResponseKind = 'result' | 'prepare' | 'single' | 'rows' | 'field-list';

enum Phase {
  First,
  Columns,
  ColumnsEof,
  Rows,
  PrepareFirst,
  PrepareParams,
  PrepareParamsEof,
  PrepareColumns,
  PrepareColumnsEof,
  Single,
  UntilEof,
  Done,
}

/** Where each kind of response starts. */
const FIRST_PHASE: Readonly<Record<ResponseKind, Phase>> = {
  result: Phase.First,
  prepare: Phase.PrepareFirst,
  single: Phase.Single,
  rows: Phase.UntilEof,
  'field-list': Phase.UntilEof,
};

/** The EOF that closes each list of definitions. */
const LIST_END: Partial<Record<Phase, Phase>> = {
  [Phase.Columns]: Phase.ColumnsEof,
  [Phase.PrepareParams]: Phase.PrepareParamsEof,
  [Phase.PrepareColumns]: Phase.PrepareColumnsEof,
};

/** Bytes of a packet's start the scanner looks at (an OK packet's status ends by byte 21). */
const PREFIX_BYTES = 24;

function lenencEnd(bytes: Buffer, offset: number): number {
  const first = bytes[offset] ?? 0;
  if (first < 0xfb) return offset + 1;
  if (first === 0xfc) return offset + 3;
  if (first === 0xfd) return offset + 4;
  if (first === 0xfe) return offset + 9;
  return offset + 1;
}

function lenencValue(bytes: Buffer, offset: number): number {
  const first = bytes[offset] ?? 0;
  if (first < 0xfb) return first;
  if (first === 0xfc) return bytes.readUInt16LE(offset + 1);
  if (first === 0xfd) return bytes.readUIntLE(offset + 1, 3);
  return bytes.readUInt32LE(offset + 1) + bytes.readUInt32LE(offset + 5) * 0x1_0000_0000;
}

/**
 * Follows a server's response packet by packet, looking only at packet
 * headers and the first bytes of the packets that can end it, so the proxy
 * can relay the bytes as they come and know when the response is over and
 * which status it ended with. Feed it every chunk; `done` turns true at the
 * last packet of the response.
 *
 * @example
 * const scanner = new ResponseScanner('result');
 * backend.on('data', (chunk) => {
 *   const end = scanner.feed(chunk);
 *   client.write(chunk.subarray(0, end));
 *   if (scanner.done) finish(scanner.status, scanner.failed);
 * });
 */
export class ResponseScanner {
  /** The response is complete. */
  done = false;
  /** It ended with an ERR packet. */
  failed = false;
  /** The server asked for a LOCAL INFILE upload (0xfb); the proxy does not relay those. */
  localInfile = false;
  /** The status flags of the last OK or EOF packet seen, or -1. */
  status = -1;
  /** The error number of the ERR packet it ended with, or 0. */
  errno = 0;

  private phase: Phase;
  private ending = false;
  private count = 0;
  private afterCount = 0;
  private readonly header = Buffer.alloc(4);
  private headerFilled = 0;
  private inPacket = false;
  private remaining = 0;
  private packetLength = 0;
  private nextIsContinuation = false;
  private readonly prefix = Buffer.alloc(PREFIX_BYTES);
  private prefixFilled = 0;
  private prefixNeeded = 0;

  constructor(kind: ResponseKind) {
    this.phase = FIRST_PHASE[kind];
  }

  /** Starts over for the response to another command (a connection keeps one scanner). */
  reset(kind: ResponseKind): this {
    this.phase = FIRST_PHASE[kind];
    this.done = false;
    this.failed = false;
    this.localInfile = false;
    this.status = -1;
    this.errno = 0;
    this.ending = false;
    this.count = 0;
    this.afterCount = 0;
    this.headerFilled = 0;
    this.inPacket = false;
    this.remaining = 0;
    this.packetLength = 0;
    this.nextIsContinuation = false;
    this.prefixFilled = 0;
    this.prefixNeeded = 0;
    return this;
  }

  /**
   * Scans `chunk`; returns how many of its bytes belong to the response (all
   * of them unless the response ended before the chunk did, which a server
   * never does).
   */
  feed(chunk: Buffer): number {
    let offset = 0;
    const length = chunk.length;
    while (offset < length && !this.done) {
      if (!this.inPacket) {
        if (this.headerFilled === 0 && length - offset >= 4) {
          const payloadLength = (chunk[offset] ?? 0) | ((chunk[offset + 1] ?? 0) << 8) | ((chunk[offset + 2] ?? 0) << 16);
          offset += 4;
          this.startPacket(payloadLength);
        } else {
          while (this.headerFilled < 4 && offset < length) this.header[this.headerFilled++] = chunk[offset++] ?? 0;
          if (this.headerFilled < 4) break;
          this.headerFilled = 0;
          this.startPacket(this.header.readUIntLE(0, 3));
        }
        continue;
      }
      if (this.prefixNeeded > 0) {
        if (this.prefixFilled === 0 && length - offset >= this.prefixNeeded) {
          const at = offset;
          offset += this.prefixNeeded;
          this.remaining -= this.prefixNeeded;
          this.prefixNeeded = 0;
          this.classify(chunk, at);
        } else {
          const take = Math.min(this.prefixNeeded - this.prefixFilled, length - offset);
          chunk.copy(this.prefix, this.prefixFilled, offset, offset + take);
          this.prefixFilled += take;
          offset += take;
          this.remaining -= take;
          if (this.prefixFilled === this.prefixNeeded) {
            this.prefixNeeded = 0;
            this.prefixFilled = 0;
            this.classify(this.prefix, 0);
          }
        }
      } else {
        const skip = Math.min(this.remaining, length - offset);
        offset += skip;
        this.remaining -= skip;
      }
      if (this.remaining === 0 && this.prefixNeeded === 0) this.endPacket();
    }
    return offset;
  }

  private startPacket(payloadLength: number): void {
    this.inPacket = true;
    this.packetLength = payloadLength;
    this.remaining = payloadLength;
    const continuation = this.nextIsContinuation;
    this.nextIsContinuation = payloadLength === MAX_PACKET_PAYLOAD;
    this.prefixNeeded = 0;
    this.prefixFilled = 0;
    if (!continuation) {
      const needed = Math.min(payloadLength, this.bytesToInspect());
      if (needed === 0) this.classify(this.prefix, 0);
      else this.prefixNeeded = needed;
    }
    if (this.remaining === 0) this.endPacket();
  }

  private endPacket(): void {
    this.inPacket = false;
    if (this.ending && !this.nextIsContinuation) this.done = true;
  }

  private bytesToInspect(): number {
    switch (this.phase) {
      case Phase.Columns:
      case Phase.PrepareParams:
      case Phase.PrepareColumns:
        return 0;
      case Phase.Rows:
      case Phase.UntilEof:
      case Phase.ColumnsEof:
      case Phase.PrepareParamsEof:
      case Phase.PrepareColumnsEof:
        return 9;
      default:
        return PREFIX_BYTES;
    }
  }

  /** Moves past one packet whose first bytes (up to {@link PREFIX_BYTES}) are at `bytes[at...]`. */
  private classify(bytes: Buffer, at: number): void {
    const length = this.packetLength;
    const first = length > 0 ? (bytes[at] ?? -1) : -1;
    const isEof = first === Marker.EOF && length < 9;
    switch (this.phase) {
      case Phase.First:
        if (first === Marker.OK) {
          this.status = bytes.readUInt16LE(lenencEnd(bytes, lenencEnd(bytes, at + 1)));
          if (!(this.status & Status.MORE_RESULTS_EXISTS)) this.finish();
        } else if (first === Marker.ERR) {
          this.fail(bytes, at);
        } else if (first === Marker.LOCAL_INFILE) {
          this.localInfile = true;
          this.finish();
        } else {
          this.count = lenencValue(bytes, at);
          this.phase = this.count > 0 ? Phase.Columns : Phase.ColumnsEof;
        }
        return;
      case Phase.Columns:
      case Phase.PrepareParams:
      case Phase.PrepareColumns:
        this.count -= 1;
        if (this.count === 0) this.phase = LIST_END[this.phase] ?? Phase.Done;
        return;
      case Phase.ColumnsEof:
        if (first === Marker.ERR) return this.fail(bytes, at);
        if (isEof && length >= 5) this.status = bytes.readUInt16LE(at + 3);
        if (this.status >= 0 && this.status & Status.CURSOR_EXISTS) this.finish();
        else this.phase = Phase.Rows;
        return;
      case Phase.Rows:
        if (isEof) {
          if (length >= 5) this.status = bytes.readUInt16LE(at + 3);
          if (this.status & Status.MORE_RESULTS_EXISTS) this.phase = Phase.First;
          else this.finish();
        } else if (first === Marker.ERR) {
          this.fail(bytes, at);
        }
        return;
      case Phase.PrepareFirst:
        if (first === Marker.ERR) return this.fail(bytes, at);
        this.afterCount = bytes.readUInt16LE(at + 5); // columns
        this.count = bytes.readUInt16LE(at + 7); // parameters
        this.nextPrepareList();
        return;
      case Phase.PrepareParamsEof:
        this.count = 0;
        this.nextPrepareList();
        return;
      case Phase.PrepareColumnsEof:
        this.finish();
        return;
      case Phase.Single:
        if (first === Marker.OK && length >= 7) this.status = bytes.readUInt16LE(lenencEnd(bytes, lenencEnd(bytes, at + 1)));
        else if (isEof && length >= 5) this.status = bytes.readUInt16LE(at + 3);
        else if (first === Marker.ERR) return this.fail(bytes, at);
        this.finish();
        return;
      case Phase.UntilEof:
        if (isEof) {
          if (length >= 5) this.status = bytes.readUInt16LE(at + 3);
          this.finish();
        } else if (first === Marker.ERR) {
          this.fail(bytes, at);
        }
        return;
      default:
        return;
    }
  }

  private nextPrepareList(): void {
    if (this.count > 0) {
      this.phase = Phase.PrepareParams;
    } else if (this.afterCount > 0) {
      this.count = this.afterCount;
      this.afterCount = 0;
      this.phase = Phase.PrepareColumns;
    } else {
      this.finish();
    }
  }

  private fail(bytes: Buffer, at: number): void {
    this.failed = true;
    this.errno = this.packetLength >= 3 ? bytes.readUInt16LE(at + 1) : 0;
    this.finish();
  }

  private finish(): void {
    this.phase = Phase.Done;
    this.ending = true;
  }
}
