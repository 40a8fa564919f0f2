#!/usr/bin/env node
// A capture of short TLS connections to port 443 (handshake, a ClientHello, a record each way, FINs):
// what the fast path must leave to JS, to measure what handing connections over costs on traffic that
// is not HTTP. Writes bench/out/tls-connections-N.pcap (20,000 connections, 45 MB by default) and
// prints its path, for `node bench/pcap/ab.mjs --runs 10 FILE` against another build.
// Usage: node bench/pcap/tls-connections.mjs [connections]   (needs `npx tsc -b packages/testkit`)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { pcapFile, tcpConversation } = await import('../../packages/testkit/dist/src/index.js');
const n = Number(process.argv[2] ?? 20_000);
// a ClientHello naming example.com (its bytes matter only as far as telling TLS from HTTP)
const hello = Buffer.from(
  '16030100a5010000a10303' + '00'.repeat(32) + '00000a00130013011302c02bc02f00ff0100006e0000000e000c0000096578616d706c652e636f6d' + '00'.repeat(80),
  'hex',
);
const pkts = [];
for (let i = 0; i < n; i++) {
  const turns = [[true, hello], [false, Buffer.alloc(1200, 0x17)], [true, Buffer.alloc(300, 0x17)]];
  pkts.push(...tcpConversation(turns, { t0: 1_700_000_000_000 + i * 2, clientPort: 10_000 + (i % 50_000), serverPort: 443 }));
}
pkts.sort((a, b) => a.tsMs - b.tsMs);
const out = resolve(here, '../out', `tls-connections-${n}.pcap`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, pcapFile(pkts));
console.log(join(out));
