/** Small hand-built captures: packets, pcap and pcapng blocks written byte by byte (not mocks of the reader). */

export interface Pkt {
  data: Buffer;
  tsMs: number;
}

export function ipv4Tcp(src: number[], dst: number[], sport: number, dport: number, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(40 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(src).copy(ip, 12);
  Buffer.from(dst).copy(ip, 16);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 0x50;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  return Buffer.concat([eth, ip, tcp, payload]);
}

/** One HTTP exchange on a fresh connection: handshake, request, response, FINs. */
export function httpConversation(path: string, t0 = 1_700_000_000_000, port = 40000, rawRequest?: Buffer, isn: [number, number] = [1000, 5000]): Pkt[] {
  const req: Buffer = rawRequest ?? Buffer.from(`GET ${path} HTTP/1.1\r\nHost: fixture.local\r\n\r\n`);
  const body = '{"ok":true}';
  const res = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  return tcpConversation([[true, req], [false, res]], { t0, clientPort: port, isn });
}

/**
 * A TCP connection from 10.0.0.1 to 10.0.0.2: handshake, then each turn as
 * one segment from the client (true) or the server, then FINs. One packet per
 * millisecond from `t0`.
 */
export function tcpConversation(
  turns: Array<[fromClient: boolean, payload: Buffer]>,
  { t0 = 1_700_000_000_000, clientPort = 40000, serverPort = 80, isn = [1000, 5000] }: { t0?: number; clientPort?: number; serverPort?: number; isn?: [number, number] } = {},
): Pkt[] {
  const c = [10, 0, 0, 1];
  const s = [10, 0, 0, 2];
  let cs = isn[0];
  let ss = isn[1];
  const out: Pkt[] = [];
  const add = (fromClient: boolean, flags: number, payload: Buffer = Buffer.alloc(0)): void => {
    const p = fromClient ? ipv4Tcp(c, s, clientPort, serverPort, cs, ss, flags, payload) : ipv4Tcp(s, c, serverPort, clientPort, ss, cs, flags, payload);
    out.push({ data: p, tsMs: t0 + out.length });
    const adv = payload.length + (flags & 0x03 ? 1 : 0);
    if (fromClient) cs = (cs + adv) >>> 0;
    else ss = (ss + adv) >>> 0;
  };
  add(true, 0x02);
  add(false, 0x12);
  add(true, 0x10);
  for (const [fromClient, payload] of turns) add(fromClient, 0x18, payload);
  add(true, 0x11);
  add(false, 0x11);
  add(true, 0x10);
  return out;
}

/** A response body sent as `n` one-byte segments in reverse order (a reassembly stress). */
export function reversedTinySegments(n: number, t0 = 1_700_000_000_000): Pkt[] {
  const c = [10, 0, 0, 1];
  const s = [10, 0, 0, 2];
  const req = Buffer.from('GET /flood HTTP/1.1\r\nHost: fixture.local\r\n\r\n');
  const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${n}\r\n\r\n`);
  const out: Pkt[] = [];
  out.push({ data: ipv4Tcp(c, s, 40000, 80, 1000, 0, 0x02, Buffer.alloc(0)), tsMs: t0 });
  out.push({ data: ipv4Tcp(s, c, 80, 40000, 5000, 1001, 0x12, Buffer.alloc(0)), tsMs: t0 });
  out.push({ data: ipv4Tcp(c, s, 40000, 80, 1001, 5001, 0x18, req), tsMs: t0 + 1 });
  out.push({ data: ipv4Tcp(s, c, 80, 40000, 5001, 1001 + req.length, 0x18, head), tsMs: t0 + 2 });
  const base = 5001 + head.length;
  for (let i = n - 1; i >= 0; i--) out.push({ data: ipv4Tcp(s, c, 80, 40000, base + i, 1001 + req.length, 0x10, Buffer.from('x')), tsMs: t0 + 3 });
  return out;
}

/**
 * `conns` connections, each pipelining `reqs` request heads of 12,000
 * one-line headers (~60 KB) that are never answered: no FIN, so they wait
 * until the capture ends (a memory stress). Packets in time order.
 */
export function unansweredRequests(conns: number, reqs: number): Pkt[] {
  const head = Buffer.from('GET /x HTTP/1.1\r\nHost: h\r\n' + 'a:b\r\n'.repeat(12_000) + '\r\n');
  const pkts: Pkt[] = [];
  for (let c = 0; c < conns; c++) {
    const turns: Array<[boolean, Buffer]> = [];
    for (let r = 0; r < reqs; r++) for (let i = 0; i < head.length; i += 1400) turns.push([true, head.subarray(i, i + 1400)]);
    pkts.push(...tcpConversation(turns, { clientPort: 20_000 + c, t0: 1_700_000_000_000 + c }).slice(0, -3));
  }
  return pkts.sort((a, b) => a.tsMs - b.tsMs);
}

/**
 * `bytes` as a file that a capture reader reads synchronously and reads
 * bodies back from (pcap's FileBytes): at most `most` bytes a call, both ways
 * (short reads).
 */
export function bytesAsFile(bytes: Uint8Array, most = Infinity): { readInto(into: Buffer): number; readAt(into: Buffer, from: number): number } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 0;
  const readAt = (into: Buffer, from: number): number => (from >= b.length ? 0 : b.copy(into, 0, from, Math.min(b.length, from + into.length, from + most)));
  return {
    readInto: (into) => {
      const n = readAt(into, at);
      at += n;
      return n;
    },
    readAt,
  };
}

export function pcapFile(pkts: Pkt[], linkType = 1): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(linkType, 20);
  const parts: Buffer[] = [h];
  for (const p of pkts) {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(Math.floor(p.tsMs / 1000), 0);
    r.writeUInt32LE((p.tsMs % 1000) * 1000, 4);
    r.writeUInt32LE(p.data.length, 8);
    r.writeUInt32LE(p.data.length, 12);
    parts.push(r, p.data);
  }
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const len = 12 + body.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

export function shb(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeInt32LE(-1, 8);
  body.writeInt32LE(-1, 12);
  return block(0x0a0d0d0a, body);
}

export function idb(linkType: number, tsresol?: number): Buffer {
  const opts = tsresol === undefined ? Buffer.alloc(0) : Buffer.from([9, 0, 1, 0, tsresol, 0, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.alloc(8 + opts.length);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(0, 4);
  opts.copy(body, 8);
  return block(1, body);
}

export function epb(iface: number, p: Pkt, unitsPerMs = 1000): Buffer {
  const pad = (4 - (p.data.length % 4)) % 4;
  const body = Buffer.alloc(20 + p.data.length + pad);
  const ts = BigInt(Math.round(p.tsMs * unitsPerMs));
  body.writeUInt32LE(iface, 0);
  body.writeUInt32LE(Number(ts >> 32n), 4);
  body.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  body.writeUInt32LE(p.data.length, 12);
  body.writeUInt32LE(p.data.length, 16);
  p.data.copy(body, 20);
  return block(6, body);
}

export function spb(p: Pkt): Buffer {
  const pad = (4 - (p.data.length % 4)) % 4;
  const body = Buffer.alloc(4 + p.data.length + pad);
  body.writeUInt32LE(p.data.length, 0);
  p.data.copy(body, 4);
  return block(3, body);
}
