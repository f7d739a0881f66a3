/** Thrown when a packet is shorter than its fields say. */
export class MalformedPacketError extends Error {
  override readonly name = 'MalformedPacketError';
}

/**
 * Reads protocol fields from one packet payload, front to back. Every read
 * checks the bounds and throws {@link MalformedPacketError} past the end.
 *
 * @example
 * const cursor = new Cursor(payload);
 * const flags = cursor.u32();
 * const user = cursor.nulString();
 */
export class Cursor {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    readonly end = buffer.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.end) throw new MalformedPacketError(`packet ends ${this.offset + bytes - this.end} byte(s) early`);
  }

  u8(): number {
    this.need(1);
    return this.buffer[this.offset++] as number;
  }

  u16(): number {
    this.need(2);
    const value = this.buffer.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  u24(): number {
    this.need(3);
    const value = this.buffer.readUIntLE(this.offset, 3);
    this.offset += 3;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A length-encoded integer; `null` for the NULL marker (0xfb). Values above 2^53 lose precision. */
  lenencInt(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) {
      this.need(8);
      const low = this.buffer.readUInt32LE(this.offset);
      const high = this.buffer.readUInt32LE(this.offset + 4);
      this.offset += 8;
      return high * 0x1_0000_0000 + low;
    }
    throw new MalformedPacketError('0xff is not a length-encoded integer');
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A length-encoded string as bytes; `null` for NULL. */
  lenencBytes(): Buffer | null {
    const length = this.lenencInt();
    return length === null ? null : this.bytes(length);
  }

  /** A NUL-terminated string; without a NUL, the rest of the packet. */
  nulString(encoding: BufferEncoding = 'utf8'): string {
    const nul = this.buffer.indexOf(0, this.offset);
    const stop = nul === -1 || nul >= this.end ? this.end : nul;
    const value = this.buffer.toString(encoding, this.offset, stop);
    this.offset = Math.min(this.end, stop + 1);
    return value;
  }

  rest(): Buffer {
    const value = this.buffer.subarray(this.offset, this.end);
    this.offset = this.end;
    return value;
  }
}

/** The bytes of a length-encoded integer. */
export function lenencInt(value: number): Buffer {
  if (value < 0xfb) return Buffer.from([value]);
  if (value <= 0xffff) {
    const b = Buffer.allocUnsafe(3);
    b[0] = 0xfc;
    b.writeUInt16LE(value, 1);
    return b;
  }
  if (value <= 0xffffff) {
    const b = Buffer.allocUnsafe(4);
    b[0] = 0xfd;
    b.writeUIntLE(value, 1, 3);
    return b;
  }
  const b = Buffer.allocUnsafe(9);
  b[0] = 0xfe;
  b.writeUInt32LE(value % 0x1_0000_0000, 1);
  b.writeUInt32LE(Math.floor(value / 0x1_0000_0000), 5);
  return b;
}

/** A length-encoded string. */
export function lenencBytes(value: Buffer): Buffer {
  return Buffer.concat([lenencInt(value.length), value]);
}
