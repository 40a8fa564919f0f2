import type { Budget } from './budget.js';

/** Where the in-order byte stream of one direction goes. Views are valid only during the call. */
export interface StreamConsumer {
  data(buf: Buffer, start: number, end: number, tsMs: number): void;
  /** `len` bytes are missing from the stream (lost before the capture point). */
  gap(len: number, tsMs: number): void;
  /** The direction ended (FIN reached, RST, timeout or end of capture). */
  end(tsMs: number): void;
  /** A message head is cut short: missing bytes the peer acknowledged should be given up now. */
  waitingForHead(): boolean;
}

interface Segment {
  seq: number;
  data: Buffer;
  tsMs: number;
}

export interface ReassemblyCounters {
  gaps: number;
  gapBytes: number;
  outOfOrder: number;
  retransmittedBytes: number;
  evictions: number;
  evictedBytes: number;
}

/** A sequence distance beyond which a segment is taken as bogus rather than out of order. */
const MAX_WINDOW = 1 << 30;
/** Out-of-order segments held per direction (bounds the sorted insert on floods of tiny segments). */
export const MAX_PENDING_SEGMENTS = 2048;
/** Bookkeeping bytes counted per held segment, so tiny segments cannot dodge the byte caps. */
const SEGMENT_OVERHEAD = 64;

/**
 * Reassembles one direction of a TCP connection: out-of-order segments are held
 * and released in order, retransmitted and overlapping bytes are dropped (first
 * copy wins), sequence numbers wrap. A hole is given up as a gap when the peer
 * acknowledges data beyond it, when the stream ends, or when held bytes exceed
 * the per-flow or global cap.
 */
export class TcpReassembler {
  started = false;
  /** Stream began with a SYN we saw, so its first byte starts a message. */
  fromSyn = false;
  nextSeq = 0;
  /** Sequence number just after the last byte, once a FIN was seen. */
  finSeq = -1;
  ended = false;
  /** Stop delivering and holding (flow is not HTTP, or was upgraded). */
  discard = false;
  /** Highest acknowledgment the peer sent (valid when `peerAckSeen`). */
  peerAck = 0;
  peerAckSeen = false;
  pendingBytes = 0;
  delivered = 0;
  private pending: Segment[] = [];

  constructor(
    private readonly consumer: StreamConsumer,
    private readonly budget: Budget,
    private readonly counters: ReassemblyCounters,
    private readonly maxFlowBuffered: () => number,
  ) {}

  syn(seq: number): void {
    if (!this.started) {
      this.started = true;
      this.fromSyn = true;
      this.nextSeq = (seq + 1) >>> 0;
    }
  }

  /** One segment; `seq` is the sequence number of its first payload byte. */
  segment(seq: number, buf: Buffer, start: number, end: number, fin: boolean, tsMs: number): void {
    const len = end - start;
    if (!this.started) {
      if (len === 0) {
        if (fin) this.finish(tsMs);
        return;
      }
      this.started = true;
      this.nextSeq = seq;
    }
    if (fin) {
      const f = (seq + len) >>> 0;
      if (this.finSeq < 0) this.finSeq = f;
    }
    if (len > 0 && !this.ended) {
      const rel = (seq - this.nextSeq) | 0;
      if (rel <= 0) {
        const skip = -rel;
        if (skip < len) {
          if (skip > 0) this.counters.retransmittedBytes += skip;
          this.deliver(buf, start + skip, end, tsMs);
          if (this.pending.length > 0) this.drain();
        } else if (rel > -MAX_WINDOW) {
          this.counters.retransmittedBytes += len;
        }
      } else if (rel < MAX_WINDOW && !this.discard) {
        this.hold(seq, buf, start, end, tsMs);
      }
    }
    this.checkEnd(tsMs);
  }

  /**
   * The peer acknowledged `ack`: a hole below it will never be filled. When the
   * peer is also sending data (answering) while our side's message head is cut
   * short, bytes it acknowledged that we never saw are given up at once, so the
   * answer meets its (interrupted) question. Elsewhere the hole waits: the
   * bytes may only be late (capture points reorder the two directions).
   */
  ackFromPeer(ack: number, tsMs: number, withData: boolean): void {
    if (!this.peerAckSeen || ((ack - this.peerAck) | 0) > 0) {
      this.peerAck = ack;
      this.peerAckSeen = true;
    }
    if (this.pending.length > 0) this.skipAckedHoles(tsMs);
    else if (withData && this.started && !this.ended && !this.discard && this.consumer.waitingForHead()) {
      const missing = (ack - this.nextSeq) | 0;
      // a FIN we saw takes one sequence number
      const fin = this.finSeq >= 0 && ((ack - this.finSeq) | 0) <= 1 && ((this.nextSeq - this.finSeq) | 0) >= 0;
      if (missing > 0 && missing < MAX_WINDOW && !fin) this.gap(missing, tsMs);
    }
  }

