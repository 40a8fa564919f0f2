import { Carry } from './carry.js';
import { CaptureFault, type PacketSink } from './caps.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;
/** Non-packet blocks bigger than this are skipped without being held. */
const MAX_HELD_META_BLOCK = 1_048_576;

interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per millisecond. */
  unitsPerMs: number;
  offsetMs: number;
  supported: boolean;
}

/**
 * pcapng reader, fed chunk by chunk: SHB (either byte order, several sections),
 * IDB with if_tsresol/if_tsoffset, EPB, SPB, OPB; other blocks are skipped
 * without being buffered.
 */
export class PcapngReader {
  offset = 0;
  packets = 0;
  private le = true;
  private sectionSeen = false;
  private ifaces: Iface[] = [];
  /** Bytes of an uninteresting block still to skip. */
  private skip = 0;
  private readonly carry = new Carry();

  constructor(
    private readonly sink: PacketSink,
    private readonly maxPacketBytes: number,
    private readonly linkSupported: (linkType: number) => boolean,
  ) {}

  /** Link types of the interfaces declared so far (for the "only interface" rule). */
  get linkTypes(): number[] {
    return this.ifaces.map((i) => i.linkType);
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const len = chunk.length;
    const carry = this.carry;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, len - pos);
        this.skip -= n;
        pos += n;
        this.offset += n;
        if (this.skip > 0) return;
      }
      if (carry.len === 0) break;
      const need = this.needed(carry.buf, 0, carry.len);
      if (need < 0) {
        // a skipped block whose first bytes are already held
        this.skip -= carry.len;
        this.offset += carry.len;
        carry.reset();
        continue;
      }
      if (carry.len >= need) {
        this.consume(carry.buf, 0, need);
        carry.reset();
        continue;
      }
      const take = Math.min(need - carry.len, len - pos);
      carry.append(chunk, pos, pos + take);
      pos += take;
      if (carry.len < need) return;
    }
    for (;;) {
      const avail = len - pos;
      if (avail <= 0) return;
      const n = this.needed(chunk, pos, avail);
      if (n < 0) {
        const s = Math.min(this.skip, avail);
        this.skip -= s;
        pos += s;
        this.offset += s;
        if (this.skip > 0) return;
        continue;
      }
      if (n > avail) break;
      this.consume(chunk, pos, n);
      pos += n;
    }
    if (pos < len) carry.append(chunk, pos, len);
  }

  end(): void {
    if (!this.sectionSeen && this.offset === 0 && this.carry.len === 0) throw new CaptureFault('empty input', 0);
    if (this.carry.len > 0 || this.skip > 0) {
      throw new CaptureFault('file ends inside a pcapng block', this.offset);
    }
  }

  /**
   * Total length of the block starting at `p`, or the bytes needed to learn it;
   * -1 when the block is to be skipped (then `skip` is set to its length).
   */
  private needed(b: Buffer, p: number, avail: number): number {
    if (avail < 12) return 12;
    const type0 = b.readUInt32BE(p);
    if (type0 === SHB) {
      const bom = b.readUInt32BE(p + 8);
      if (bom === 0x1a2b3c4d) this.le = false;
      else if (bom === 0x4d3c2b1a) this.le = true;
      else throw new CaptureFault('pcapng section header with a bad byte-order magic', this.offset + 8);
    } else if (!this.sectionSeen) {
      throw new CaptureFault(`not a pcapng file (first block type 0x${type0.toString(16)})`, this.offset);
    }
    const type = this.u32(b, p);
    const blen = this.u32(b, p + 4);
    if (blen < 12 || blen % 4 !== 0) {
      throw new CaptureFault(`corrupt pcapng block length ${blen}`, this.offset + 4);
    }
    if (type === EPB || type === SPB || type === OPB) {
      if (blen > this.maxPacketBytes + 64 + 65_536) {
        throw new CaptureFault(`pcapng packet block claims ${blen} bytes, more than the limit`, this.offset + 4);
      }
      return blen;
    }
    if (type === SHB || type === IDB) {
      if (blen > MAX_HELD_META_BLOCK) throw new CaptureFault(`pcapng ${type === SHB ? 'section header' : 'interface'} block claims ${blen} bytes`, this.offset + 4);
      return blen;
    }
    this.skip = blen;
    return -1;
  }

  private consume(b: Buffer, p: number, n: number): void {
    if (this.u32(b, p + n - 4) !== this.u32(b, p + 4)) {
      throw new CaptureFault('corrupt pcapng block: trailing length differs from the leading one', this.offset + n - 4);
    }
    const type = b.readUInt32BE(p) === SHB ? SHB : this.u32(b, p);
    if (type === SHB) {
      this.sectionSeen = true;
      this.ifaces = [];
    } else if (type === IDB) {
      this.readIdb(b, p, n);
    } else if (type === EPB || type === OPB) {
      const isEpb = type === EPB;
      const id = isEpb ? this.u32(b, p + 8) : this.u16(b, p + 8);
      const iface = this.ifaces[id];
      if (!iface) throw new CaptureFault(`packet for undeclared interface ${id}`, this.offset + 8);
      const cap = this.u32(b, p + 20);
      const orig = this.u32(b, p + 24);
      if (28 + cap > n - 4) throw new CaptureFault(`packet block claims ${cap} captured bytes, more than the block holds`, this.offset + 20);
      this.deliver(iface, b, p + 28, p + 28 + cap, orig, this.u32(b, p + 12), this.u32(b, p + 16));
    } else if (type === SPB) {
      const iface = this.ifaces[0];
      if (!iface) throw new CaptureFault('simple packet block without an interface', this.offset);
      const orig = this.u32(b, p + 8);
      let cap = Math.min(orig, n - 16);
      if (iface.snapLen > 0) cap = Math.min(cap, iface.snapLen);
      this.deliver(iface, b, p + 12, p + 12 + cap, orig, -1, 0);
    }
    this.offset += n;
  }

  private deliver(iface: Iface, b: Buffer, s: number, e: number, orig: number, hi: number, lo: number): void {
    this.packets++;
    if (!iface.supported) {
      this.sink.unsupportedLink(iface.linkType);
      return;
    }
    const tsMs = hi < 0 ? 0 : (hi * 4294967296 + lo) / iface.unitsPerMs + iface.offsetMs;
    this.sink.packet(b, s, e, orig, tsMs, iface.linkType);
  }

  private readIdb(b: Buffer, p: number, n: number): void {
    const linkType = this.u16(b, p + 8);
    const snapLen = this.u32(b, p + 12);
    let unitsPerSec = 1e6;
    let offsetMs = 0;
    let o = p + 16;
    const end = p + n - 4;
    while (o + 4 <= end) {
      const code = this.u16(b, o);
      const olen = this.u16(b, o + 2);
      if (code === 0) break;
      if (o + 4 + olen > end) break;
      if (code === 9 && olen >= 1) {
        const v = b[o + 4]!;
        unitsPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === 14 && olen >= 8) {
        offsetMs = (this.u32(b, this.le ? o + 8 : o + 4) * 4294967296 + this.u32(b, this.le ? o + 4 : o + 8)) * 1000;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    if (!(unitsPerSec > 0 && Number.isFinite(unitsPerSec))) unitsPerSec = 1e6;
    this.ifaces.push({ linkType, snapLen, unitsPerMs: unitsPerSec / 1000, offsetMs, supported: this.linkSupported(linkType) });
  }

  private u16(b: Buffer, p: number): number {
    return this.le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }

  private u32(b: Buffer, p: number): number {
    return this.le
      ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
      : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
}
