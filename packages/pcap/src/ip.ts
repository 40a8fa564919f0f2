import { decodeEthernet, decodeEtherType } from './link.js';
import { type DecodedPacket, reason } from './decoded-packet.js';

const MAX_TUNNEL_DEPTH = 6;

export function decodeIpByVersion(p: DecodedPacket, b: Buffer, s: number, e: number): string | null {
  if (s >= e) return 'truncated-ip';
  const v = b[s]! >> 4;
  if (v === 4) return decodeIpv4(p, b, s, e);
  if (v === 6) return decodeIpv6(p, b, s, e);
  return 'not-ip';
}

export function decodeIpv4(p: DecodedPacket, b: Buffer, s: number, e: number): string | null {
  if (s + 20 > e) return 'truncated-ip';
  const vihl = b[s]!;
  if (vihl >> 4 !== 4) return 'bad-ip-header';
  const ihl = (vihl & 15) * 4;
  const total = (b[s + 2]! << 8) | b[s + 3]!;
  if (ihl < 20 || total < ihl) return 'bad-ip-header';
  // trims Ethernet padding; a total beyond the capture is snaplen truncation
  const end = s + total < e ? s + total : e;
  if (s + ihl > end) return 'truncated-ip';
  const frag = ((b[s + 6]! << 8) | b[s + 7]!) & 0x3fff;
  if (frag !== 0) {
    // a fragment cut by the snap length cannot be put back together
    return s + total > e ? 'ip-fragment-truncated' : fragmentV4(p, b, s, ihl, end, frag);
  }
  p.v6 = false;
  p.s0 = p.s1 = p.s2 = 0;
  p.d0 = p.d1 = p.d2 = 0;
  p.s3 = ((b[s + 12]! << 24) | (b[s + 13]! << 16) | (b[s + 14]! << 8) | b[s + 15]!) >>> 0;
  p.d3 = ((b[s + 16]! << 24) | (b[s + 17]! << 16) | (b[s + 18]! << 8) | b[s + 19]!) >>> 0;
  return decodeTransport(p, b[s + 9]!, b, s + ihl, end);
}

export function decodeIpv6(p: DecodedPacket, b: Buffer, s: number, e: number): string | null {
  if (s + 40 > e) return 'truncated-ip';
  if (b[s]! >> 4 !== 6) return 'bad-ip-header';
  const plen = (b[s + 4]! << 8) | b[s + 5]!;
  const end = plen !== 0 && s + 40 + plen < e ? s + 40 + plen : e;
  p.v6 = true;
  p.s0 = b.readUInt32BE(s + 8);
  p.s1 = b.readUInt32BE(s + 12);
  p.s2 = b.readUInt32BE(s + 16);
  p.s3 = b.readUInt32BE(s + 20);
  p.d0 = b.readUInt32BE(s + 24);
  p.d1 = b.readUInt32BE(s + 28);
  p.d2 = b.readUInt32BE(s + 32);
  p.d3 = b.readUInt32BE(s + 36);
  let next = b[s + 6]!;
  let o = s + 40;
  for (;;) {
    switch (next) {
      case 0: // hop-by-hop
      case 43: // routing
      case 60: // destination options
      case 135: // mobility
        if (o + 8 > end) return 'truncated-ip';
        next = b[o]!;
        o += (b[o + 1]! + 1) * 8;
        continue;
      case 44: {
        if (o + 8 > end) return 'truncated-ip';
        const fo = ((b[o + 2]! << 8) | b[o + 3]!) & 0xfff9;
        if (fo !== 0) return s + 40 + plen > e ? 'ip-fragment-truncated' : fragmentV6(p, b, s, o, end);
        next = b[o]!;
        o += 8;
        continue;
      }
      case 51: // authentication header
        if (o + 8 > end) return 'truncated-ip';
        next = b[o]!;
        o += (b[o + 1]! + 2) * 4;
        continue;
      case 59:
        return 'ipv6-no-next-header';
      default:
        if (o > end) return 'truncated-ip';
        return decodeTransport(p, next, b, o, end);
    }
  }
}

/** An IPv4 fragment: held, or the datagram it completes decoded in its place. */
function fragmentV4(p: DecodedPacket, b: Buffer, s: number, ihl: number, end: number, frag: number): string | null {
  const key = `4 ${b.readUInt32BE(s + 12)} ${b.readUInt32BE(s + 16)} ${b[s + 9]} ${(b[s + 4]! << 8) | b[s + 5]!}`;
  const offset = (frag & 0x1fff) * 8;
  const header = offset === 0 ? Buffer.from(b.subarray(s, s + ihl)) : null;
  const r = p.frags.add(key, p.ts, offset, (frag & 0x2000) !== 0, b, s + ihl, end, header, 65_535 - ihl);
  if (typeof r === 'string') return r;
  r.writeUInt16BE(r.length, 2); // total length
  r.writeUInt16BE(0, 6); // no fragment fields
  return decodeIpv4(p, r, 0, r.length);
}

