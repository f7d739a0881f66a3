import { framePacket, PacketReader, PacketTooLargeError } from './framing';

describe('packet framing', () => {
  it('round-trips payloads of every size class, split anywhere', () => {
    const payloads = [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(70_000, 7), Buffer.alloc(0xffffff, 1), Buffer.alloc(0xffffff + 10, 2)];
    let sequenceId = 0;
    const stream = Buffer.concat(
      payloads.map((payload) => {
        const framed = framePacket(payload, sequenceId);
        sequenceId = framed.nextSequenceId;
        return framed.bytes;
      }),
    );

    for (const step of [1_000_003, 4_096 * 3 + 1]) {
      const reader = new PacketReader();
      const received: Buffer[] = [];
      for (let offset = 0; offset < stream.length; offset += step) {
        for (const packet of reader.push(stream.subarray(offset, offset + step))) received.push(packet.payload);
      }

      expect(received.map((p) => p.length)).toEqual(payloads.map((p) => p.length));
      expect(received.every((p, i) => p.equals(payloads[i] ?? Buffer.alloc(1)))).toBe(true);
      expect(reader.hasPartial).toBe(false);
    }
  });

  it('splits an exact multiple of 0xffffff with an empty last packet, and counts sequence ids across pieces', () => {
    const { bytes, nextSequenceId } = framePacket(Buffer.alloc(0xffffff), 255);

    expect(bytes.length).toBe(4 + 0xffffff + 4);
    expect([bytes[3], bytes[4 + 0xffffff + 3], nextSequenceId]).toEqual([255, 0, 1]);
  });

  it('keeps the raw bytes of each packet, headers included, for relaying', () => {
    const a = framePacket(Buffer.from([3, 0x53]), 0).bytes;
    const b = framePacket(Buffer.from([0x0e]), 0).bytes;
    const [first, second] = new PacketReader().push(Buffer.concat([a, b]));

    expect(first?.raw.equals(a)).toBe(true);
    expect(second?.raw.equals(b)).toBe(true);
    expect(second?.sequenceId).toBe(0);
  });

  it('refuses a packet larger than its limit', () => {
    const reader = new PacketReader(10);

    expect(() => reader.push(framePacket(Buffer.alloc(11), 0).bytes)).toThrow(PacketTooLargeError);
  });
});
