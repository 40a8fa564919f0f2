import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@overhear/model';
import { captureFormat, readCapture } from '../src/index.js';
import { epb, httpConversation, idb, pcapFile, reversedTinySegments, shb, spb } from './fixtures.js';
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
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
  });

  it('a flood of tiny out-of-order segments stays bounded and fast', async () => {
    const t = Date.now();
    const r = await ingestBytes(pcapFile(reversedTinySegments(50_000)), 'flood.pcap');
    assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
    assert.ok(r.stats.counters.evictions! > 0);
    assert.ok(r.stats.counters.bufferedBytesPeak! <= 4 * 1024 * 1024 + 65_536);
    assert.equal(r.exchanges.length, 1);
    assert.equal(r.exchanges[0]!.response?.body?.length, 50_000);
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