/**
 * An IPv6 fragment (its fragment header at `o`): held, or the datagram it
 * completes decoded in its place, rebuilt as the fixed header followed by the
 * fragmentable part (extension headers before the fragment header are left out).
 */
function fragmentV6(p: DecodedPacket, b: Buffer, s: number, o: number, end: number): string | null {
  const w = (b[o + 2]! << 8) | b[o + 3]!;
  const offset = w & 0xfff8;
  const key = `6 ${b.toString('latin1', s + 8, s + 40)} ${b.readUInt32BE(o + 4)}`;
  let header: Buffer | null = null;
  if (offset === 0) {
    header = Buffer.from(b.subarray(s, s + 40));
    header[6] = b[o]!; // the next header after the fragment header
  }
  const r = p.frags.add(key, p.ts, offset, (w & 1) !== 0, b, o + 8, end, header, 65_535);
  if (typeof r === 'string') return r;
  r.writeUInt16BE(r.length - 40, 4); // payload length
  return decodeIpv6(p, r, 0, r.length);
}

function decodeTransport(p: DecodedPacket, proto: number, b: Buffer, o: number, e: number): string | null {
  switch (proto) {
    case 6:
      return decodeTcp(p, b, o, e);
    case 17:
      return decodeUdp(p, b, o, e);
    case 47:
      return decodeGre(p, b, o, e);
    case 4:
      return ++p.depth > MAX_TUNNEL_DEPTH ? 'tunnel-too-deep' : decodeIpv4(p, b, o, e);
    case 41:
      return ++p.depth > MAX_TUNNEL_DEPTH ? 'tunnel-too-deep' : decodeIpv6(p, b, o, e);
    case 1:
      return 'icmp';
    case 58:
      return 'icmpv6';
    case 50:
      return 'ipsec-esp';
    case 132:
      return 'sctp';
    default:
      return reason('ip-proto-', proto);
  }
}

function decodeTcp(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  if (o + 20 > e) return 'truncated-tcp';
  const off = (b[o + 12]! >> 4) * 4;
  if (off < 20) return 'bad-tcp-header';
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.seq = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  p.ack = ((b[o + 8]! << 24) | (b[o + 9]! << 16) | (b[o + 10]! << 8) | b[o + 11]!) >>> 0;
  p.flags = b[o + 13]!;
  p.buf = b;
  p.start = o + off < e ? o + off : e;
  p.end = e;
  return null;
}

/** UDP is only looked into for tunnels that carry TCP (VXLAN, Geneve, GTP-U, Teredo, AYIYA, GRE-in-UDP). */
function decodeUdp(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  if (o + 8 > e) return 'truncated-udp';
  const sport = (b[o]! << 8) | b[o + 1]!;
  const dport = (b[o + 2]! << 8) | b[o + 3]!;
  const ulen = (b[o + 4]! << 8) | b[o + 5]!;
  const end = ulen >= 8 && o + ulen < e ? o + ulen : e;
  const d = o + 8;
  if (p.depth >= MAX_TUNNEL_DEPTH) return 'tunnel-too-deep';
  const port = (x: number): boolean => sport === x || dport === x;
  if (port(4789)) {
    p.depth++;
    return d + 8 > end ? 'truncated-tunnel' : decodeEthernet(p, b, d + 8, end);
  }
  if (port(6081)) {
    if (d + 8 > end) return 'truncated-tunnel';
    p.depth++;
    const optLen = (b[d]! & 0x3f) * 4;
    return decodeEtherType(p, (b[d + 2]! << 8) | b[d + 3]!, b, d + 8 + optLen, end);
  }
  if (port(2152)) return decodeGtpU(p, b, d, end);
  if (port(3544)) return decodeTeredo(p, b, d, end);
  if (port(5072)) return decodeAyiya(p, b, d, end);
  if (port(4754)) return decodeGre(p, b, d, end);
  // Teredo relays use any port: an IPv6 header whose length fills the datagram
  if (teredoLike(b, d, end)) return decodeTeredo(p, b, d, end);
  return 'udp';
}

