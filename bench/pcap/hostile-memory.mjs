#!/usr/bin/env node
// Memory that two hostile captures make the reader hold, as live JS heap (measured after a full GC at each
// turn of the event loop the reader gives, every 50 ms, so a peak between two can be missed): a response body of a million one-byte
// chunks, and requests with 12,000 headers each that are never answered (with the default maxMessageBytes
// cap, and with no cap). PCAP_DIST=dir measures another build of @overhear/pcap (see ab.mjs).
// Usage: node bench/pcap/hostile-memory.mjs   (needs `npx tsc -b packages/pcap packages/testkit`)
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const dist = process.env.PCAP_DIST ? pathToFileURL(resolve(process.env.PCAP_DIST, 'src/index.js')).href : '../../packages/pcap/dist/src/index.js';
const { readCapture } = await import(dist);
const { bytesAsFile, pcapFile, tcpConversation, unansweredRequests } = await import('../../packages/testkit/dist/src/index.js');

function oneByteChunks(n) {
  const res = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'), Buffer.from('1\r\nX\r\n'.repeat(n) + '0\r\n\r\n')]);
  const turns = [[true, Buffer.from('GET /x HTTP/1.1\r\nHost: h\r\n\r\n')]];
  for (let i = 0; i < res.length; i += 1400) turns.push([false, res.subarray(i, i + 1400)]);
  return pcapFile(tcpConversation(turns));
}

/** Reads `file` as ingest does (a file, bodies read back), keeping nothing; peak live heap above the start. */
async function measure(file, engine, caps) {
  globalThis.gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const sample = () => {
    globalThis.gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  };
  const timer = setInterval(sample, 10);
  let exchanges = 0;
  const t0 = performance.now();
  const src = readCapture(bytesAsFile(file), { file: 'hostile.pcap', engine, ...(caps ? { caps } : {}) });
  for await (const batch of src.batches()) {
    exchanges += batch.length;
    // the bodies read, as a sampled exchange's are (they must be whole)
    for (const ex of batch) void ex.response?.body?.bytes;
    sample();
  }
  clearInterval(timer);
  const ms = performance.now() - t0;
  return { peakMB: peak / 1e6, exchanges, ms, evicted: src.stats.counters.flowsEvicted ?? 0 };
}

console.log(`node ${process.version}  ${new Date().toISOString()}  ${process.env.PCAP_DIST ? `build ${process.env.PCAP_DIST}` : 'this build'}`);
console.log('| capture | MB | engine | caps | peak live heap MB | exchanges | flows closed | s |');
console.log('|---|---:|---|---|---:|---:|---:|---:|');
const cases = [
  ['a body of 1,000,000 one-byte chunks', oneByteChunks(1_000_000), [['js'], ['fast']]],
  ['10 connections × 50 unanswered 60 KB heads', pcapFile(unansweredRequests(10, 50)), [['fast'], ['fast', { maxMessageBytes: Infinity }]]],
];
for (const [name, file, runs] of cases) {
  for (const [engine, caps] of runs) {
    const r = await measure(file, engine, caps);
    console.log(`| ${name} | ${(file.length / 1e6).toFixed(1)} | ${engine} | ${caps ? 'no maxMessageBytes' : 'defaults'} | ${r.peakMB.toFixed(1)} | ${r.exchanges} | ${r.evicted} | ${(r.ms / 1e3).toFixed(2)} |`);
  }
}
