import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, type Exchange } from '@overhear/model';
import { captureFormat, readCapture } from '../src/index.js';
import { epb, httpConversation, idb, ipv4Tcp, pcapFile, reversedTinySegments, shb, spb, tcpConversation, unansweredRequests, bytesAsFile, type Pkt } from '@overhear/testkit';
import { ingestBytes } from './helpers.js';

async function rejects(bytes: Uint8Array, file: string, offset: number, message: RegExp): Promise<void> {
  await assert.rejects(ingestBytes(bytes, file), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.file, file);
    assert.equal(e.offset, offset);
    assert.match(e.message, message);
    assert.ok(e.message.startsWith(file), 'the message names the file');
    return true;
  });
}

describe('bad input', () => {
  it('sniffs the format from the magic number', () => {
    assert.equal(captureFormat(pcapFile([]).subarray(0, 4)), 'pcap');
    assert.equal(captureFormat(Buffer.from([0xa1, 0xb2, 0xc3, 0xd4])), 'pcap');
    assert.equal(captureFormat(Buffer.from([0x4d, 0x3c, 0xb2, 0xa1])), 'pcap');
    assert.equal(captureFormat(shb()), 'pcapng');
    assert.equal(captureFormat(Buffer.from('{"log":')), undefined);
    assert.equal(captureFormat(Buffer.from([0xa1])), undefined);
  });

  it('zero-length input is an InputError before any exchange', async () => {
    await rejects(Buffer.alloc(0), 'empty.pcap', 0, /empty input/);
  });

  it('random bytes and unknown magic are InputErrors', async () => {
    let x = 12345;
    const junk = Buffer.alloc(4096, 0).map(() => (x = (x * 1103515245 + 12345) & 0x7fffffff) & 255);
    junk[0] = 0x42;
    await rejects(junk, 'random.bin', 0, /not a pcap or pcapng capture/);
    await rejects(Buffer.from([0xd4, 0xc3]), 'tiny.pcap', 0, /too short/);
  });

  it('a file cut inside its header is an InputError', async () => {
    await rejects(pcapFile([]).subarray(0, 20), 'cut.pcap', 0, /inside the pcap header/);
  });

  it('an unknown link type as the only interface is an InputError', async () => {
    await rejects(pcapFile(httpConversation('/a'), 147), 'user0.pcap', 20, /unsupported link type 147/);
    const ng = Buffer.concat([shb(), idb(147), ...httpConversation('/a').map((p) => epb(0, p))]);
    await rejects(ng, 'user0.pcapng', 28 + 20, /unsupported link type 147/);
  });

  it('with several interfaces, packets of an unknown link type are counted and skipped', async () => {
    const conv = httpConversation('/kept');
    const ng = Buffer.concat([shb(), idb(147), idb(1), ...conv.map((p) => epb(0, p)), ...conv.map((p) => epb(1, p))]);
    const r = await ingestBytes(ng, 'two.pcapng');
    assert.equal(r.exchanges.length, 1);
    assert.equal(r.exchanges[0]!.request.path, '/kept');
    assert.equal(r.stats.skipped['linktype-147'], conv.length);
  });

  it('a truncated last packet: exchanges before it, then stats.fault naming the offset', async () => {
    const good = pcapFile([...httpConversation('/one', 1_700_000_000_000, 40001), ...httpConversation('/two', 1_700_000_001_000, 40002)]);
    const cut = good.subarray(0, good.length - 30);
    const r = await ingestBytes(cut, 'truncated.pcap', 100);
    assert.deepEqual(r.exchanges.map((e) => e.request.path), ['/one', '/two']);
    assert.match(r.stats.fault!.message, /file ends inside a packet record/);
    const lastRecord = good.length - (16 + httpConversation('/x')[7]!.data.length);
    assert.equal(r.stats.fault!.offset, lastRecord);
  });

  it('a packet claiming more bytes than the file or the cap: fault, earlier exchanges kept, no big allocation', async () => {
    const good = pcapFile(httpConversation('/before'));
    const liar = Buffer.alloc(16 + 10);
    liar.writeUInt32LE(0x7fff_ffff, 8);
    const r = await ingestBytes(Buffer.concat([good, liar]), 'liar.pcap');
    assert.deepEqual(r.exchanges.map((e) => e.request.path), ['/before']);
    assert.match(r.stats.fault!.message, /claims 2147483647 bytes/);
    assert.equal(r.stats.fault!.offset, good.length);

    const short = Buffer.alloc(16 + 10);
    short.writeUInt32LE(5000, 8);
    const r2 = await ingestBytes(Buffer.concat([good, short]), 'short.pcap');
    assert.equal(r2.exchanges.length, 1);
    assert.equal(r2.stats.fault!.offset, good.length);
  });

  it('pcapng with a corrupt block length: fault at the length field, earlier exchanges kept', async () => {
    const conv = httpConversation('/ng');
    const good = Buffer.concat([shb(), idb(1), ...conv.map((p) => epb(0, p))]);
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(6, 0);
    bad.writeUInt32LE(7, 4);
    const r = await ingestBytes(Buffer.concat([good, bad]), 'corrupt.pcapng');
    assert.deepEqual(r.exchanges.map((e) => e.request.path), ['/ng']);
    assert.match(r.stats.fault!.message, /corrupt pcapng block length 7/);
    assert.equal(r.stats.fault!.offset, good.length + 4);

    // trailing length that differs from the leading one
    const blk = epb(0, conv[0]!);
    blk.writeUInt32LE(blk.length + 4, blk.length - 4);
    const r2 = await ingestBytes(Buffer.concat([good, blk]), 'trailer.pcapng');
    assert.equal(r2.exchanges.length, 1);
    assert.match(r2.stats.fault!.message, /trailing length/);
  });

  it('pcapng: simple packet blocks, if_tsresol, skipped unknown blocks', async () => {
    const conv = httpConversation('/spb');
    const unknown = Buffer.alloc(12 + 1000);
    unknown.writeUInt32LE(0x0bad, 0);
    unknown.writeUInt32LE(unknown.length, 4);
    unknown.writeUInt32LE(unknown.length, unknown.length - 4);
    const r = await ingestBytes(Buffer.concat([shb(), idb(1), unknown, ...conv.map(spb)]), 'spb.pcapng', 64);
    assert.equal(r.exchanges[0]?.request.path, '/spb');
    // nanosecond resolution: timestamps in 1e-9 s units
    const ns = await ingestBytes(Buffer.concat([shb(), idb(1, 9), ...conv.map((p) => epb(0, p, 1_000_000))]), 'ns.pcapng', 50);
    assert.equal(ns.exchanges[0]?.startedAt, conv[3]!.tsMs);
  });

  it('pathological heads (60 KB of spaces or dots) are read in linear time', async () => {
    const t = Date.now();
    for (const filler of [' ', '.', ' H', 'HTTP/ ']) {
      const line = Buffer.from(`GET /a${filler.repeat(Math.floor(60_000 / filler.length))}b HTTP/1.1\r\nHost: x\r\n\r\n`);
      const r = await ingestBytes(pcapFile(httpConversation('/', 1_700_000_000_000, 40000, line)), 'slow.pcap');
      assert.equal(r.stats.fault, undefined);
    }
    assert.ok(Date.now() - t < 10_000, `took ${Date.now() - t} ms (a backtracking parse takes far longer)`);
  });

  it('a body in a million one-byte chunks costs its bytes, not an object per chunk (either engine, copied or left in the file)', async () => {
    const n = 1_000_000;
    const res = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'), Buffer.from('1\r\nX\r\n'.repeat(n) + '0\r\n\r\n')]);
    const turns: Array<[boolean, Buffer]> = [[true, Buffer.from('GET /x HTTP/1.1\r\nHost: h\r\n\r\n')]];
    for (let i = 0; i < res.length; i += 1400) turns.push([false, res.subarray(i, i + 1400)]);
    const file = pcapFile(tcpConversation(turns));
    for (const [engine, readBack] of [['js', false], ['fast', false], ['fast', true]] as const) {
      const f = bytesAsFile(file);
      const input = readBack ? f : { readInto: f.readInto };
      const heap0 = process.memoryUsage().heapUsed;
      let peak = heap0;
      const exchanges: Exchange[] = [];
      for await (const batch of readCapture(input, { file: 'chunks.pcap', engine }).batches!()) {
        exchanges.push(...batch);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      const body = exchanges[0]!.response!.body!;
      assert.equal(body.length, n, engine);
      assert.equal(Buffer.from(body.bytes).toString('latin1'), 'X'.repeat(n), engine);
      // an object per chunk took 140-150 MB of heap here (7 MB on the wire)
      assert.ok(peak - heap0 < 40e6, `${engine}${readBack ? ', read back' : ''}: the heap grew by ${((peak - heap0) / 1e6).toFixed(1)} MB`);
    }
  });

  it('requests never answered, thousands of headers each, stay within the message cap: the least active flows are closed', async () => {
    // ten connections pipelining twenty 60 KB heads of 12,000 headers each, never answered
    const file = pcapFile(unansweredRequests(10, 20));
    const cap = 8 * 1024 * 1024;
    for (const engine of ['js', 'fast'] as const) {
      const r = await ingestBytes(file, 'heads.pcap', 65_536, { maxMessageBytes: cap }, engine);
      const c = r.stats.counters;
      // every request is an exchange without an answer: whole, or cut where its flow was closed (the rest of the head is skipped)
      assert.equal(r.exchanges.length, 200, engine);
      assert.ok(r.exchanges.every((ex) => ex.response === undefined));
      assert.ok(r.exchanges.filter((ex) => ex.request.headers.length === 12_001).length >= 100, engine);
      assert.ok(c.flowsEvicted! > 0, `${engine}: ${c.flowsEvicted} flows closed`);
      // checked once per 64 KiB slice, so heads completing in that slice go past the cap (~1.2 MB of estimate each);
      // without the cap all 200 would be held: ~235 MB of estimate
      assert.ok(c.messageBytesPeak! > cap && c.messageBytesPeak! < 2 * cap, `${engine}: peak ${c.messageBytesPeak}`);
      assert.equal(c.messageBytes, 0, `${engine}: every message let go`);
    }
  });

  it('a flood of tiny out-of-order segments stays bounded and fast', async () => {
    const t = Date.now();
    const r = await ingestBytes(pcapFile(reversedTinySegments(50_000)), 'flood.pcap');
    assert.ok(Date.now() - t < 20_000, `took ${Date.now() - t} ms`);
    assert.ok(r.stats.counters.evictions! > 0);
    assert.ok(r.stats.counters.bufferedBytesPeak! <= 4 * 1024 * 1024 + 65_536);
    assert.equal(r.exchanges.length, 1);
    assert.equal(r.exchanges[0]!.response?.body?.length, 50_000);
  });

  it('sequence numbers wrapping past 2^32, and port reuse by a new SYN', async () => {
    const wrap = await ingestBytes(pcapFile(httpConversation('/wrap', 1_700_000_000_000, 40000, undefined, [0xffff_ffe0, 0xffff_fff0])), 'wrap.pcap');
    assert.equal(wrap.exchanges[0]?.request.path, '/wrap');
    assert.equal(wrap.exchanges[0]?.response?.body?.length, 11);
    // the first connection is abandoned without FIN; the same ports are reused with a new ISN
    const first = httpConversation('/first', 1_700_000_000_000, 40000, undefined, [1000, 5000]).slice(0, 5);
    const second = httpConversation('/second', 1_700_000_001_000, 40000, undefined, [900_000, 700_000]);
    const r = await ingestBytes(pcapFile([...first, ...second]), 'reuse.pcap');
    assert.deepEqual(r.exchanges.map((e) => [e.request.path, e.response?.status]), [['/first', 200], ['/second', 200]]);
    assert.equal(r.stats.counters.flows, 2);
  });

  it('an idle connection times out (capture time) and its request is reported without response', async () => {
    const quiet = httpConversation('/no-answer', 1_700_000_000_000, 40001).slice(0, 4);
    const later = httpConversation('/later', 1_700_000_000_000 + 600_000, 40002);
    const r = await ingestBytes(pcapFile([...quiet, ...later]), 'idle.pcap');
    assert.deepEqual(r.exchanges.map((e) => [e.request.path, e.response?.status]), [['/no-answer', undefined], ['/later', 200]]);
    assert.equal(r.stats.counters.flowsTimedOut, 1);
  });

  it('a lost segment of a request head: the answer still pairs with it; a late body segment is not lost', async () => {
    const c = [10, 0, 0, 1];
    const sv = [10, 0, 0, 2];
    const t0 = 1_700_000_000_000;
    const res = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const conv = (first: Buffer, rest: Buffer | undefined, total: number): Pkt[] => [
      { data: ipv4Tcp(c, sv, 40000, 80, 1000, 0, 0x02, Buffer.alloc(0)), tsMs: t0 },
      { data: ipv4Tcp(sv, c, 80, 40000, 5000, 1001, 0x12, Buffer.alloc(0)), tsMs: t0 },
      { data: ipv4Tcp(c, sv, 40000, 80, 1001, 5001, 0x18, first), tsMs: t0 + 1 },
      // the server acknowledges the whole request with its answer before the rest shows up (or never)
      { data: ipv4Tcp(sv, c, 80, 40000, 5001, 1001 + total, 0x18, res), tsMs: t0 + 3 },
      ...(rest ? [{ data: ipv4Tcp(c, sv, 40000, 80, 1001 + first.length, 5001, 0x18, rest), tsMs: t0 + 2 }] : []),
    ];
    // lost: the head was cut; the request is reported, interrupted, with its answer
    const h1 = Buffer.from('POST /cut HTTP/1.1\r\nHost: fixture.local\r\nX-Pad: ');
    const lost = await ingestBytes(pcapFile(conv(h1, undefined, h1.length + 40)), 'lost.pcap');
    assert.equal(lost.exchanges.length, 1);
    assert.equal(lost.exchanges[0]!.response?.status, 200);
    assert.ok(lost.exchanges[0]!.flags?.includes('request-interrupted'));
    assert.equal(lost.stats.skipped['http-response-without-request'], undefined);
    // late: the head was whole, the body segment comes after the answer and is still read
    const head = Buffer.from('POST /late HTTP/1.1\r\nHost: fixture.local\r\nContent-Length: 4\r\n\r\n');
    const late = await ingestBytes(pcapFile(conv(head, Buffer.from('body'), head.length + 4)), 'late.pcap');
    assert.equal(late.exchanges.length, 1);
    assert.equal(Buffer.from(late.exchanges[0]!.request.body!.bytes).toString(), 'body');
    assert.equal(late.exchanges[0]!.response?.status, 200);
    assert.equal(late.exchanges[0]!.flags, undefined);
  });

  it('unfinished heads on many connections stay within the global cap', async () => {
    const pkts = [];
    const partial = Buffer.from('GET /never-ends HTTP/1.1\r\nHost: a.example\r\nX-Slow: ');
    for (let i = 0; i < 2000; i++) pkts.push(...httpConversation('/', 1_700_000_000_000 + i, 2000 + i, partial).slice(0, 4));
    const cap = 256 * 1024;
    const r = await ingestBytes(pcapFile(pkts), 'slowloris.pcap', 65_536, { maxTotalBufferedBytes: cap });
    assert.ok(r.stats.counters.bufferedBytesPeak! <= cap, String(r.stats.counters.bufferedBytesPeak));
    assert.ok(r.stats.skipped['http-head-over-budget']! > 0);
    assert.equal(r.stats.counters.bufferedBytes, 0);
  });

  it('many connections: the flow table stays within maxFlows', async () => {
    const pkts = [];
    for (let i = 0; i < 5000; i++) pkts.push(...httpConversation(`/c${i}`, 1_700_000_000_000 + i, 1024 + i).slice(0, 4));
    const r = await ingestBytes(pcapFile(pkts), 'many.pcap', 65_536, { maxFlows: 500 });
    assert.ok(r.stats.counters.flowsEvicted! > 0);
    assert.equal(r.stats.counters.flows, 5000);
    // requests whose connection was evicted are still reported, without response
    assert.equal(r.exchanges.length, 5000);
  });

  it('never hangs nor throws on fuzzed captures', async () => {
    const good = pcapFile([...httpConversation('/f1', 1_700_000_000_000, 40001), ...httpConversation('/f2', 1_700_000_001_000, 40002)]);
    let x = 99;
    for (let round = 0; round < 300; round++) {
      const b = Buffer.from(good);
      for (let k = 0; k < 8; k++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        const pos = 24 + (x % (b.length - 24));
        b[pos] = x >> 8;
      }
      const src = readCapture(
        (async function* () {
          yield b;
        })(),
        { file: 'fuzz.pcap' },
      );
      try {
        for await (const ex of src) assert.ok(ex.request.method.length > 0);
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
      }
    }
  });
});
