import { decodeIpByVersion, decodeIpv4, decodeIpv6, decodeMpls } from './ip.js';
import { type DecodedPacket, reason } from './decoded-packet.js';

/** Link types this package decodes (LINKTYPE_* values). */
export const LINK_NULL = 0;
export const LINK_ETHERNET = 1;
export const LINK_RAW_OLD = 12;
export const LINK_RAW_OPENBSD = 14;
export const LINK_RAW = 101;
export const LINK_LOOP = 108;
export const LINK_SLL = 113;
export const LINK_IPV4 = 228;
export const LINK_IPV6 = 229;
export const LINK_NFLOG = 239;
export const LINK_SLL2 = 276;
export const LINK_IEEE802_11 = 105;
export const LINK_RADIOTAP = 127;

const SUPPORTED = new Set([LINK_NULL, LINK_ETHERNET, LINK_RAW_OLD, LINK_RAW_OPENBSD, LINK_RAW, LINK_LOOP, LINK_SLL, LINK_IPV4, LINK_IPV6, LINK_NFLOG, LINK_SLL2, LINK_IEEE802_11, LINK_RADIOTAP]);

export function linkSupported(linkType: number): boolean {
  return SUPPORTED.has(linkType);
}

/**
 * Decodes from the link layer down to TCP. Returns null when `p` holds a TCP
 * segment, else the reason the packet is skipped.
 */
export function decodeLink(p: DecodedPacket, linkType: number, b: Buffer, s: number, e: number): string | null {
  p.depth = 0;
  switch (linkType) {
    case LINK_ETHERNET:
      return decodeEthernet(p, b, s, e);
    case LINK_RAW:
    case LINK_RAW_OLD:
    case LINK_RAW_OPENBSD:
      return decodeIpByVersion(p, b, s, e);
    case LINK_IPV4:
      return decodeIpv4(p, b, s, e);
    case LINK_IPV6:
      return decodeIpv6(p, b, s, e);
    case LINK_NULL:
    case LINK_LOOP:
      // address family in either byte order; the IP version nibble is enough
      return s + 4 > e ? 'truncated-link' : decodeIpByVersion(p, b, s + 4, e);
    case LINK_SLL:
      return s + 16 > e ? 'truncated-link' : decodeEtherType(p, (b[s + 14]! << 8) | b[s + 15]!, b, s + 16, e);
    case LINK_SLL2:
      return s + 20 > e ? 'truncated-link' : decodeEtherType(p, (b[s]! << 8) | b[s + 1]!, b, s + 20, e);
    case LINK_NFLOG:
      return decodeNflog(p, b, s, e);
    case LINK_RADIOTAP:
      // radiotap header length is little-endian at offset 2
      return s + 4 > e ? 'truncated-link' : decode80211(p, b, s + (b[s + 2]! | (b[s + 3]! << 8)), e);
    case LINK_IEEE802_11:
      return decode80211(p, b, s, e);
    default:
      return reason('linktype-', linkType);
  }
}

export function decodeEthernet(p: DecodedPacket, b: Buffer, s: number, e: number): string | null {
  if (s + 14 > e) return 'truncated-link';
  let o = s + 12;
  let type = (b[o]! << 8) | b[o + 1]!;
  o += 2;
  // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag, stacked any number of times
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
    if (o + 4 > e) return 'truncated-link';
    type = (b[o + 2]! << 8) | b[o + 3]!;
    o += 4;
  }
  return decodeEtherType(p, type, b, o, e);
}

export function decodeEtherType(p: DecodedPacket, type: number, b: Buffer, o: number, e: number): string | null {
  switch (type) {
    case 0x0800:
      return decodeIpv4(p, b, o, e);
    case 0x86dd:
      return decodeIpv6(p, b, o, e);
    case 0x8100:
    case 0x88a8:
    case 0x9100:
      if (o + 4 > e) return 'truncated-link';
      return decodeEtherType(p, (b[o + 2]! << 8) | b[o + 3]!, b, o + 4, e);
    case 0x8847:
    case 0x8848:
      return decodeMpls(p, b, o, e);
    case 0x6558:
      // transparent Ethernet bridging (Geneve, NVGRE)
      return ++p.depth > 6 ? 'tunnel-too-deep' : decodeEthernet(p, b, o, e);
    case 0x8864: {
      // PPPoE session: 6-byte header, then the PPP protocol
      if (o + 8 > e) return 'truncated-link';
      const ppp = (b[o + 6]! << 8) | b[o + 7]!;
      if (ppp === 0x0021) return decodeIpv4(p, b, o + 8, e);
      if (ppp === 0x0057) return decodeIpv6(p, b, o + 8, e);
      return 'pppoe-non-ip';
    }
    case 0x0806:
      return 'arp';
    default:
      if (type < 0x0600) {
        // 802.3 length: LLC, and SNAP (AA AA 03, OUI) carrying an EtherType
        if (o + 8 <= e && b[o] === 0xaa && b[o + 1] === 0xaa && b[o + 2] === 0x03) {
          return decodeEtherType(p, (b[o + 6]! << 8) | b[o + 7]!, b, o + 8, e);
        }
        return 'llc';
      }
      return reason('ethertype-0x', type, true);
  }
}

/** 802.11 data frames in the clear (monitor mode): MAC header, then LLC/SNAP with an EtherType. */
function decode80211(p: DecodedPacket, b: Buffer, s: number, e: number): string | null {
  if (s + 24 > e) return 'truncated-link';
  const fc0 = b[s]!;
  const fc1 = b[s + 1]!;
  if (((fc0 >> 2) & 3) !== 2) return 'wlan-non-data';
  if (fc1 & 0x40) return 'wlan-protected';
  let o = s + 24;
  if ((fc1 & 3) === 3) o += 6; // four addresses (WDS)
  if (fc0 & 0x80) o += 2; // QoS data
  if (o + 8 > e || b[o] !== 0xaa || b[o + 1] !== 0xaa) return 'wlan-no-snap';
  return decodeEtherType(p, (b[o + 6]! << 8) | b[o + 7]!, b, o + 8, e);
}

/** NFLOG: TLVs in host byte order; type 9 is the packet payload. */
function decodeNflog(p: DecodedPacket, b: Buffer, s: number, e: number): string | null {
  let o = s + 4;
  while (o + 4 <= e) {
    let len = b[o]! | (b[o + 1]! << 8);
    let type = b[o + 2]! | (b[o + 3]! << 8);
    if (o + len > e + 3) {
      // written by a big-endian host
      len = (b[o]! << 8) | b[o + 1]!;
      type = (b[o + 2]! << 8) | b[o + 3]!;
    }
    if (len < 4) return 'truncated-link';
    if ((type & 0x7fff) === 9) return decodeIpByVersion(p, b, o + 4, Math.min(e, o + len));
    o += (len + 3) & ~3;
  }
  return 'nflog-no-payload';
}
