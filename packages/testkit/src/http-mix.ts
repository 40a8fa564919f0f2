import { ipv4Tcp, type Pkt } from './hand-built-captures.js';

/**
 * Keep-alive HTTP/1.x connections drawn at random, for comparing capture
 * readers: the usual shapes and the odd (folded, bare-LF, non-ASCII and
 * smuggling heads, HEAD, 1xx, 204/304, chunked with extensions and trailers),
 * segmented at random, then disturbed (reordered, repeated, overlapping and
 * lost segments, ACKs ahead of the data, RSTs). Seeded: the same seed, the
 * same packets.
 */

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request and its response, in a shape drawn from the usual and the odd. */
function message(r: () => number, i: number): [req: string, res: string] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const json = `{"id":${i},"name":"item ${i}","tags":["a","b"]}`;
  const odd = r() < 0.25;
  const reqs = [
    `GET /api/items/${i}?limit=20 HTTP/1.1\r\nHost: api.example\r\nAccept: application/json\r\nAuthorization: Bearer t${i}\r\n\r\n`,
    `POST /api/items HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
    `PUT /api/items/${i} HTTP/1.1\r\nHost: api.example\r\nTransfer-Encoding: chunked\r\n\r\n${(5).toString(16)}\r\n${json.slice(0, 5)}\r\n${(json.length - 5).toString(16)};ext=1\r\n${json.slice(5)}\r\n0\r\n\r\n`,
    `DELETE /api/items/${i} HTTP/1.0\r\nHost: api.example\r\nContent-Length: 0\r\n\r\n`,
  ];
  const oddReqs = [
    `HEAD /api/items/${i} HTTP/1.1\r\nHost: api.example\r\n\r\n`,
    `GET /api/caf\u00e9/${i} HTTP/1.1\r\nHost: api.example\r\nX-Name: J\u00fcrgen\r\n\r\n`,
    `GET /fold HTTP/1.1\r\nHost: api.example\r\nX-Long: a\r\n  b\r\n\r\n`,
    `GET /bare-lf HTTP/1.1\nHost: api.example\n\n`,
    `POST /smuggle HTTP/1.1\r\nHost: api.example\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `POST /two-cl HTTP/1.1\r\nHost: api.example\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc`,
    `POST /chunk-trailer HTTP/1.1\r\nHost: api.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: yes\r\n\r\n`,
    `POST /chunk-upper HTTP/1.1\r\nHost: api.example\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    `POST /chunk-blank HTTP/1.1\r\nHost: api.example\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n`,
    `get /lower HTTP/1.1\r\nHost: api.example\r\n\r\n`,
    `\r\n\r\nGET /after-blank-lines HTTP/1.1\r\nHost: api.example\r\n\r\n`,
    `GET /two-hosts HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n`,
    `POST /expect HTTP/1.1\r\nHost: api.example\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok`,
    `GET /h${'x'.repeat(3000)} HTTP/1.1\r\nHost: api.example\r\nCookie: ${'c'.repeat(2500)}\r\n\r\n`,
    `GET /no-colon HTTP/1.1\r\nHost: api.example\r\nbroken line\r\n\r\n`,
    `GET /space-colon HTTP/1.1\r\nHost: api.example\r\nContent-Length : 0\r\n\r\n`,
    // names of every token character, 16 and more than 16 and 64 bytes, in any case, alike but for one character
    `GET /names HTTP/1.1\r\nHost: api.example\r\nX_Under.Dot!#$%&'*+^\`|~: 1\r\nX-Sixteen-Bytes!: 2\r\nX-A-Very-Long-Header-Name-Beyond-Sixteen: 3\r\nX-${'N'.repeat(70)}: 4\r\nx-caret^: 5\r\nX-CARET~: 6\r\nX-Acc3ss-T0ken: 7\r\n\r\n`,
    `GET /bad-name HTTP/1.1\r\nHost: api.example\r\nX@Bad: 8\r\n\r\n`,
    `GET /names-again HTTP/1.1\r\nHost: api.example\r\nx_under.dot!#$%&'*+^\`|~: 1\r\nx-sixteen-bytes!: 2\r\nX-A-VERY-LONG-HEADER-NAME-BEYOND-SIXTEEN: 3\r\nx-caret~: 5\r\nX-CARET^: 6\r\n\r\n`,
  ];
  const req = odd ? pick(oddReqs) : pick(reqs);
  const res = [
    `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
    `HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
    `HTTP/1.1 204 No Content\r\n\r\n`,
    `HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found`,
  ];
  const oddRes = [
    `HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n`,
    `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`,
    `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd`,
    `HTTP/1.1 200 OK\r\nX-Caf\u00e9: ol\u00e9\r\nContent-Length: 2\r\n\r\nok`,
    `HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok`,
    `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n2\r\nok\r\n0\r\n\r\n`,
    `HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok`,
  ];
  const head = req.startsWith('HEAD') ? `HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n` : undefined;
  return [req, head ?? (r() < 0.2 ? pick(oddRes) : pick(res))];
}

