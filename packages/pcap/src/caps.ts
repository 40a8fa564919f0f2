/** Limits that keep memory bounded on any input. Every one is counted in stats when it bites. */
export interface CaptureCaps {
  /** Largest packet record accepted (bytes captured); a bigger claim is a fault. */
  maxPacketBytes: number;
  /** Body bytes kept per message after decoding; `length` still counts the whole entity. */
  maxBodyBytes: number;
  /** Encoded (compressed) body bytes held per message for decoding. */
  maxEncodedBytes: number;
  /** Decoded bytes produced per body before decoding stops (`decode-capped`). */
  maxDecodedBytes: number;
  /** Decoded/encoded ratio allowed beyond `decodeRatioFloor` decoded bytes. */
  maxDecodeRatio: number;
  decodeRatioFloor: number;
  /** Size of one message header block. */
  maxHeaderBytes: number;
  /** Out-of-order bytes held per flow (both directions) before a hole is given up as a gap. */
  maxFlowBufferedBytes: number;
  /** Out-of-order, header, body and encoded bytes held across all flows. */
  maxTotalBufferedBytes: number;
  /** Open TCP flows tracked at once; the least recently active are evicted beyond this. */
  maxFlows: number;
  /** A flow with no packet for this long (capture time) is closed. */
  idleTimeoutMs: number;
  /** Requests waiting for a response on one connection. */
  maxPendingRequests: number;
  /**
   * Memory parsed messages hold until their exchange is made (an estimate from
   * their strings and headers), across flows: past it, the least recently
   * active flows are closed, their requests made into exchanges without an
   * answer (`flowsEvicted`).
   */
  maxMessageBytes: number;
  /** IP datagrams being put back together from fragments at once. */
  maxFragmentDatagrams: number;
  /** Fragment bytes held across those datagrams. */
  maxFragmentBytes: number;
  /** A datagram not complete this long after its first fragment (capture time) is given up. */
  fragmentTimeoutMs: number;
}

export const defaultCaps: Readonly<CaptureCaps> = Object.freeze({
  maxPacketBytes: 262_144,
  maxBodyBytes: 1_048_576,
  maxEncodedBytes: 8_388_608,
  maxDecodedBytes: 16_777_216,
  maxDecodeRatio: 100,
  decodeRatioFloor: 262_144,
  maxHeaderBytes: 65_536,
  maxFlowBufferedBytes: 4_194_304,
  maxTotalBufferedBytes: 134_217_728,
  maxFlows: 65_536,
  idleTimeoutMs: 300_000,
  maxPendingRequests: 100,
  maxMessageBytes: 67_108_864,
  maxFragmentDatagrams: 1024,
  maxFragmentBytes: 8_388_608,
  // Linux's ipfrag_time
  fragmentTimeoutMs: 30_000,
});

/** A fault in the capture container, at an absolute byte offset. */
export class CaptureFault extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'CaptureFault';
  }
}

/** What `PacketSink.records` read (one object, reused). */
export interface RecordsRead {
  bytes: number;
  packets: number;
  /** Stopped only to let the sink do something between records (the idle sweep): call again rather than read the next record one at a time. */
  again: boolean;
}

/** Receives each packet record. `buf` is a view valid only during the call: copy what you keep. */
export interface PacketSink {
  packet(buf: Buffer, start: number, end: number, origLen: number, tsMs: number, linkType: number): void;
  /**
   * Optional: reads as many whole classic pcap records from buf[start, end)
   * as it can itself (the fast path); returns the bytes consumed (0: none)
   * and how many packets they held.
   */
  records?(buf: Buffer, start: number, end: number, le: boolean, ns: boolean, linkType: number): RecordsRead;
  /** A packet from an interface whose link type cannot be decoded. */
  unsupportedLink(linkType: number): void;
}
