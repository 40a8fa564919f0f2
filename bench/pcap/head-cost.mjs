// Micro-benchmark: what one request head + one response head cost in HttpStream
// (the bench capture's heads, no packets, no Exchange), beside the string
// primitives it is built from: where the parse-only ceiling of this design
// lies. Then the next design priced before it is built: the same heads scanned
// as bytes into offsets and known-name ids (no strings), then with strings for
// every value, or only for the three the counting path reads ("heads kept as
// bytes with an index, strings on demand").
// Usage: node bench/pcap/head-cost.mjs (after npx tsc -b packages/pcap)
import { HttpStream } from '../../packages/pcap/dist/src/http-stream.js';
import { Budget } from '../../packages/pcap/dist/src/budget.js';
import { bestOf } from './best-of.mjs';

const req = Buffer.from('GET /api/v1/orders/123456?limit=20&offset=56&fields=id,status HTTP/1.1\r\nHost: api.shop.example\r\nUser-Agent: bench-client/1.0\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig123456\r\n\r\n');
const res = Buffer.from('HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nServer: bench-api\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\n\r\n');
const N = 500_000;

const time = (label, f) => bestOf(label, N, f);

const owner = { head: () => 0, message: () => {}, expectsHttp09: () => false, count() {} };
const lim = { maxHeaderBytes: 65536, maxBodyBytes: 1 << 20, maxEncodedBytes: 1 << 20 };
const budget = new Budget(1 << 30);
const a = new HttpStream(true, true, owner, lim, budget);
const b = new HttpStream(false, true, owner, lim, budget);
console.log(`request head ${req.length} B, response head ${res.length} B; best of 5 rounds of ${N.toLocaleString('en-US')}`);
time('HttpStream: request head + response head', () => {
  for (let i = 0; i < N; i++) {
    a.push(req, 0, req.length, 1);
    b.push(res, 0, res.length, 1);
  }
});
let sink = 0;
time('  primitive: Buffer latin1Slice of the request head', () => {
  for (let i = 0; i < N; i++) sink += req.latin1Slice(0, req.length).length;
});
const text = req.latin1Slice(0, req.length);
time('  primitive: indexOf("\\r\\n\\r\\n") in the request head', () => {
  for (let i = 0; i < N; i++) sink += text.indexOf('\r\n\r\n', i & 1);
});
time('  primitive: toLowerCase() of the request head', () => {
  for (let i = 0; i < N; i++) sink += (i & 1 ? text : text.slice(1)).toLowerCase().length;
});
time('  primitive: six header pairs sliced and pushed', () => {
  for (let i = 0; i < N; i++) {
    const h = [];
    for (let k = 0; k < 6; k++) h.push([text.slice(k, k + 8), text.slice(k + 10, k + 30)]);
    sink += h.length;
  }
});
// What the counting path pays to look up a name or token read from traffic (a fresh string)
// in a Map, against a string whose hash V8 has already computed.
const tokens = Array.from({ length: 1000 }, (_, i) => `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${i * 104729}\r\n`);
const known = new Map(Array.from({ length: 1000 }, (_, i) => [`Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${i * 7919}x`, i]));
const cached = tokens.map((h) => h.slice(15, h.length - 2));
for (const c of cached) known.get(c);
time('  primitive: Map.get, a fresh 45-character string (a miss)', () => {
  for (let i = 0; i < N; i++) {
    const h = tokens[i % 1000];
    sink += known.get(h.slice(15, h.length - 2)) ?? 0;
  }
});
time('  primitive: Map.get, the same strings, hashes cached', () => {
  for (let i = 0; i < N; i++) sink += known.get(cached[i % 1000]) ?? 0;
});

