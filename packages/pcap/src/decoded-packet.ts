import type { IpFragments } from './ip-fragments.js';

/**
 * The TCP segment found inside one packet. One instance is reused for every
 * packet so the hot path allocates nothing. Addresses are kept as 32-bit words
 * (IPv4 uses only `s3`/`d3`).
 */
export class DecodedPacket {
  v6 = false;
  s0 = 0; s1 = 0; s2 = 0; s3 = 0;
  d0 = 0; d1 = 0; d2 = 0; d3 = 0;
  sport = 0;
  dport = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  /** TCP payload is buf[start, end). */
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** Tunnel nesting depth while decoding. */
  depth = 0;
  /** Capture time of the packet (ms), for fragment timeouts. */
  ts = 0;

  /** `frags`: where the IP fragments of these packets are put back together. */
  constructor(readonly frags: IpFragments) {}
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** Reasons are interned so counting them allocates nothing. */
const cache = new Map<string, string>();
export function reason(prefix: string, n: number, hex = false): string {
  const key = prefix + (hex ? n.toString(16).padStart(4, '0') : n);
  let r = cache.get(key);
  if (r === undefined) {
    r = key;
    if (cache.size < 4096) cache.set(key, r);
  }
  return r;
}