function decodeGtpU(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  if (o + 8 > e) return 'truncated-tunnel';
  const flags = b[o]!;
  if (flags >> 5 !== 1 || b[o + 1] !== 0xff) return 'gtp-control';
  let q = o + 8;
  if (flags & 0x07) {
    if (q + 4 > e) return 'truncated-tunnel';
    let ext = b[q + 3]!;
    q += 4;
    while (ext !== 0) {
      if (q + 1 > e) return 'truncated-tunnel';
      const n = b[q]! * 4;
      if (n === 0 || q + n > e) return 'truncated-tunnel';
      ext = b[q + n - 1]!;
      q += n;
    }
  }
  p.depth++;
  return decodeIpByVersion(p, b, q, e);
}

function teredoLike(b: Buffer, o: number, e: number): boolean {
  let q = o;
  if (q + 2 <= e && b[q] === 0 && b[q + 1] === 0) q += 8;
  if (q + 40 > e || b[q]! >> 4 !== 6) return false;
  return q + 40 + ((b[q + 4]! << 8) | b[q + 5]!) === e;
}

function decodeTeredo(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  let q = o;
  for (let i = 0; i < 2 && q + 2 <= e; i++) {
    if (b[q] !== 0) break;
    if (b[q + 1] === 1) {
      // authentication indicator
      if (q + 4 > e) return 'truncated-tunnel';
      q += 4 + b[q + 2]! + b[q + 3]! + 9;
    } else if (b[q + 1] === 0) {
      q += 8; // origin indication
    } else break;
  }
  if (q >= e || b[q]! >> 4 !== 6) return 'teredo-non-ipv6';
  p.depth++;
  return decodeIpv6(p, b, q, e);
}

function decodeAyiya(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  if (o + 8 > e) return 'truncated-tunnel';
  const idLen = 1 << (b[o]! >> 4);
  const sigLen = (b[o + 1]! >> 4) * 4;
  const next = b[o + 3]!;
  const q = o + 8 + idLen + sigLen;
  p.depth++;
  if (next === 41) return decodeIpv6(p, b, q, e);
  if (next === 4) return decodeIpv4(p, b, q, e);
  return 'ayiya-non-ip';
}

function decodeGre(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  if (o + 4 > e) return 'truncated-tunnel';
  if (p.depth >= MAX_TUNNEL_DEPTH) return 'tunnel-too-deep';
  const flags = (b[o]! << 8) | b[o + 1]!;
  const proto = (b[o + 2]! << 8) | b[o + 3]!;
  const version = flags & 7;
  let q = o + 4;
  if (flags & 0x8000) q += 4;
  if (flags & 0x2000) q += 4;
  if (flags & 0x1000) q += 4;
  if (version === 1 && flags & 0x0080) q += 4; // PPTP acknowledgment
  if (version > 1) return 'gre-unknown-version';
  if (q > e) return 'truncated-tunnel';
  p.depth++;
  switch (proto) {
    case 0x6558:
      return decodeEthernet(p, b, q, e);
    case 0x88be:
      // ERSPAN type II has an 8-byte header when the sequence bit is set; type I has none
      return decodeEthernet(p, b, flags & 0x1000 ? q + 8 : q, e);
    case 0x22eb: {
      // ERSPAN type III: 12 bytes, plus an 8-byte platform subheader when O is set
      if (q + 12 > e) return 'truncated-tunnel';
      return decodeEthernet(p, b, q + 12 + (b[q + 11]! & 1 ? 8 : 0), e);
    }
    case 0x880b: {
      // PPP in enhanced GRE (PPTP), address/control optional
      let r = q;
      if (b[r] === 0xff && b[r + 1] === 0x03) r += 2;
      const pp = b[r] === 0x21 ? 0x21 : (b[r]! << 8) | b[r + 1]!;
      if (pp === 0x21) return decodeIpv4(p, b, r + 1, e);
      if (pp === 0x0021) return decodeIpv4(p, b, r + 2, e);
      if (pp === 0x0057) return decodeIpv6(p, b, r + 2, e);
      return 'gre-ppp-non-ip';
    }
    default:
      return decodeEtherType(p, proto, b, q, e);
  }
}

/** MPLS label stack, then IP (by version nibble) or an Ethernet pseudowire. */
export function decodeMpls(p: DecodedPacket, b: Buffer, o: number, e: number): string | null {
  let q = o;
  for (;;) {
    if (q + 4 > e) return 'truncated-mpls';
    const bos = b[q + 2]! & 1;
    q += 4;
    if (bos) break;
  }
  if (q >= e) return 'truncated-mpls';
  const v = b[q]! >> 4;
  if (v === 4) return decodeIpv4(p, b, q, e);
  if (v === 6) return decodeIpv6(p, b, q, e);
  if (p.depth >= MAX_TUNNEL_DEPTH) return 'tunnel-too-deep';
  p.depth++;
  // pseudowire control word
  return decodeEthernet(p, b, v === 0 ? q + 4 : q, e);
}
