import { Carry } from './carry.js';
import { CaptureFault, type PacketSink } from './caps.js';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

/**
 * Classic libpcap reader, fed chunk by chunk. Both byte orders, µs and ns
 * timestamps. Hand-written instead of `pcap-parser` (see README): that module
 * re-concatenates its whole pending buffer on every chunk, lacks ns magic, and
 * buffers a record of any claimed length.
 */
export class PcapReader {
  /** Absolute input offset of the next unread byte. */
  offset = 0;
  packets = 0;
  linkType = -1;
  private headerDone = false;
  private le = true;
  private nsRes = false;
  private readonly carry = new Carry();

  constructor(
    private readonly sink: PacketSink,
    private readonly maxPacketBytes: number,
    private readonly linkSupported: (linkType: number) => boolean,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    const carry = this.carry;
    while (carry.len > 0) {
      // Complete the straddling header or record from the new chunk.
      const need = this.needed(carry.buf, 0, carry.len);
      const take = Math.min(need - carry.len, chunk.length - pos);
      carry.append(chunk, pos, pos + take);
      pos += take;
      if (carry.len < need) return;
      const n = this.needed(carry.buf, 0, carry.len);
      if (n > carry.len) continue; // header now known, record still short
      this.consume(carry.buf, 0, n);
      carry.reset();
    }
    const len = chunk.length;
    const bulk = this.sink.records !== undefined && this.headerDone;
    for (;;) {
      if (bulk && len - pos >= RECORD_HEADER) {
        const r = this.sink.records!(chunk, pos, len, this.le, this.nsRes, this.linkType);
        pos += r.bytes;
        this.offset += r.bytes;
        this.packets += r.packets;
        if (r.again) continue;
      }
      const avail = len - pos;
      if (avail <= 0) break;
      const n = this.needed(chunk, pos, avail);
      if (n > avail) break;
      this.consume(chunk, pos, n);
      pos += n;
    }
    if (pos < len) carry.append(chunk, pos, len);
  }

  end(): void {
    if (!this.headerDone) {
      throw new CaptureFault(this.offset === 0 && this.carry.len === 0 ? 'empty input' : 'file ends inside the pcap header', 0);
    }
    if (this.carry.len > 0) {
      throw new CaptureFault(`file ends inside a packet record (${this.carry.len} bytes of it present)`, this.offset);
    }
  }

  /** Bytes needed for the next unit (header or record) given `avail` bytes at `p`. */
  private needed(b: Buffer, p: number, avail: number): number {
    if (!this.headerDone) return GLOBAL_HEADER;
    if (avail < RECORD_HEADER) return RECORD_HEADER;
    const incl = this.u32(b, p + 8);
    if (incl > this.maxPacketBytes) {
      throw new CaptureFault(`packet record claims ${incl} bytes, more than the ${this.maxPacketBytes}-byte limit`, this.offset);
    }
    return RECORD_HEADER + incl;
  }

  private consume(b: Buffer, p: number, n: number): void {
    if (!this.headerDone) {
      this.readHeader(b, p);
    } else {
      const sec = this.u32(b, p);
      const frac = this.u32(b, p + 4);
      const orig = this.u32(b, p + 12);
      const tsMs = sec * 1000 + (this.nsRes ? frac / 1_000_000 : frac / 1000);
      this.packets++;
      this.sink.packet(b, p + RECORD_HEADER, p + n, orig, tsMs, this.linkType);
    }
    this.offset += n;
  }

  private readHeader(b: Buffer, p: number): void {
    const m = b.readUInt32BE(p);
    if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) this.le = false;
    else if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1) this.le = true;
    else throw new CaptureFault(`not a pcap file (magic 0x${m.toString(16).padStart(8, '0')})`, 0);
    this.nsRes = m === 0xa1b23c4d || m === 0x4d3cb2a1;
    const major = this.le ? b.readUInt16LE(p + 4) : b.readUInt16BE(p + 4);
    if (major !== 2) throw new CaptureFault(`unsupported pcap version ${major}`, 4);
    this.linkType = this.u32(b, p + 20) & 0xffff;
    if (!this.linkSupported(this.linkType)) {
      throw new CaptureFault(`unsupported link type ${this.linkType}`, 20);
    }
    this.headerDone = true;
  }

  private u32(b: Buffer, p: number): number {
    return this.le
      ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
      : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
}
