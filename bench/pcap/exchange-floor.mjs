// Micro-benchmark: the least JS can spend turning one parsed request/response
// pair into the `Exchange` objects the pipeline reads, whatever parses the
// bytes. Every offset is known in advance (as a byte-level core in WASM would
// hand them over), names and constants are interned, bodies are not copied:
// only the strings and objects an Exchange is made of are created here. What
// is left of the 3.7 µs per exchange that 300 MB/s allows on the bench capture
// is what packets, TCP and the HTTP scan may cost.
// Usage: node bench/pcap/exchange-floor.mjs
import { bestOf } from './best-of.mjs';

const N = 500_000;

// The bench capture's shapes (bench/pcap/generate.mjs): a GET with a query, five headers; a 200 with four.
const heads = [];
const offsets = [];
let text = '';
for (let i = 0; i < 4096; i++) {
  const id = 100000 + i * 37;
  const reqLine = `GET /api/v1/orders/${id}?limit=20&offset=${id % 100}&fields=id,status HTTP/1.1\r\n`;
  const hdrs = [
    ['Host', 'api.shop.example'],
    ['User-Agent', 'bench-client/1.0'],
    ['Accept', 'application/json'],
    ['Accept-Encoding', 'gzip'],
    ['Authorization', `Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${id}`],
  ];
  const resH = [
    ['Date', 'Sun, 22 Nov 2026 12:00:00 GMT'],
    ['Server', 'bench-api'],
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', '1024'],
  ];
  const base = text.length;
  const o = { path: [base + 4, base + 4 + `/api/v1/orders/${id}`.length], query: [], req: [], res: [] };
  // query values as spans
  let q = o.path[1] + 1;
  for (const part of `limit=20&offset=${id % 100}&fields=id,status`.split('&')) {
    const eq = part.indexOf('=');
    o.query.push([part.slice(0, eq), q + eq + 1, q + part.length]);
    q += part.length + 1;
  }
  text += reqLine;
  for (const [n, v] of hdrs) {
    const s = text.length + n.length + 2;
    o.req.push([n.toLowerCase(), s, s + v.length]);
    text += `${n}: ${v}\r\n`;
  }
  text += '\r\nHTTP/1.1 200 OK\r\n';
  for (const [n, v] of resH) {
    const s = text.length + n.length + 2;
    o.res.push([n.toLowerCase(), s, s + v.length]);
    text += `${n}: ${v}\r\n`;
  }
  text += '\r\n';
  o.body = [text.length, text.length + 1024];
  text += 'x'.repeat(1024);
  offsets.push(o);
  heads.push(i);
}
const buf = Buffer.from(text, 'latin1');
// interned: a core hands names over as ids
const NAMES = new Map();
const intern = (s) => NAMES.get(s) ?? (NAMES.set(s, s), s);
for (const o of offsets) {
  for (const h of o.req) h[0] = intern(h[0]);
  for (const h of o.res) h[0] = intern(h[0]);
  for (const q of o.query) q[0] = intern(q[0]);
}
const client = { ip: '10.1.0.10', port: 40000 };
const server = { ip: '10.9.0.1', port: 80 };

let sink = 0;
function materialise(copyBody) {
  for (let i = 0; i < N; i++) {
    const o = offsets[i & 4095];
    const reqHeaders = [];
    for (const [n, s, e] of o.req) reqHeaders.push([n, buf.latin1Slice(s, e)]);
    const resHeaders = [];
    for (const [n, s, e] of o.res) resHeaders.push([n, buf.latin1Slice(s, e)]);
    const query = [];
    for (const [n, s, e] of o.query) query.push([n, buf.latin1Slice(s, e)]);
    let bytes = buf.subarray(o.body[0], o.body[1]);
    if (copyBody) {
      const c = Buffer.allocUnsafe(bytes.length);
      bytes.copy(c);
      bytes = c;
    }
    const ex = {
      source: 'pcap',
      startedAt: 1795000000000 + i,
      scheme: 'http',
      client,
      server,
      request: { method: 'GET', host: 'api.shop.example', path: buf.latin1Slice(o.path[0], o.path[1]), query, httpVersion: '1.1', headers: reqHeaders },
      response: { status: 200, statusText: 'OK', httpVersion: '1.1', headers: resHeaders, body: { bytes, length: 1024, truncated: false } },
      durationMs: 0.2,
    };
    sink += ex.request.path.length;
  }
}

const time = (label, f) => bestOf(label, N, f, 64);

console.log(`${N.toLocaleString('en-US')} exchanges of the bench capture's shape, every offset known; best of 5`);
const a = time('Exchange objects, strings for every value, body not copied', () => materialise(false));
const b = time('  the same, body copied out of the packet', () => materialise(true));
console.log(`budget per exchange at 300 MB/s on the 545 MB bench capture (492,392 exchanges): ${((545.3e6 / 300e6 / 492392) * 1e9).toFixed(0)} ns`);
console.log(`left for packets, TCP and the HTTP scan: ${((545.3e6 / 300e6 / 492392) * 1e9 - a).toFixed(0)} ns (body not copied), ${((545.3e6 / 300e6 / 492392) * 1e9 - b).toFixed(0)} ns (copied)`);
if (sink === 42) console.log('');
