/**
 * Real HTTP/1.1 traffic between a Node server and clients on 127.0.0.1,
 * captured by tcpdump (root) on `lo` (Ethernet) and on `any` (Linux cooked v2).
 */
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { ingestFile, startTcpdump } from './helpers.js';

export const BIG_BODY = 3 * 1024 * 1024;
export const BOMB_SIZE = 64 * 1024 * 1024;

const itemJson = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.5 })) });

function server(): http.Server {
  const bomb = gzipSync(Buffer.alloc(BOMB_SIZE));
  const big = Buffer.alloc(BIG_BODY, 'x');
  const s = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      switch (url.pathname) {
        case '/api/items':
          if (req.method === 'POST') {
            res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ created: true, echo: Buffer.concat(chunks).length }));
          } else {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(itemJson) });
            res.end(req.method === 'HEAD' ? undefined : itemJson);
          }
          return;
        case '/chunked-gzip': {
          const gz = gzipSync(Buffer.from(itemJson));
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'transfer-encoding': 'chunked', trailer: 'x-checksum' });
          res.write(gz.subarray(0, 20));
          res.write(gz.subarray(20));
          res.addTrailers({ 'x-checksum': 'abc' });
          res.end();
          return;
        }
        case '/gzip-then-deflate':
          // a transfer coding over a content coding: undone in the reverse order (deflate, then gzip)
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'transfer-encoding': 'deflate, chunked' });
          res.end(deflateSync(gzipSync(Buffer.from(itemJson))));
          return;
        case '/deflate-raw':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' }).end(deflateRawSync(Buffer.from(itemJson)));
          return;
        case '/br':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' }).end(brotliCompressSync(Buffer.from(itemJson)));
          return;
        case '/bomb':
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
          return;
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': big.length }).end(big);
          return;
        case '/empty':
          res.writeHead(204).end();
          return;
        case '/cached':
          res.writeHead(304, { etag: '"1"' }).end();
          return;
        case '/upload':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: Buffer.concat(chunks).length }));
          return;
        case '/close':
          // HTTP/1.0-style: no length, body ends when the connection closes
          res.socket?.write('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
          res.socket?.end();
          return;
        default:
          res.writeHead(200, { 'content-type': 'text/plain' }).end(`path ${url.pathname}`);
      }
    });
  });
  s.on('upgrade', (_req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n');
    socket.write(Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]));
    socket.end();
  });
  s.on('connect', (_req, socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    socket.write('SSH-2.0-tunnelled bytes, not HTTP\r\n');
    socket.end();
  });
  return s;
}

function request(port: number, agent: http.Agent, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { host: `api.local:${port}`, ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Writes raw bytes on a new connection and reads until the server closes. */
async function raw(port: number, bytes: string, endAfter = false): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  await once(sock, 'connect');
  sock.write(bytes);
  if (endAfter) sock.end();
  sock.resume();
  await once(sock, 'close');
}

/** A TLS ClientHello with a server name, sent to a server that does not speak TLS. */
async function tlsHello(port: number, servername: string): Promise<void> {
  const sock = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
  await new Promise<void>((resolve) => {
    sock.on('error', () => undefined);
    sock.on('close', () => resolve());
  });
}

async function settled(files: string[]): Promise<void> {
  const size = (): string => files.map((f) => (existsSync(f) ? statSync(f).size : -1)).join(',');
  let last = size();
  let stableSince = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = size();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 800) return;
  }
}

export interface LoopbackCapture {
  ethernet: string;
  sll2: string;
  port: number;
  /** Packets tcpdump reported dropped by the kernel (0 for a faithful capture). */
  dropped: number;
}

/**
 * On a loaded machine the kernel can drop packets before tcpdump reads them;
 * such a capture is not the traffic that was sent, so it is taken again.
 */
export async function captureLoopback(dir: string, attempts = 3): Promise<LoopbackCapture> {
  for (let i = 1; ; i++) {
    const cap = await captureOnce(dir);
    if (i >= attempts || (cap.dropped === 0 && (await complete(cap.ethernet)) && (await complete(cap.sll2)))) return cap;
  }
}

/** A capture of the scripted traffic is complete when no byte of it is missing (no TCP gap). */
async function complete(file: string): Promise<boolean> {
  const { exchanges, stats } = await ingestFile(file);
  return (stats.counters.gaps ?? 0) === 0 && !exchanges.some((e) => e.flags?.includes('body-gap'));
}

async function captureOnce(dir: string): Promise<LoopbackCapture> {
  const s = server();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  const ethernet = join(dir, 'lo.pcap');
  const sll2 = join(dir, 'any-sll2.pcap');
  let dropped = 0;
  const d1 = await startTcpdump(['-i', 'lo', '-w', ethernet, `tcp port ${port}`]);
  const d2 = await startTcpdump(['-i', 'any', '-y', 'LINUX_SLL2', '-w', sll2, `tcp port ${port}`]);
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await request(port, agent, 'GET', '/api/items?color=dark%20red&tag=a&tag=b&q=x+y');
    await request(port, agent, 'POST', '/api/items', JSON.stringify({ name: 'new', email: 'a@example.com' }), { 'content-type': 'application/json' });
    await request(port, agent, 'HEAD', '/api/items');
    await request(port, agent, 'GET', '/chunked-gzip');
    await request(port, agent, 'GET', '/deflate-raw');
    await request(port, agent, 'GET', '/gzip-then-deflate');
    await request(port, agent, 'GET', '/br');
    await request(port, agent, 'GET', '/empty');
    await request(port, agent, 'GET', '/cached');
    await request(port, agent, 'POST', '/upload', 'x'.repeat(5000), { expect: '100-continue', 'content-type': 'text/plain' });
    await request(port, agent, 'GET', '/bomb');
    await request(port, agent, 'GET', '/big');
    agent.destroy();
    // pipelining: three requests in one write, responses come back in order
    await raw(port, ['/p1', '/p2', '/p3'].map((p) => `GET ${p} HTTP/1.1\r\nHost: pipe.local\r\n\r\n`).join('') + 'GET /p4 HTTP/1.1\r\nHost: pipe.local\r\nConnection: close\r\n\r\n');
    await raw(port, 'GET /ws HTTP/1.1\r\nHost: ws.local\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await raw(port, 'CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n');
    await raw(port, 'GET /close HTTP/1.0\r\nHost: close.local\r\n\r\n');
    await tlsHello(port, 'secure.example.com');
    await raw(port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', true);
    // a CL.TE smuggling attempt and a second Host header: Node's server refuses both (400), the capture keeps them
    await raw(port, 'POST /smuggle HTTP/1.1\r\nHost: smuggle.local\r\nContent-Length: 30\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nX: y', true);
    await raw(port, 'GET /twohosts HTTP/1.1\r\nHost: a.local\r\nHost: b.local\r\n\r\n', true);
    // tcpdump may lag on a busy machine: wait until both files stop growing
    await settled([ethernet, sll2]);
  } finally {
    dropped = (await d1.stop()) + (await d2.stop());
    s.close();
  }
  return { ethernet, sll2, port, dropped };
}
