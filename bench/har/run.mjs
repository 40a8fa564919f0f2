#!/usr/bin/env node
// HAR ingest benchmark: generates a large HAR (default 600 MB) of JSON API
// traffic, then times `overhear ingest` on it (end to end into a fresh catalog)
// and reports entries/s, MB/s and peak RSS. Peer: none that streams HAR;
// har-to-openapi loads the whole file (run with --peer to time it on a 50 MB cut).
// Usage: node bench/har/run.mjs [--mb 600] [--keep]
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, fmt, benchEnvNote } from '../lib/measure.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const targetMb = Number(args[args.indexOf('--mb') + 1] || 0) || 600;
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const har = join(out, `bench-${targetMb}mb.har`);

// A deterministic PRNG so every run reads the same file.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

function entry(i) {
  const id = 1000 + Math.floor(rnd() * 90000);
  const route = pick([
    ['GET', `/api/v2/orders/${id}`],
    ['GET', `/api/v2/products/${id}/reviews`],
    ['POST', '/api/v2/cart/items'],
    ['GET', `/api/v2/users/${id}`],
    ['GET', '/api/v2/products?limit=20&page=' + (i % 50)],
    ['PUT', `/api/v2/users/${id}/preferences`],
  ]);
  const items = Array.from({ length: 6 }, (_, k) => ({ sku: `SKU-${id + k}`, name: `Item ${k} of order`, qty: 1 + (k % 3), price: 9.99 + k, tags: ['a', 'b'] }));
  const body = JSON.stringify({ id, status: pick(['paid', 'shipped', 'new']), createdAt: '2026-11-20T10:00:00Z', customer: { id: id * 3, tier: 'gold' }, items });
  return {
    startedDateTime: new Date(Date.UTC(2026, 10, 20) + i * 37).toISOString(),
    time: 12.5,
    request: {
      method: route[0],
      url: `https://api${i % 3}.shop.example${route[1]}`,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36' },
        { name: 'Authorization', value: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl' },
      ],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: route[0] === 'GET' ? 0 : body.length,
      ...(route[0] === 'GET' ? {} : { postData: { mimeType: 'application/json', text: body } }),
    },
    response: {
      status: pick([200, 200, 200, 201, 404]),
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Content-Type', value: 'application/json; charset=utf-8' }, { name: 'Cache-Control', value: 'no-store' }],
      cookies: [],
      content: { size: body.length, mimeType: 'application/json', text: body },
      redirectURL: '',
      headersSize: -1,
      bodySize: body.length,
    },
    cache: {},
    timings: { send: 1, wait: 10, receive: 1.5 },
  };
}

async function generate() {
  const ws = createWriteStream(har);
  const write = (s) => (ws.write(s) ? Promise.resolve() : new Promise((r) => ws.once('drain', r)));
  await write('{"log":{"version":"1.2","creator":{"name":"overhear-bench","version":"1"},"entries":[\n');
  let bytes = 0;
  let n = 0;
  const target = targetMb * 1024 * 1024;
  while (bytes < target) {
    const s = (n ? ',\n' : '') + JSON.stringify(entry(n));
    bytes += s.length;
    n++;
    await write(s);
  }
  await write('\n]}}\n');
  await new Promise((r) => ws.end(r));
  return n;
}

if (!existsSync(har)) {
  process.stdout.write(`generating ${har} (${targetMb} MB)… `);
  const n = await generate();
  process.stdout.write(`${n} entries\n`);
}
const size = statSync(har).size;
const entries = Number((await measure('bash', ['-c', `grep -c '"startedDateTime"' ${har}`])).stdout.trim());
const db = join(out, 'bench-har.db');
for (const s of ['', '-wal', '-shm', '.key']) rmSync(db + s, { force: true });

const cli = join(root, 'packages/cli/bin/overhear.js');
const r = await measure(process.execPath, [cli, 'ingest', '--db', db, har]);
if (r.code !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const mb = size / 1048576;
console.log(`overhear ingest (end to end into a fresh catalog), ${fmt(mb, 0)} MB HAR, ${entries} entries${benchEnvNote ? `; ${benchEnvNote}` : ''}`);
console.log(`  time ${fmt(r.seconds, 2)} s   ${fmt(entries / r.seconds, 0)} entries/s   ${fmt(mb / r.seconds)} MB/s   peak RSS ${fmt(r.peakRssMb, 0)} MB`);
console.log(`  ${r.stdout.trim().split('\n')[0]}`);
if (!args.includes('--keep')) rmSync(har);
for (const s of ['', '-wal', '-shm', '.key']) rmSync(db + s, { force: true });
