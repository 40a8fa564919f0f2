// Micro-benchmark: http-parser-js vs our HttpStream on the same stream of JSON responses.
// Usage: node bench/pcap/http-parsers.mjs (after npx tsc -b packages/pcap)
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../packages/pcap/package.json', import.meta.url));
const { HTTPParser } = require('http-parser-js');
import { HttpStream } from '../../packages/pcap/dist/src/http-stream.js';
import { Budget } from '../../packages/pcap/dist/src/budget.js';
const body = JSON.stringify({ id: 1, items: Array.from({ length: 8 }, (_, i) => ({ sku: 'SKU-' + i, qty: i, price: i * 1.5, name: 'name ' + i })) });
const resp = Buffer.from(`HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nServer: bench-api\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
const N = 100000;
const stream = Buffer.concat(Array.from({ length: 100 }, () => resp));
// http-parser-js: headers + body kept as in our use
function hpj() {
  let n = 0;
  const p = new HTTPParser(HTTPParser.RESPONSE);
  p[HTTPParser.kOnHeadersComplete] = (info) => { n++; return 0; };
  p[HTTPParser.kOnBody] = (b, s, l) => { Buffer.from(b.subarray(s, s + l)); };
  p[HTTPParser.kOnMessageComplete] = () => {};
  for (let i = 0; i < N / 100; i++) p.execute(stream);
  return n;
}
function ours() {
  let n = 0;
  const owner = { head: () => 1, message: () => { n++; }, expectsHttp09: () => false, count: () => {} };
  const s = new HttpStream(false, true, owner, { maxHeaderBytes: 65536, maxBodyBytes: 1 << 20, maxEncodedBytes: 1 << 23 }, new Budget(1 << 30));
  for (let i = 0; i < N / 100; i++) s.push(stream, 0, stream.length, 0);
  return n;
}
for (const [name, f] of [['http-parser-js', hpj], ['ours', ours], ['http-parser-js', hpj], ['ours', ours]]) {
  const t = performance.now(); const n = f(); const ms = performance.now() - t;
  console.log(name, n, (ms / n * 1000).toFixed(2), 'us/message', (stream.length * N / 100 / ms / 1000).toFixed(0), 'MB/s');
}
