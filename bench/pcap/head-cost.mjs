// Micro-benchmark: what one request head + one response head cost in HttpStream
// (the bench capture's heads, no packets, no Exchange), beside the string
// primitives it is built from. It shows where the parse-only ceiling of this
// design lies. Usage: node bench/pcap/head-cost.mjs (after npx tsc -b packages/pcap)
import { HttpStream } from '../../packages/pcap/dist/src/http-stream.js';
import { Budget } from '../../packages/pcap/dist/src/budget.js';

const req = Buffer.from('GET /api/v1/orders/123456?limit=20&offset=56&fields=id,status HTTP/1.1\r\nHost: api.shop.example\r\nUser-Agent: bench-client/1.0\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig123456\r\n\r\n');
const res = Buffer.from('HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nServer: bench-api\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\n\r\n');
const N = 500_000;

function time(label, f) {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  console.log(`${label.padEnd(58)} ${((best * 1e6) / N).toFixed(0).padStart(5)} ns`);
}

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
if (sink === 42) console.log('');