  /** End of the connection (RST, timeout, end of capture): give up every hole. */
  close(tsMs: number): void {
    while (this.pending.length > 0) this.skipHole(tsMs);
    if (!this.ended && this.finSeq >= 0 && this.started) {
      const missing = (this.finSeq - this.nextSeq) | 0;
      if (missing > 0 && missing < MAX_WINDOW) this.gap(missing, tsMs);
    }
    this.finish(tsMs);
  }

  private finish(tsMs: number): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.discard) this.consumer.end(tsMs);
  }

  /** Drops held data (the flow turned out not to be HTTP). */
  release(): void {
    for (const s of this.pending) this.budget.sub(s.data.length + SEGMENT_OVERHEAD);
    this.pending = [];
    this.pendingBytes = 0;
  }

  private deliver(buf: Buffer, start: number, end: number, tsMs: number): void {
    this.nextSeq = (this.nextSeq + (end - start)) >>> 0;
    this.delivered += end - start;
    if (!this.discard) this.consumer.data(buf, start, end, tsMs);
  }

  private gap(len: number, tsMs: number): void {
    this.counters.gaps++;
    this.counters.gapBytes += len;
    this.nextSeq = (this.nextSeq + len) >>> 0;
    if (!this.discard) this.consumer.gap(len, tsMs);
  }

  private hold(seq: number, buf: Buffer, start: number, end: number, tsMs: number): void {
    const len = end - start;
    this.counters.outOfOrder++;
    const data = Buffer.allocUnsafe(len);
    buf.copy(data, 0, start, end);
    const p = this.pending;
    let i = p.length;
    while (i > 0 && ((p[i - 1]!.seq - seq) | 0) > 0) i--;
    if (i > 0 && p[i - 1]!.seq === seq && p[i - 1]!.data.length >= len) {
      this.counters.retransmittedBytes += len;
      return;
    }
    p.splice(i, 0, { seq, data, tsMs });
    this.pendingBytes += len + SEGMENT_OVERHEAD;
    this.budget.add(len + SEGMENT_OVERHEAD);
    if (this.peerAckSeen) this.skipAckedHoles(tsMs);
    while (
      this.pending.length > 0 &&
      (this.pendingBytes > this.maxFlowBuffered() || this.budget.held > this.budget.max || this.pending.length > MAX_PENDING_SEGMENTS)
    ) {
      this.counters.evictions++;
      this.counters.evictedBytes += this.pending[0]!.data.length;
      this.skipHole(tsMs);
    }
  }

  private skipAckedHoles(tsMs: number): void {
    // the peer has bytes up to peerAck: any hole below is lost for good
    while (this.pending.length > 0 && ((this.peerAck - this.pending[0]!.seq) | 0) > 0) this.skipHole(tsMs);
  }

  /** Skips the hole before the first held segment and releases what follows in order. */
  private skipHole(tsMs: number): void {
    const first = this.pending[0]!;
    const missing = (first.seq - this.nextSeq) | 0;
    if (missing > 0) this.gap(missing, first.tsMs > tsMs ? tsMs : first.tsMs);
    this.drain();
  }

  private drain(): void {
    // `pending` is re-read each time: delivering may release it (the flow turned out not to be HTTP)
    while (this.pending.length > 0) {
      const s = this.pending[0]!;
      const rel = (s.seq - this.nextSeq) | 0;
      if (rel > 0) break;
      this.pending.shift();
      this.pendingBytes -= s.data.length + SEGMENT_OVERHEAD;
      this.budget.sub(s.data.length + SEGMENT_OVERHEAD);
      const skip = -rel;
      if (skip < s.data.length) this.deliver(s.data, skip, s.data.length, s.tsMs);
      else this.counters.retransmittedBytes += s.data.length;
    }
  }

  private checkEnd(tsMs: number): void {
    if (!this.ended && this.finSeq >= 0 && ((this.nextSeq - this.finSeq) | 0) >= 0) this.finish(tsMs);
  }
}
