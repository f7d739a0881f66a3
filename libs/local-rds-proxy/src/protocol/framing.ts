import { MAX_PACKET_PAYLOAD } from './constants';

/** One logical packet: a payload and the physical packets it came in. */
export interface Packet {
  /** Sequence id of its first physical packet. */
  readonly sequenceId: number;
  /** The payload, continuations joined. */
  readonly payload: Buffer;
  /** The bytes exactly as received (headers included), for relaying without re-encoding. */
  readonly raw: Buffer;
}

/** Thrown by {@link PacketReader} when a packet is larger than it accepts. */
export class PacketTooLargeError extends Error {
  override readonly name = 'PacketTooLargeError';
}

/**
 * Cuts a byte stream into logical packets: a 3-byte little-endian payload
 * length and a 1-byte sequence id per physical packet; a payload of exactly
 * 0xffffff bytes continues in the next physical packet. Chunks may split
 * headers and payloads anywhere.
 *
 * @example
 * const reader = new PacketReader();
 * socket.on('data', (chunk) => { for (const packet of reader.push(chunk)) handle(packet); });
 */
export class PacketReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the buffered tail needs before the next physical packet is complete. */
  private needed = 0;
  private parts: Buffer[] = [];
  private rawParts: Buffer[] = [];
  private logicalBytes = 0;
  private firstSequence = -1;

  /** @param maxPayloadBytes the largest logical payload accepted. @default 1 GiB (MySQL's `max_allowed_packet` limit) */
  constructor(private readonly maxPayloadBytes = 1024 * 1024 * 1024) {}

  /** Adds bytes and returns the packets they complete, in order. */
  push(chunk: Buffer): Packet[] {
    // Bytes are only joined once the next packet is complete, so a large packet arriving in many chunks is copied once.
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.needed) return [];
    const data = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.needed = 0;
    const packets: Packet[] = [];
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = (data[offset] ?? 0) | ((data[offset + 1] ?? 0) << 8) | ((data[offset + 2] ?? 0) << 16);
      if (data.length - offset < 4 + length) break;
      const sequenceId = data[offset + 3] ?? 0;
      const physical = data.subarray(offset, offset + 4 + length);
      offset += 4 + length;
      if (this.firstSequence === -1) this.firstSequence = sequenceId;
      this.logicalBytes += length;
      if (this.logicalBytes > this.maxPayloadBytes) throw new PacketTooLargeError(`packet over ${this.maxPayloadBytes} bytes`);
      if (length === MAX_PACKET_PAYLOAD || this.parts.length > 0) {
        this.parts.push(physical.subarray(4));
        this.rawParts.push(physical);
        if (length === MAX_PACKET_PAYLOAD) continue;
        packets.push({
          sequenceId: this.firstSequence,
          payload: Buffer.concat(this.parts),
          raw: Buffer.concat(this.rawParts),
        });
        this.parts = [];
        this.rawParts = [];
      } else {
        packets.push({ sequenceId, payload: physical.subarray(4), raw: physical });
      }
      this.logicalBytes = 0;
      this.firstSequence = -1;
    }
    if (offset < data.length) {
      // Keep the tail; copy it so a large chunk is not retained for a few bytes.
      const tail = Buffer.from(data.subarray(offset));
      this.pending.push(tail);
      this.pendingBytes = tail.length;
      this.needed = tail.length >= 4 ? 4 + tail.readUIntLE(0, 3) : 4;
      if (this.logicalBytes + this.needed - 4 > this.maxPayloadBytes) throw new PacketTooLargeError(`packet over ${this.maxPayloadBytes} bytes`);
    }
    return packets;
  }

  /** Whether bytes of an incomplete packet are buffered. */
  get hasPartial(): boolean {
    return this.pendingBytes > 0 || this.parts.length > 0;
  }

  /** Removes and returns the buffered bytes not yet part of a packet (to hand the stream to another reader, e.g. TLS). */
  takePending(): Buffer {
    const bytes = Buffer.concat([...this.rawParts, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
    this.needed = 0;
    this.parts = [];
    this.rawParts = [];
    this.logicalBytes = 0;
    this.firstSequence = -1;
    return bytes;
  }
}

/**
 * Frames a payload as physical packets starting at `sequenceId` (splitting
 * payloads of 0xffffff bytes and more, with an empty last packet when the
 * length is an exact multiple). Returns the bytes and the next sequence id.
 *
 * @example
 * const { bytes, nextSequenceId } = framePacket(okPayload, 1);
 * socket.write(bytes);
 */
export function framePacket(payload: Buffer, sequenceId: number): { bytes: Buffer; nextSequenceId: number } {
  if (payload.length < MAX_PACKET_PAYLOAD) {
    const bytes = Buffer.allocUnsafe(4 + payload.length);
    bytes.writeUIntLE(payload.length, 0, 3);
    bytes[3] = sequenceId & 0xff;
    payload.copy(bytes, 4);
    return { bytes, nextSequenceId: (sequenceId + 1) & 0xff };
  }
  const pieces: Buffer[] = [];
  let sequence = sequenceId;
  for (let offset = 0; ; offset += MAX_PACKET_PAYLOAD) {
    const piece = payload.subarray(offset, offset + MAX_PACKET_PAYLOAD);
    const header = Buffer.from([piece.length & 0xff, (piece.length >> 8) & 0xff, (piece.length >> 16) & 0xff, sequence & 0xff]);
    pieces.push(header, piece);
    sequence = (sequence + 1) & 0xff;
    if (piece.length < MAX_PACKET_PAYLOAD) break;
  }
  return { bytes: Buffer.concat(pieces), nextSequenceId: sequence };
}
