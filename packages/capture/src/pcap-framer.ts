/**
 * Cuts a classic pcap byte stream (what `tcpdump -w -` writes) into frames
 * that hold whole packet records only, so that any frame after the first can
 * be dropped under overload and the rest is still a valid capture: the pcap
 * engine then sees a gap in the TCP streams, not a broken file.
 *
 * A stream that is not classic pcap (pcapng, or records whose length makes no
 * sense) is passed through unframed: `sheddable` is then false.
 */
export interface Frame {
  bytes: Buffer;
  packets: number;
  /** False for the file header and for unframed streams: such a frame must not be dropped. */
  sheddable: boolean;
}

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const MAX_RECORD = 16 * 1024 * 1024;

export class PcapFramer {
  private tail: Buffer | undefined;
  private headerDone = false;
  private littleEndian = true;
  private framing = true;

  /** Frames of whole records in `chunk` (with what was left over from the last chunk). */
  push(chunk: Buffer): Frame[] {
    let buf = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = undefined;
    const out: Frame[] = [];
    if (!this.framing) return buf.length ? [{ bytes: buf, packets: 0, sheddable: false }] : [];
    if (!this.headerDone) {
      if (buf.length < GLOBAL_HEADER) {
        this.tail = buf;
        return out;
      }
      const magic = buf.readUInt32LE(0);
      if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.littleEndian = true;
      else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) this.littleEndian = false;
      else {
        this.framing = false;
        return [{ bytes: buf, packets: 0, sheddable: false }];
      }
      this.headerDone = true;
      out.push({ bytes: Buffer.from(buf.subarray(0, GLOBAL_HEADER)), packets: 0, sheddable: false });
      buf = buf.subarray(GLOBAL_HEADER);
    }
    let off = 0;
    let packets = 0;
    while (buf.length - off >= RECORD_HEADER) {
      const incl = this.littleEndian ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
      if (incl > MAX_RECORD) {
        // Not a record we understand: stop framing, let the pcap engine report it.
        this.framing = false;
        out.push({ bytes: buf, packets: 0, sheddable: false });
        return out;
      }
      if (buf.length - off < RECORD_HEADER + incl) break;
      off += RECORD_HEADER + incl;
      packets++;
    }
    if (off > 0) out.push({ bytes: off === buf.length ? buf : buf.subarray(0, off), packets, sheddable: true });
    if (off < buf.length) this.tail = Buffer.from(buf.subarray(off));
    return out;
  }

  /** Bytes held waiting for the rest of a record. */
  get held(): number {
    return this.tail?.length ?? 0;
  }
}
