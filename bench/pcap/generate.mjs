// Writes a deterministic pcap of HTTP/1.1 JSON API traffic (keep-alive, ~1 KB
// bodies, some chunked, some gzip) straight as pcap bytes.
// Usage: node bench/pcap/generate.mjs OUT.pcap [megabytes=520] [exchanges per connection: 50-199 by default; 1 for a
// connection per exchange, as HTTP/1.0 clients, `Connection: close` APIs and health checks make]
import { openSync, writeSync, closeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const out = process.argv[2];
const targetBytes = Number(process.argv[3] ?? 520) * 1024 * 1024;
const perConnection = Number(process.argv[4] ?? 0);
if (!out) throw new Error('usage: generate.mjs OUT.pcap [MB]');

let seed = 0x2026_1122;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];

const BLOCK = 8 * 1024 * 1024;
let buf = Buffer.alloc(BLOCK);
let pos = 0;
let written = 0;
const fd = openSync(out, 'w');
const flush = () => {
  writeSync(fd, buf, 0, pos);
  written += pos;
  pos = 0;
};
const ensure = (n) => {
  if (pos + n > BLOCK) flush();
};

// global header: µs, little-endian, Ethernet
buf.writeUInt32LE(0xa1b2c3d4, 0);
buf.writeUInt16LE(2, 4);
buf.writeUInt16LE(4, 6);
buf.writeUInt32LE(262144, 16);
buf.writeUInt32LE(1, 20);
pos = 24;

let tsUs = 1_795_000_000_000_000; // 2026-11-17
const MSS = 1448;

function packet(c, fromClient, flags, payload, pStart, pLen) {
  const tcpLen = 20;
  const ipLen = 20 + tcpLen + pLen;
  const frame = 14 + ipLen;
  ensure(16 + frame);
  tsUs += 7 + Math.floor(rand() * 20);
  buf.writeUInt32LE(Math.floor(tsUs / 1e6), pos);
  buf.writeUInt32LE(tsUs % 1e6, pos + 4);
  buf.writeUInt32LE(frame, pos + 8);
  buf.writeUInt32LE(frame, pos + 12);
  let o = pos + 16;
  // Ethernet
  buf.writeUInt32BE(0x02000000, o); buf.writeUInt16BE(fromClient ? 2 : 1, o + 4);
  buf.writeUInt32BE(0x02000000, o + 6); buf.writeUInt16BE(fromClient ? 1 : 2, o + 10);
  buf.writeUInt16BE(0x0800, o + 12);
  o += 14;
  // IPv4
  buf[o] = 0x45; buf[o + 1] = 0; buf.writeUInt16BE(ipLen, o + 2);
  buf.writeUInt16BE(c.ipId++ & 0xffff, o + 4); buf.writeUInt16BE(0x4000, o + 6);
  buf[o + 8] = 64; buf[o + 9] = 6; buf.writeUInt16BE(0, o + 10);
  buf.writeUInt32BE(fromClient ? c.cip : c.sip, o + 12);
  buf.writeUInt32BE(fromClient ? c.sip : c.cip, o + 16);
  o += 20;
  // TCP
  buf.writeUInt16BE(fromClient ? c.cport : 80, o);
  buf.writeUInt16BE(fromClient ? 80 : c.cport, o + 2);
  buf.writeUInt32BE(fromClient ? c.cseq : c.sseq, o + 4);
  buf.writeUInt32BE(fromClient ? c.sseq : c.cseq, o + 8);
  buf[o + 12] = 0x50; buf[o + 13] = flags;
  buf.writeUInt16BE(65535, o + 14); buf.writeUInt32BE(0, o + 16);
  o += 20;
  if (pLen) payload.copy(buf, o, pStart, pStart + pLen);
  pos += 16 + frame;
  if (fromClient) c.cseq = (c.cseq + pLen + (flags & 3 ? 1 : 0)) >>> 0;
  else c.sseq = (c.sseq + pLen + (flags & 3 ? 1 : 0)) >>> 0;
}

function send(c, fromClient, data) {
  for (let i = 0; i < data.length; i += MSS) packet(c, fromClient, 0x18, data, i, Math.min(MSS, data.length - i));
}

