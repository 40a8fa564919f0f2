/**
 * IP fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5). Plain HTTP rarely
 * fragments, but tunnels do: a GTP-U or VXLAN packet that was full-size inside
 * the tunnel no longer fits the outer MTU, and every one of its TCP segments
 * arrives in two IP fragments.
 *
 * Bounded, because fragments are the classic way to exhaust a reassembler:
 * at most `maxDatagrams` datagrams pending and `maxBytes` across them, each at
 * most 65,535 bytes in MAX_PARTS pieces, and a datagram not complete within
 * `timeoutMs` of capture time is given up (see CaptureCaps). Fragments that overlap with
 * different bytes drop their datagram: two readers of such a packet (the
 * server and a sensor) may each see a different stream, so neither reading is
 * trusted (Zeek logs this as a fragment inconsistency).
 */

/** Pieces per datagram: 65,535 bytes in 1,480-byte Ethernet fragments take 45. */
const MAX_PARTS = 64;

export interface FragmentLimits {
  maxDatagrams: number;
  maxBytes: number;
  timeoutMs: number;
}

interface Part {
  offset: number;
  bytes: Buffer;
}

interface Datagram {
  firstTs: number;
  /** The IP header to put in front of the whole payload, taken from the first fragment. */
  header: Buffer | null;
  parts: Part[];
  /** Payload length, known once the last fragment (no "more fragments") is seen; -1 before. */
  total: number;
  held: number;
}

/** What decoding a fragment that is held (not lost) returns: its datagram is decoded with the last one. */
export const FRAGMENT_HELD = 'ip-fragment';

export class IpFragments {
  private readonly pending = new Map<string, Datagram>();
  private held = 0;
  /** Fragments taken in, and datagrams put back together from them. */
  fragments = 0;
  reassembled = 0;

  /** `count` receives what happens to whole datagrams: timed out, or incomplete at the end. */
  constructor(
    private readonly lim: FragmentLimits,
    private readonly count: (reason: string) => void,
  ) {}

  /**
   * One fragment: payload bytes b[s, e) at `offset` in the datagram `key`;
   * `header` is the IP header to rebuild the datagram with, given (a copy)
   * only by the fragment at offset 0. Returns the whole datagram (header +
   * payload, a fresh buffer; its length fields are the caller's to fix) once
   * complete; otherwise why this packet is not decoded on its own: held
   * (FRAGMENT_HELD), or its datagram dropped.
   */
  add(key: string, ts: number, offset: number, more: boolean, b: Buffer, s: number, e: number, header: Buffer | null, maxPayload: number): Buffer | string {
    this.expire(ts);
    const len = e - s;
    if (this.held + len > this.lim.maxBytes) return 'ip-fragment-over-cap';
    let d = this.pending.get(key);
    if (!d) {
      if (this.pending.size >= this.lim.maxDatagrams) return 'ip-fragment-over-cap';
      d = { firstTs: ts, header: null, parts: [], total: -1, held: 0 };
      this.pending.set(key, d);
    }
    const end = offset + len;
    if (end > maxPayload || d.parts.length >= MAX_PARTS || (d.total >= 0 && (end > d.total || (!more && end !== d.total)))) {
      return this.drop(key, d, 'ip-fragment-malformed');
    }
    if (!more) {
      // data already held beyond the announced end
      for (const p of d.parts) if (p.offset + p.bytes.length > end) return this.drop(key, d, 'ip-fragment-malformed');
      d.total = end;
    }
    if (header && !d.header) d.header = header;
    this.fragments++;
    d.parts.push({ offset, bytes: Buffer.from(b.subarray(s, e)) });
    d.held += len;
    this.held += len;
    if (d.total < 0 || !d.header) return FRAGMENT_HELD;
    const whole = assemble(d);
    if (whole === undefined) return this.drop(key, d, 'ip-fragment-overlap');
    if (whole === null) return FRAGMENT_HELD;
    this.forget(key, d);
    this.reassembled++;
    return whole;
  }

  /** The end of the capture: what is still pending never completed. */
  flush(): void {
    for (const [key, d] of this.pending) this.count(this.drop(key, d, 'ip-fragment-incomplete'));
  }

  private expire(ts: number): void {
    // insertion order is age order
    for (const [key, d] of this.pending) {
      if (ts - d.firstTs <= this.lim.timeoutMs) break;
      this.count(this.drop(key, d, 'ip-fragment-timeout'));
    }
  }

  private drop(key: string, d: Datagram, reason: string): string {
    this.forget(key, d);
    return reason;
  }

  private forget(key: string, d: Datagram): void {
    this.held -= d.held;
    this.pending.delete(key);
  }
}

/** Header + payload when every byte is there; null while some are missing; undefined when overlaps disagree. */
function assemble(d: Datagram): Buffer | null | undefined {
  const parts = d.parts.slice().sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const p of parts) {
    if (p.offset > covered) return null;
    covered = Math.max(covered, p.offset + p.bytes.length);
  }
  if (covered < d.total) return null;
  const h = d.header!;
  const out = Buffer.allocUnsafe(h.length + d.total);
  h.copy(out, 0);
  let written = 0;
  for (const p of parts) {
    const end = p.offset + p.bytes.length;
    const overlap = Math.min(written, end) - p.offset;
    if (overlap > 0 && !p.bytes.subarray(0, overlap).equals(out.subarray(h.length + p.offset, h.length + p.offset + overlap))) return undefined;
    if (end > written) {
      p.bytes.copy(out, h.length + written, written - p.offset);
      written = end;
    }
  }
  return out;
}
