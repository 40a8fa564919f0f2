import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { pcapFile, tcpConversation } from '@overhear/testkit';
import { ingestBytes } from './helpers.js';

/**
 * The same client bytes sent to a real server (Node's http, whose parser is
 * llhttp, strict) over loopback, and to overhear as a capture. A passive
 * sensor must see what the server saw: every request the server accepted,
 * in order, with its method, target and body length. overhear is lenient
 * (like Zeek) where llhttp refuses, so after a request llhttp refused it may
 * see more; it must never see less, or split the stream elsewhere.
 * DIFF_N and DIFF_SEED run more generated streams (30,000 over three seeds
 * agreed when this was written).
 */

interface Seen {
  method: string;
  target: string;
  body: number;
  /** The server read the whole request (its body ended). */
  done?: boolean;
}

let server: http.Server;
let port = 0;
const byPort = new Map<number, Seen[]>();
const refused = new Map<number, string>();

before(async () => {
  // (Node's own rule that HTTP/1.1 needs a Host is policy, not parsing: off, so llhttp's reading is what is compared)
  server = http.createServer({ requireHostHeader: false }, (req, res) => {
    const list = byPort.get(req.socket.remotePort!) ?? [];
    byPort.set(req.socket.remotePort!, list);
    const s: Seen = { method: req.method!, target: req.url!, body: 0 };
    list.push(s);
    req.on('data', (d: Buffer) => (s.body += d.length));
    req.on('end', () => {
      s.done = true;
      res.end('ok');
    });
  });
  server.on('clientError', (e: NodeJS.ErrnoException, sock: net.Socket) => {
    refused.set(sock.remotePort!, e.code ?? 'error');
    sock.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
});
after(() => server.close());

/** What the server saw of `bytes` (sent, then the client's side closed), and the parse error it stopped at. */
async function viaServer(bytes: Buffer): Promise<{ seen: Seen[]; refused?: string }> {
  const sock = net.connect(port, '127.0.0.1');
  await once(sock, 'connect');
  const local = sock.localPort!;
  sock.on('data', () => {});
  sock.on('error', () => {});
  sock.end(bytes);
  await once(sock, 'close');
  // the server's last 'end' handlers may run after the close reached us
  await new Promise((r) => setImmediate(r));
  const r = refused.get(local);
  const seen = byPort.get(local) ?? [];
  // the next connection may get the same local port
  byPort.delete(local);
  refused.delete(local);
  return { seen, ...(r ? { refused: r } : {}) };
}

/** What overhear reads from the same bytes, in `segments` TCP segments (or segments of `-segments` bytes when negative). */
async function viaCapture(bytes: Buffer, segments = 1): Promise<Seen[]> {
  const turns: Array<[boolean, Buffer]> = [];
  const step = segments < 0 ? -segments : Math.ceil(bytes.length / segments);
  for (let i = 0; i < bytes.length; i += step) turns.push([true, bytes.subarray(i, i + step)]);
  const { exchanges } = await ingestBytes(pcapFile(tcpConversation(turns)));
  return exchanges.map((e) => ({ method: e.request.method, target: e.request.path, body: e.request.body?.length ?? 0 }));
}

const line = (s: Seen): string => `${s.method} ${s.target.split('?')[0]} ${s.body}`;

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stream of 1–4 requests, each valid for RFC 9112 and llhttp, with the
 * framing written the many ways the RFC allows: Content-Length (leading
 * zeros, OWS), chunked (split anywhere, extensions, hex in
 * either case, trailers), no body; names in any case; pipelined.
 */
function validStream(r: () => number): Buffer {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const ows = (): string => pick(['', ' ', '  ', '\t', ' \t']);
  const name = (n: string): string => (r() < 0.5 ? n : n.split('').map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join(''));
  const parts: Buffer[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const body = Buffer.from('x'.repeat(Math.floor(r() * 40)) + (r() < 0.3 ? '\r\n0\r\n\r\nGET /not-a-request HTTP/1.1\r\n\r\n' : ''));
    const kind = body.length === 0 ? pick(['none', 'cl', 'chunked'] as const) : pick(['cl', 'chunked'] as const);
    const method = kind === 'none' ? pick(['GET', 'DELETE', 'OPTIONS']) : pick(['POST', 'PUT', 'PATCH']);
    const headers = [`${name('Host')}:${ows()}api.example${ows()}`, `${name('User-Agent')}: gen/${i}`];
    if (r() < 0.5) headers.push(`${name('X-Trace')}:${ows()}${Math.floor(r() * 1e6)}`);
    let payload = '';
    // (llhttp refuses a tab after a length or after chunked, which RFC 9110's OWS allows)
    if (kind === 'cl') {
      const v = `${'0'.repeat(Math.floor(r() * 3))}${body.length}`;
      headers.push(`${name('Content-Length')}:${ows()}${v}${pick(['', ' '])}`);
      payload = body.toString('latin1');
    } else if (kind === 'chunked') {
      headers.push(`${name('Transfer-Encoding')}:${ows()}${name('chunked')}${pick(['', ' '])}`);
      let at = 0;
      while (at < body.length) {
        const size = Math.min(body.length - at, 1 + Math.floor(r() * 16));
        const hex = size.toString(16);
        payload += `${r() < 0.5 ? hex : hex.toUpperCase()}${r() < 0.2 ? ';ext=1' : ''}\r\n${body.subarray(at, at + size).toString('latin1')}\r\n`;
        at += size;
      }
      payload += r() < 0.2 ? '0\r\nX-Trailer: t\r\n\r\n' : '0\r\n\r\n';
    }
    for (let k = headers.length - 1; k > 0; k--) {
      const j = Math.floor(r() * (k + 1));
      [headers[k], headers[j]] = [headers[j]!, headers[k]!];
    }
    parts.push(Buffer.from(`${method} /r${i}/${Math.floor(r() * 1000)}${r() < 0.3 ? '?q=1' : ''} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${payload}`, 'latin1'));
  }
  return Buffer.concat(parts);
}

/** Streams llhttp refuses or reads one way among several: overhear must agree up to where llhttp stopped. */
const H = 'Host: a\r\n';
const NEXT = `GET /n HTTP/1.1\r\n${H}\r\n`;
const post = (headers: string, rest: string): string => `POST /p HTTP/1.1\r\n${H}${headers}\r\n${rest}` + NEXT;
const hostile: Array<[string, string]> = [
  ['Content-Length beside Transfer-Encoding', post('Content-Length: 3\r\nTransfer-Encoding: chunked\r\n', '5\r\nhello\r\n0\r\n\r\n')],
  ['Transfer-Encoding "chunked, identity"', post('Transfer-Encoding: chunked, identity\r\n', '5\r\nhello\r\n0\r\n\r\n')],
  ['Transfer-Encoding xchunked', post('Transfer-Encoding: xchunked\r\n', '5\r\nhello\r\n0\r\n\r\n')],
  ['Content-Length twice, differing', post('Content-Length: 5\r\nContent-Length: 7\r\n', 'hello12')],
  ['Content-Length twice, equal', post('Content-Length: 5\r\nContent-Length: 5\r\n', 'hello')],
  ['Content-Length "5, 5"', post('Content-Length: 5, 5\r\n', 'hello')],
  ['Content-Length +5', post('Content-Length: +5\r\n', 'hello')],
  ['Content-Length -1', post('Content-Length: -1\r\n', '')],
  ['Content-Length 1e1', post('Content-Length: 1e1\r\n', 'hellohello')],
  ['Content-Length beyond 2^64', post('Content-Length: 99999999999999999999\r\n', 'hello')],
  ['space before the colon', post('Content-Length : 5\r\n', 'hello')],
  ['Content-Length folded', post('Content-Length:\r\n 5\r\n', 'hello')],
  ['Transfer-Encoding folded', post('Transfer-Encoding:\r\n chunked\r\n', '5\r\nhello\r\n0\r\n\r\n')],
  ['chunk size 0x5', post('Transfer-Encoding: chunked\r\n', '0x5\r\nhello\r\n0\r\n\r\n')],
  ['chunk size then white space', post('Transfer-Encoding: chunked\r\n', '5 \r\nhello\r\n0\r\n\r\n')],
  ['chunk longer than its size', post('Transfer-Encoding: chunked\r\n', '3\r\nhello\r\n0\r\n\r\n')],
  ['chunk size beyond 2^64', post('Transfer-Encoding: chunked\r\n', '10000000000000000\r\nhello\r\n0\r\n\r\n')],
  ['chunks with bare LF', post('Transfer-Encoding: chunked\r\n', '5\nhello\n0\n\n')],
  ['heads with bare LF', 'GET /a HTTP/1.1\nHost: a\n\nGET /b HTTP/1.1\nHost: a\n\n'],
  ['NUL in a value', post('X-N: a\x00b\r\nContent-Length: 5\r\n', 'hello')],
  ['a line without colon', post('Junk\r\nContent-Length: 5\r\n', 'hello')],
  ['an empty name', post(': x\r\nContent-Length: 5\r\n', 'hello')],
  ['a space inside a name', post('Content Length: 5\r\n', 'hello')],
  ['CR inside a line', post('Content-Length: 5\rX: y\r\n', 'hello')],
  ['Transfer-Encoding in HTTP/1.0', `POST /p HTTP/1.0\r\n${H}Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n` + NEXT],
  ['a lower-case method', `get /a HTTP/1.1\r\n${H}\r\n` + NEXT],
  ['HTTP/1.2', `GET /a HTTP/1.2\r\n${H}\r\n` + NEXT],
  ['HTTP/2.0 in a request line', `GET /a HTTP/2.0\r\n${H}\r\n` + NEXT],
  ['non-ASCII before Content-Length', Buffer.from(post('X-N: İİİİ\r\nContent-Length: 5\r\n', 'hello'), 'utf8').toString('latin1')],
  // found by the mutated streams: servers skip empty lines before a request line (a CRLF in front hid the whole connection)
  ['CRLF before the first request line', '\r\n' + NEXT + NEXT],
  ['CR before the first request line', '\r' + post('Content-Length: 5\r\n', 'hello')],
  // and llhttp reads a request line without a version like HTTP/1: its headers frame a body (the body used to become the next "method")
  ['a request line without version, with headers and a body', `POST /p\r\n${H}Content-Length: 5\r\n\r\nhello` + NEXT],
];

describe('overhear reads what a strict server (llhttp) reads', () => {
  it('generated streams that llhttp accepts (400 by default), in 1 to 3 segments: the same requests, targets and body lengths', async () => {
    const r = rng(Number(process.env.DIFF_SEED ?? 20261123));
    for (let i = 0; i < Number(process.env.DIFF_N ?? 400); i++) {
      const bytes = validStream(r);
      const srv = await viaServer(bytes);
      assert.equal(srv.refused, undefined, `case ${i} is meant to be valid (llhttp: ${srv.refused}, after ${srv.seen.length} requests):\n${bytes.toString('latin1')}`);
      const ours = await viaCapture(bytes, 1 + (i % 3));
      assert.deepEqual(ours.map(line), srv.seen.map(line), `case ${i}:\n${bytes.toString('latin1')}`);
    }
  });

  it('mutated streams (bytes inserted, deleted, replaced in 1-3 places), some in tiny segments: every request llhttp read whole, overhear read the same, in order', async () => {
    const r = rng(Number(process.env.DIFF_SEED ?? 20261123) + 1);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
    const TOKENS = ['\r', '\n', ' ', '\t', ':', ',', '0', '5', 'a', '\x00', '\xff', ';', 'chunked', '\r\n\r\n', 'HTTP/1.1', 'Content-Length: 3\r\n', 'Transfer-Encoding: chunked\r\n', 'Host: b\r\n', 'GET /z HTTP/1.1\r\n'];
    for (let i = 0; i < Number(process.env.DIFF_N ?? 400); i++) {
      let text = validStream(r).toString('latin1');
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
        const at = Math.floor(r() * (text.length + 1));
        const op = r();
        text = op < 0.4 ? text.slice(0, at) + pick(TOKENS) + text.slice(at) : op < 0.7 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3)) : text.slice(0, at) + pick(TOKENS) + text.slice(at + 1);
      }
      const bytes = Buffer.from(text, 'latin1');
      const srv = await viaServer(bytes);
      const whole = srv.seen.filter((x) => x.done).map(line);
      // every other case in segments of 1 to 60 bytes (a client trickling its request, or evading)
      const ours = (await viaCapture(bytes, i % 2 ? -(1 + Math.floor(r() * 60)) : 1 + (i % 3))).map(line);
      assert.deepEqual(ours.slice(0, whole.length), whole, `case ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('hostile streams: every request llhttp accepted, overhear saw, in order (it may see more after a refusal)', async () => {
    for (const [name, text] of hostile) {
      const bytes = Buffer.from(text, 'latin1');
      const srv = await viaServer(bytes);
      const ours = (await viaCapture(bytes)).map(line);
      // the body of the request llhttp stopped inside is cut where it stopped: compare method and target only there
      const theirs = srv.seen.map(line);
      const complete = srv.refused ? theirs.length - 1 : theirs.length;
      for (let k = 0; k < theirs.length; k++) {
        const want = k < complete ? theirs[k] : theirs[k]!.replace(/ \d+$/, '');
        assert.ok(ours[k]?.startsWith(want!), `${name}: llhttp saw ${JSON.stringify(theirs)}, overhear ${JSON.stringify(ours)}`);
      }
      if (!srv.refused) assert.deepEqual(ours, theirs, `${name}: llhttp accepted it all`);
    }
  });
});