/**
 * A keep-alive connection of many exchanges, segmented at random, then
 * disturbed at random: segments reordered, repeated, overlapping, lost; pure
 * ACKs ahead of the data; an RST or a new SYN in the middle.
 */
export function keepAliveConversation(seed: number, port: number): Pkt[] {
  const r = rng(seed);
  const c = [10, 1, 0, 1];
  const s = [10, 1, 0, 2];
  let cs = 1000 + Math.floor(r() * 2 ** 31);
  let ss = 5000 + Math.floor(r() * 2 ** 31);
  const out: Pkt[] = [];
  let t = 1_700_000_000_000 + seed * 1000;
  const add = (fromClient: boolean, flags: number, payload: Buffer, seq?: number): void => {
    const p = fromClient ? ipv4Tcp(c, s, port, 80, seq ?? cs, ss, flags, payload) : ipv4Tcp(s, c, 80, port, seq ?? ss, cs, flags, payload);
    out.push({ data: p, tsMs: t++ });
    if (seq === undefined) {
      const adv = payload.length + (flags & 0x03 ? 1 : 0);
      if (fromClient) cs = (cs + adv) >>> 0;
      else ss = (ss + adv) >>> 0;
    }
  };
  add(true, 0x02, Buffer.alloc(0));
  add(false, 0x12, Buffer.alloc(0));
  add(true, 0x10, Buffer.alloc(0));
  const send = (fromClient: boolean, bytes: Buffer): void => {
    let o = 0;
    while (o < bytes.length) {
      const n = r() < 0.6 ? bytes.length - o : 1 + Math.floor(r() * Math.min(1460, bytes.length - o));
      add(fromClient, 0x18, bytes.subarray(o, o + n));
      o += n;
    }
  };
  const n = 3 + Math.floor(r() * 40);
  for (let i = 0; i < n; i++) {
    const [req, res] = message(r, i);
    // some pipelining: two requests before their responses
    if (r() < 0.05 && i + 1 < n) {
      const [req2, res2] = message(r, ++i);
      send(true, Buffer.from(req + req2, 'utf8'));
      send(false, Buffer.from(res + res2, 'utf8'));
    } else {
      send(true, Buffer.from(req, 'utf8'));
      send(false, Buffer.from(res, 'utf8'));
    }
    if (r() < 0.02) add(r() < 0.5, 0x14, Buffer.alloc(0)); // RST
  }
  if (r() < 0.7) {
    add(true, 0x11, Buffer.alloc(0));
    add(false, 0x11, Buffer.alloc(0));
    add(true, 0x10, Buffer.alloc(0));
  }
  // disturbances, after the handshake
  for (let k = 3; k < out.length; k++) {
    const x = r();
    if (x < 0.02 && k + 1 < out.length) [out[k], out[k + 1]] = [out[k + 1]!, out[k]!];
    else if (x < 0.03) out.splice(k + 1, 0, { ...out[k]! });
    else if (x < 0.035) out.splice(k--, 1);
    else if (x < 0.045) {
      // the same segment again, with a few more bytes than it had (an overlap)
      const p = out[k]!.data;
      if (p.length > 54 + 4) out.splice(k + 1, 0, { data: Buffer.concat([p.subarray(0, 54 + 2), p.subarray(54 + 2)]), tsMs: out[k]!.tsMs });
    } else if (x < 0.05) {
      const p = Buffer.from(out[k]!.data);
      p.writeUInt32BE((p.readUInt32BE(42) + 100_000) >>> 0, 42); // an ACK for data not yet seen
      p[47] = 0x10;
      out.splice(k + 1, 0, { data: p.subarray(0, 54), tsMs: out[k]!.tsMs });
    }
  }
  return out;
}
