// One run of the prototype core (compiled by ../core-floor.mjs): node run.mjs CORE.wasm FILE [--no-objects]
// With objects, every message becomes the objects an Exchange is made of (header and query
// pairs, strings, body copied out), requests paired with responses per flow, as the product does.
import { readFileSync, openSync, readSync } from 'node:fs';

const [wasm, file] = process.argv.slice(2);
const objects = !process.argv.includes('--no-objects');
const { instance } = await WebAssembly.instantiate(readFileSync(wasm));
const w = instance.exports;
const mem = w.memory;
const INPUT = w.inputPtr();
const MSGS = w.msgPtr();
const HDRS = w.hdrPtr();
const ARENA = w.arenaPtr();
const CHUNK = 4 << 20;

const t0 = performance.now();
const buf = Buffer.from(mem.buffer);
const u32 = new Uint32Array(mem.buffer);
const fd = openSync(file, 'r');
let carry = 0;
let exchanges = 0;
let messages = 0;
let bytes = 0;
const pending = []; // per flow slot: requests waiting for responses
const NAMES = new Map();
const lowerName = (s) => {
  let v = NAMES.get(s);
  if (v === undefined) {
    v = s.toLowerCase();
    if (NAMES.size < 1000) NAMES.set(s, v);
  }
  return v;
};
const METHODS = new Map([['GET', 'GET'], ['POST', 'POST']]);
let sink = 0;

function materialise() {
  const n = w.nMsgs.value;
  for (let i = 0; i < n; i++) {
    const m = (MSGS >> 2) + i * 12;
    const slot = u32[m];
    const dir = u32[m + 1];
    const hs = u32[m + 4];
    const hl = u32[m + 5];
    const h0 = u32[m + 6];
    const hn = u32[m + 7];
    const bs = u32[m + 8];
    const bl = u32[m + 9];
    const le = u32[m + 10];
    const t = buf.latin1Slice(hs, hs + hl);
    const headers = [];
    for (let k = 0; k < hn; k++) {
      const r = (HDRS >> 2) + (h0 + k) * 4;
      headers.push([lowerName(t.slice(u32[r], u32[r + 1])), t.slice(u32[r + 2], u32[r + 3])]);
    }
    let body;
    if (bl > 0) {
      const c = Buffer.allocUnsafe(bl);
      buf.copy(c, 0, ARENA + bs, ARENA + bs + bl);
      body = { bytes: c, length: bl, truncated: false };
    }
    const ts = u32[m + 2] * 1000 + u32[m + 3] / 1000;
    const line = t.slice(0, t.charCodeAt(le - 1) === 13 ? le - 1 : le);
    if (dir === 0) {
      const sp = line.indexOf(' ');
      const sp2 = line.lastIndexOf(' ');
      const method = METHODS.get(line.slice(0, sp)) ?? line.slice(0, sp);
      const target = line.slice(sp + 1, sp2);
      const qi = target.indexOf('?');
      const path = qi < 0 ? target : target.slice(0, qi);
      const query = [];
      if (qi >= 0) {
        let a = qi + 1;
        while (a < target.length) {
          let b = target.indexOf('&', a);
          if (b < 0) b = target.length;
          const eq = target.indexOf('=', a);
          if (eq >= 0 && eq < b) query.push([target.slice(a, eq), target.slice(eq + 1, b)]);
          else query.push([target.slice(a, b), '']);
          a = b + 1;
        }
      }
      const req = { method, host: '', path, query, httpVersion: '1.1', headers, body, ts };
      (pending[slot] ??= []).push(req);
    } else {
      const status = (line.charCodeAt(9) - 48) * 100 + (line.charCodeAt(10) - 48) * 10 + line.charCodeAt(11) - 48;
      const res = { status, statusText: line.slice(13), httpVersion: '1.1', headers, body };
      const q = pending[slot];
      const req = q?.shift();
      if (req) {
        const ex = { source: 'pcap', startedAt: req.ts, scheme: 'http', request: req, response: res, durationMs: ts - req.ts };
        exchanges++;
        sink += ex.request.path.length;
      }
    }
  }
  messages += n;
}

for (;;) {
  const got = readSync(fd, buf, INPUT + carry, CHUNK - carry, null);
  if (got === 0) break;
  bytes += got;
  const n = carry + got;
  const used = w.scan(n);
  if (objects) materialise();
  else messages += w.nMsgs.value;
  w.resetOutputs();
  carry = n - used;
  buf.copyWithin(INPUT, INPUT + used, INPUT + n);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ objects, bytes, ms: Math.round(ms), MBps: +(bytes / 1e6 / (ms / 1e3)).toFixed(1), packets: w.packets.value, messages, exchanges, slow: w.slow.value, nsPerExchange: Math.round((ms * 1e6) / (objects ? exchanges : messages / 2)), rssMB: Math.round(process.memoryUsage().rss / 1e6) }));
