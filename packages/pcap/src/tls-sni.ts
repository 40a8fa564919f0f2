/**
 * Server name from a TLS ClientHello at the start of `b` (a client's first bytes).
 * Returns the host name, null when the hello has none (or is not a hello),
 * undefined when more bytes are needed.
 */
export function clientHelloSni(b: Buffer): string | null | undefined {
  // gather handshake bytes across records
  const hs: Buffer[] = [];
  let have = 0;
  let need = -1;
  let p = 0;
  while (p + 5 <= b.length) {
    if (b[p] !== 0x16 || b[p + 1] !== 0x03) return null;
    const rlen = (b[p + 3]! << 8) | b[p + 4]!;
    const body = b.subarray(p + 5, Math.min(b.length, p + 5 + rlen));
    hs.push(body);
    have += body.length;
    if (need < 0 && have >= 4) {
      const h = Buffer.concat(hs, have);
      if (h[0] !== 1) return null;
      need = 4 + ((h[1]! << 16) | (h[2]! << 8) | h[3]!);
    }
    if (need >= 0 && have >= need) return sniFromHello(Buffer.concat(hs, have).subarray(0, need));
    if (p + 5 + rlen > b.length) return undefined;
    p += 5 + rlen;
  }
  return undefined;
}

function sniFromHello(h: Buffer): string | null {
  let p = 4 + 2 + 32;
  if (p + 1 > h.length) return null;
  p += 1 + h[p]!;
  if (p + 2 > h.length) return null;
  p += 2 + ((h[p]! << 8) | h[p + 1]!);
  if (p + 1 > h.length) return null;
  p += 1 + h[p]!;
  if (p + 2 > h.length) return null;
  const extEnd = Math.min(h.length, p + 2 + ((h[p]! << 8) | h[p + 1]!));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = (h[p]! << 8) | h[p + 1]!;
    const len = (h[p + 2]! << 8) | h[p + 3]!;
    const d = p + 4;
    if (type === 0 && d + 2 <= extEnd) {
      let q = d + 2;
      const listEnd = Math.min(extEnd, q + ((h[d]! << 8) | h[d + 1]!));
      while (q + 3 <= listEnd) {
        const nt = h[q]!;
        const nl = (h[q + 1]! << 8) | h[q + 2]!;
        if (nt === 0 && q + 3 + nl <= listEnd) {
          const name = h.toString('latin1', q + 3, q + 3 + nl).toLowerCase();
          return /^[a-z0-9._-]+$/.test(name) ? name : null;
        }
        q += 3 + nl;
      }
      return null;
    }
    p = d + len;
  }
  return null;
}
