import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '@overhear/model';
import { headerValue } from '@overhear/model';
import { tempDir } from '@overhear/testkit';
import { BIG_BODY, captureLoopback, type LoopbackCapture } from './loopback-traffic.js';
import { byPath, ingestBytes, ingestFile, pcapngToBigEndian, readPcap, run, tcpOf, writePcap, type Ingested } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const has = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const canCapture = isRoot && has('tcpdump');
const hasWiresharkTools = has('editcap') && has('mergecap');

/** What matters of an exchange, to compare two readings of the same traffic. */
function summary(exs: Exchange[]): string[] {
  return exs
    .map((e) => [e.request.method, e.request.host, e.request.path, e.response?.status ?? '-', e.request.body?.length ?? 0, e.response?.body?.length ?? 0, (e.flags ?? []).join('+')].join(' '))
    .sort();
}

describe('real loopback capture (tcpdump on lo and any)', { skip: !canCapture && 'needs root and tcpdump' }, () => {
  const tmp = tempDir('overhear-pcap-lo-');
  let cap: LoopbackCapture;
  let base: Ingested;

  before(async () => {
    cap = await captureLoopback(tmp.dir);
    base = await ingestFile(cap.ethernet);
  });
  after(() => tmp.cleanup());

  it('reads every exchange with host, path, query, status and bodies', () => {
    const { exchanges, stats } = base;
    assert.equal(stats.fault, undefined);
    const items = byPath(exchanges, '/api/items');
    const get = items.find((e) => e.request.method === 'GET')!;
    assert.equal(get.source, 'pcap');
    assert.equal(get.scheme, 'http');
    assert.equal(get.request.host, `api.local:${cap.port}`);
    assert.deepEqual(get.request.query, [['color', 'dark red'], ['tag', 'a'], ['tag', 'b'], ['q', 'x y']]);
    assert.equal(get.response?.status, 200);
    assert.equal(headerValue(get.response!.headers, 'content-type'), 'application/json');
    assert.ok(JSON.parse(Buffer.from(get.response!.body!.bytes).toString()).items.length === 20);
    assert.equal(get.client?.ip, '127.0.0.1');
    assert.equal(get.server?.port, cap.port);
    assert.ok(get.startedAt > 1.7e12 && get.startedAt < 4e12, 'ms since the epoch');
    assert.ok(get.durationMs !== undefined && get.durationMs >= 0);

    const post = items.find((e) => e.request.method === 'POST')!;
    assert.equal(post.response?.status, 201);
    assert.deepEqual(JSON.parse(Buffer.from(post.request.body!.bytes).toString()), { name: 'new', email: 'a@example.com' });

    const head = items.find((e) => e.request.method === 'HEAD')!;
    assert.equal(head.response?.status, 200);
    assert.equal(head.response?.body, undefined, 'HEAD has no body even with Content-Length');

    assert.equal(byPath(exchanges, '/empty')[0]?.response?.status, 204);
    assert.equal(byPath(exchanges, '/cached')[0]?.response?.status, 304);

    const up = byPath(exchanges, '/upload')[0]!;
    assert.equal(up.response?.status, 200, 'the final status, not the interim 100');
    assert.equal(up.request.body?.length, 5000);
  });

  it('undoes chunked framing with trailers and gzip, raw deflate, brotli, and a transfer coding over a content coding', () => {
    const json = (e: Exchange | undefined): unknown => JSON.parse(Buffer.from(e!.response!.body!.bytes).toString());
    const cg = byPath(base.exchanges, '/chunked-gzip')[0]!;
    assert.equal(json(cg) instanceof Object, true);
    assert.equal(headerValue(cg.response!.headers, 'x-checksum'), 'abc', 'trailer kept');
    assert.deepEqual(json(byPath(base.exchanges, '/deflate-raw')[0]), json(cg));
    assert.deepEqual(json(byPath(base.exchanges, '/br')[0]), json(cg));
    // Content-Encoding gzip, Transfer-Encoding deflate: the codings were listed transfer first, so gunzip ran on deflate data
    const layered = byPath(base.exchanges, '/gzip-then-deflate')[0]!;
    assert.deepEqual(json(layered), json(cg));
    assert.equal(layered.flags, undefined);
    assert.equal(cg.flags, undefined);
  });

  it('cuts a gzip bomb off at the decode cap and flags it', () => {
    const b = byPath(base.exchanges, '/bomb')[0]!;
    const body = b.response!.body!;
    assert.ok(b.flags?.includes('decode-capped'));
    assert.ok(body.truncated);
    assert.ok(body.bytes.length <= 1_048_576);
    assert.ok(body.length < 64 * 1024 * 1024, 'decoding stopped before the whole bomb');
    assert.ok(base.stats.counters.bufferedBytesPeak! < 32 * 1024 * 1024);
  });

  it('keeps 1 MiB of a big body and counts its full length', () => {
    const big = byPath(base.exchanges, '/big')[0]!;
    assert.equal(big.response!.body!.length, BIG_BODY);
    assert.equal(big.response!.body!.bytes.length, 1_048_576);
    assert.equal(big.response!.body!.truncated, true);
  });

  it('pairs pipelined responses with requests in order', () => {
    for (const p of ['/p1', '/p2', '/p3', '/p4']) {
      const e = byPath(base.exchanges, p)[0]!;
      assert.equal(e.request.host, 'pipe.local');
      assert.equal(Buffer.from(e.response!.body!.bytes).toString(), `path ${p}`);
    }
  });

  it('flags upgrade and CONNECT and stops parsing those flows', () => {
    const ws = byPath(base.exchanges, '/ws')[0]!;
    assert.equal(ws.response?.status, 101);
    assert.deepEqual(ws.flags, ['upgrade']);
    const c = base.exchanges.find((e) => e.request.method === 'CONNECT')!;
    assert.equal(c.response?.status, 200);
    assert.deepEqual(c.flags, ['connect']);
    assert.equal(c.request.host, 'db.internal:5432');
    assert.equal(base.stats.skipped['http-response-without-request'], undefined, 'tunnel bytes were not parsed as HTTP');
  });

  it('counts TLS connections by server name and HTTP/2 connections without parsing them', () => {
    assert.deepEqual(base.stats.tlsHosts, { 'secure.example.com': 1 });
    assert.equal(base.stats.skipped['tls'], 1);
    assert.equal(base.stats.skipped['http2'], 1);
  });

  it('marks the smuggling attempt and the second Host header the server refused, from real loopback traffic', () => {
    const smuggle = byPath(base.exchanges, '/smuggle')[0]!;
    assert.equal(smuggle.request.framing, 'content-length-and-transfer-encoding');
    assert.equal(smuggle.response?.status, 400, "Node's llhttp refuses it");
    // read as chunked, as the server behind a Content-Length proxy would: the smuggled request is seen
    assert.ok(byPath(base.exchanges, '/admin').length === 1);
    const two = byPath(base.exchanges, '/twohosts')[0]!;
    assert.equal(two.request.hostAnomaly, 'several-host-headers');
    assert.equal(two.request.host, 'a.local');
  });

  it('ends a close-delimited body at FIN', () => {
    const e = byPath(base.exchanges, '/close')[0]!;
    assert.equal(Buffer.from(e.response!.body!.bytes).toString(), 'until the end');
    assert.equal(e.flags, undefined);
  });

  it('reads the same exchanges from Linux cooked v2 (SLL2) on "any"', async () => {
    const sll = await ingestFile(cap.sll2);
    assert.deepEqual(summary(sll.exchanges), summary(base.exchanges));
  });

  it('reads big-endian, nanosecond and chunk-straddling pcap the same', async () => {
    const { header, records } = readPcap(cap.ethernet);
    const be = await ingestBytes(writePcap(header, records, { bigEndian: true }));
    assert.deepEqual(summary(be.exchanges), summary(base.exchanges));
    const ns = await ingestBytes(writePcap(header, records, { nanoseconds: true, bigEndian: true }), 'ns.pcap', 7);
    assert.deepEqual(summary(ns.exchanges), summary(base.exchanges));
    assert.deepEqual(
      ns.exchanges.map((e) => e.startedAt).sort(),
      base.exchanges.map((e) => e.startedAt).sort(),
    );
  });

  it('reads pcapng (editcap), big-endian pcapng, and several interfaces with different link types (mergecap)', { skip: !hasWiresharkTools && 'editcap/mergecap absent' }, async () => {
    const ng = join(tmp.dir, 'lo.pcapng');
    await run('editcap', ['-F', 'pcapng', cap.ethernet, ng]);
    const a = await ingestFile(ng);
    assert.deepEqual(summary(a.exchanges), summary(base.exchanges));
    assert.equal(a.exchanges[0]!.source, 'pcapng');
    const beBytes = pcapngToBigEndian(readFileSync(ng));
    const b = await ingestBytes(beBytes, 'be.pcapng', 1000);
    assert.deepEqual(summary(b.exchanges), summary(base.exchanges));
    // the SLL2 capture replayed an hour later, merged with the Ethernet one: two interfaces, two link types
    const later = join(tmp.dir, 'later.pcap');
    await run('editcap', ['-t', '3600', cap.sll2, later]);
    const merged = join(tmp.dir, 'merged.pcapng');
    await run('mergecap', ['-F', 'pcapng', '-w', merged, cap.ethernet, later]);
    const m = await ingestFile(merged);
    assert.equal(m.exchanges.length, base.exchanges.length * 2);
    assert.deepEqual(summary(m.exchanges.slice(base.exchanges.length)), summary(base.exchanges));
  });

  it('picks up connections without their handshake (SYN-less)', async () => {
    const { header, records } = readPcap(cap.ethernet);
    const noHandshake = records.filter((r) => {
      const t = tcpOf(r.data);
      return !(t && t.flags & 0x02) && !(t && t.payloadLen === 0 && !(t.flags & 0x01));
    });
    const r = await ingestBytes(writePcap(header, noHandshake));
    // every exchange on a kept-alive connection is still found
    const paths = r.exchanges.map((e) => e.request.path);
    for (const p of ['/api/items', '/chunked-gzip', '/big', '/p1', '/p4', '/ws']) assert.ok(paths.includes(p), p);
    assert.deepEqual(summary(r.exchanges), summary(base.exchanges));
  });

  it('reorders out-of-order segments and drops retransmissions', async () => {
    const { header, records } = readPcap(cap.ethernet);
    const shuffled = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const next = records[i + 1];
      const t = tcpOf(r.data);
      const nt = next ? tcpOf(next.data) : undefined;
      if (t && nt && t.payloadLen > 0 && nt.payloadLen > 0 && nt.sport === t.sport && i % 3 === 0) {
        // swap with the next data segment, and retransmit this one later too
        shuffled.push(next!, r, r);
        i++;
        continue;
      }
      shuffled.push(r);
      if (t && t.payloadLen > 0 && i % 5 === 0) shuffled.push(r);
    }
    const r = await ingestBytes(writePcap(header, shuffled));
    assert.deepEqual(summary(r.exchanges), summary(base.exchanges));
    assert.ok(r.stats.counters.retransmittedBytes! > 0);
  });

  it('gives up a permanent hole at the per-flow cap, skipping it inside the body (body-gap)', async () => {
    const { header, records } = readPcap(cap.ethernet);
    // drop one data segment in the middle of the 3 MiB body, and every pure ACK (no ack-above-hole hint)
    const bigSegs = records
      .map((r, i) => ({ i, t: tcpOf(r.data) }))
      .filter((x) => x.t && x.t.payloadLen > 30_000 && x.t.sport === cap.port);
    const drop = bigSegs[Math.floor(bigSegs.length / 2)]!.i;
    const holed = records.filter((r, i) => {
      const t = tcpOf(r.data);
      return i !== drop && !(t && t.payloadLen === 0 && t.flags === 0x10);
    });
    const cap256k = 256 * 1024;
    const r = await ingestBytes(writePcap(header, holed), 'hole.pcap', 65_536, { maxFlowBufferedBytes: cap256k });
    const big = byPath(r.exchanges, '/big')[0]!;
    assert.ok(big.flags?.includes('body-gap'));
    assert.equal(big.response!.body!.length, BIG_BODY, 'the gap counts in the length of a body of known length');
    assert.ok(r.stats.counters.evictions! >= 1);
    assert.ok(r.stats.counters.gaps! >= 1);
    // held out-of-order bytes stay within the cap plus one segment; kept body bytes are capped apart
    assert.ok(r.stats.counters.bufferedBytesPeak! <= cap256k + 65_536 + 1_048_576 + 65_536, String(r.stats.counters.bufferedBytesPeak));
    // what follows the hole on the same connection is still read
    assert.ok(r.exchanges.length >= base.exchanges.length - 1);
  });

  it('keeps the global cap across flows', async () => {
    const r = await ingestFile(cap.ethernet, { maxTotalBufferedBytes: 512 * 1024 });
    assert.ok(r.stats.counters.bufferedBytesPeak! <= 512 * 1024 + 65_536);
    const big = byPath(r.exchanges, '/big')[0]!;
    assert.equal(big.response!.body!.length, BIG_BODY);
    assert.ok(big.response!.body!.bytes.length <= 512 * 1024);
  });
});