const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const cities = ['Paris', 'Lyon', 'Berlin', 'Madrid', 'Rome', 'Oslo'];
function jsonBody(id) {
  const items = [];
  const n = 3 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    items.push({ sku: `SKU-${id}-${i}`, qty: 1 + Math.floor(rand() * 5), price: Math.round(rand() * 10000) / 100, name: `${pick(names)}'s item ${i}` });
  }
  return Buffer.from(JSON.stringify({ id, status: pick(['open', 'paid', 'shipped']), customer: { name: pick(names), city: pick(cities), email: `${pick(names)}${id}@example.com` }, items, createdAt: new Date(tsUs / 1000).toISOString() }));
}
const gzCache = [];
for (let i = 0; i < 16; i++) {
  const raw = jsonBody(1000 + i);
  gzCache.push(gzipSync(raw));
}

const paths = ['/api/v1/orders/', '/api/v1/users/', '/api/v1/products/', '/api/v2/carts/'];
function exchange(c) {
  const id = Math.floor(rand() * 1e6);
  const post = rand() < 0.2;
  const p = pick(paths) + id;
  let req;
  if (post) {
    const body = Buffer.from(JSON.stringify({ sku: `SKU-${id}`, qty: 2, note: 'deliver to the back door please' }));
    req = Buffer.concat([Buffer.from(`POST ${p} HTTP/1.1\r\nHost: api.shop.example\r\nUser-Agent: bench-client/1.0\r\nAccept: application/json\r\nContent-Type: application/json\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${id}\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  } else {
    req = Buffer.from(`GET ${p}?limit=20&offset=${id % 100}&fields=id,status HTTP/1.1\r\nHost: api.shop.example\r\nUser-Agent: bench-client/1.0\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${id}\r\n\r\n`);
  }
  send(c, true, req);
  packet(c, false, 0x10, req, 0, 0);
  const r = rand();
  const date = 'Date: Sun, 22 Nov 2026 12:00:00 GMT\r\nServer: bench-api\r\n';
  let res;
  if (r < 0.15) {
    const body = pick(gzCache);
    res = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\n${date}Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  } else if (r < 0.35) {
    const body = jsonBody(id);
    const half = body.length >> 1;
    res = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\n${date}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${half.toString(16)}\r\n`),
      body.subarray(0, half),
      Buffer.from(`\r\n${(body.length - half).toString(16)}\r\n`),
      body.subarray(half),
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
  } else {
    const body = jsonBody(id);
    res = Buffer.concat([Buffer.from(`HTTP/1.1 ${post ? 201 : 200} ${post ? 'Created' : 'OK'}\r\n${date}Content-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  }
  send(c, false, res);
  packet(c, true, 0x10, res, 0, 0);
}

const CONC = 64;
let connId = 0;
function newConn() {
  connId++;
  const c = {
    cip: (10 << 24) | (1 << 16) | (connId % 250 << 8) | 10,
    sip: (10 << 24) | (9 << 16) | 1,
    cport: 20000 + (connId % 40000),
    cseq: Math.floor(rand() * 2 ** 32) >>> 0,
    sseq: Math.floor(rand() * 2 ** 32) >>> 0,
    ipId: 1,
    left: perConnection > 0 ? perConnection : 50 + Math.floor(rand() * 150),
  };
  packet(c, true, 0x02, null, 0, 0);
  packet(c, false, 0x12, null, 0, 0);
  packet(c, true, 0x10, null, 0, 0);
  return c;
}
function closeConn(c) {
  packet(c, true, 0x11, null, 0, 0);
  packet(c, false, 0x11, null, 0, 0);
  packet(c, true, 0x10, null, 0, 0);
}

const conns = Array.from({ length: CONC }, newConn);
let exchanges = 0;
while (written + pos < targetBytes) {
  const i = Math.floor(rand() * CONC);
  const c = conns[i];
  exchange(c);
  exchanges++;
  if (--c.left <= 0) {
    closeConn(c);
    conns[i] = newConn();
  }
}
for (const c of conns) closeConn(c);
flush();
closeSync(fd);
console.log(JSON.stringify({ file: out, bytes: written, exchanges, connections: connId }));