// ---- heads as bytes ----
const NAMES = ['host', 'content-length', 'content-type', 'transfer-encoding', 'content-encoding', 'authorization', 'cookie', 'user-agent', 'accept', 'accept-encoding', 'date', 'server', 'connection', 'set-cookie', 'x-api-key'];
const NB = NAMES.map((n) => Buffer.from(n));
const byLen = new Map();
NAMES.forEach((n, i) => { const l = byLen.get(n.length) ?? []; l.push(i); byLen.set(n.length, l); });
const LEN = Array.from({ length: 64 }, (_, l) => byLen.get(l) ?? []);
function nameId(b, s, e) {
  const cands = LEN[e - s];
  if (cands === undefined) return -1;
  outer: for (let k = 0; k < cands.length; k++) {
    const nb = NB[cands[k]];
    for (let i = 0; i < nb.length; i++) if ((b[s + i] | 0x20) !== nb[i]) continue outer;
    return cands[k];
  }
  return -1;
}
const idx = new Int32Array(4 * 128);
/** Scans a head at b[s..) byte by byte in JS: returns the number of headers; idx holds [nameId|-1, nameStart, valueStart, valueEnd] per header. */
function scan(b, s, n) {
  let p = s;
  // first line
  while (p < n && b[p] !== 10) p++;
  p++;
  let h = 0;
  while (p < n) {
    if (b[p] === 13 || b[p] === 10) return h;
    const ls = p;
    let colon = -1;
    while (p < n && b[p] !== 10) { if (colon < 0 && b[p] === 58) colon = p; p++; }
    let le = p; if (b[le - 1] === 13) le--;
    if (colon > ls) {
      let vs = colon + 1; while (vs < le && (b[vs] === 32 || b[vs] === 9)) vs++;
      const o = h * 4;
      idx[o] = nameId(b, ls, colon); idx[o + 1] = ls; idx[o + 2] = vs; idx[o + 3] = le;
      h++;
    }
    p++;
  }
  return h;
}
/** The same with Buffer.indexOf (native) finding each line end and colon. */
function scanNative(b, s, n) {
  let p = b.indexOf(10, s) + 1;
  let h = 0;
  while (p < n) {
    const c0 = b[p];
    if (c0 === 13 || c0 === 10) return h;
    let lf = b.indexOf(10, p); if (lf < 0 || lf >= n) lf = n;
    const colon = b.indexOf(58, p);
    let le = lf; if (b[le - 1] === 13) le--;
    if (colon > p && colon < le) {
      let vs = colon + 1; while (vs < le && (b[vs] === 32 || b[vs] === 9)) vs++;
      const o = h * 4;
      idx[o] = nameId(b, p, colon); idx[o + 1] = p; idx[o + 2] = vs; idx[o + 3] = le;
      h++;
    }
    p = lf + 1;
  }
  return h;
}
time('as bytes: lines by native indexOf (offsets, name ids)', () => {
  for (let i = 0; i < N; i++) { sink += scanNative(req, 0, req.length); sink += scanNative(res, 0, res.length); }
});
time('as bytes: a JS loop per byte (offsets, name ids)', () => {
  for (let i = 0; i < N; i++) { sink += scan(req, 0, req.length); sink += scan(res, 0, res.length); }
});
time('  + every value as a string (names constant or sliced)', () => {
  for (let i = 0; i < N; i++) {
    for (const b of [req, res]) {
      const h = scan(b, 0, b.length); const out = [];
      for (let k = 0; k < h; k++) { const o = k * 4; out.push([idx[o] >= 0 ? NAMES[idx[o]] : b.latin1Slice(idx[o + 1], idx[o + 2]).toLowerCase(), b.latin1Slice(idx[o + 2], idx[o + 3])]); }
      sink += out.length;
    }
  }
});
time('  + only host, authorization, content-type as strings', () => {
  for (let i = 0; i < N; i++) {
    for (const b of [req, res]) {
      const h = scan(b, 0, b.length);
      for (let k = 0; k < h; k++) { const o = k * 4; const id = idx[o]; if (id === 0 || id === 5 || id === 2) sink += b.latin1Slice(idx[o + 2], idx[o + 3]).length; }
    }
  }
});
if (sink === 42) console.log('');
