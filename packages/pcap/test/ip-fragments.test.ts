import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { corpora, httpConversation, pcapFile, type Pkt } from '@overhear/testkit';
import { ingestBytes, ingestFile } from './helpers.js';

/** Splits an Ethernet/IPv4 frame's IP payload into fragments of `sizes` bytes (multiples of 8 but the last). */
function fragmentV4(frame: Buffer, sizes: number[], id = 0x1234): Buffer[] {
  const ihl = (frame[14]! & 15) * 4;
  const payload = frame.subarray(14 + ihl);
  const out: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < sizes.length; i++) {
    const part = payload.subarray(off, off + sizes[i]!);
    const f = Buffer.concat([frame.subarray(0, 14 + ihl), part]);
    f.writeUInt16BE(ihl + part.length, 16);
    f.writeUInt16BE(id, 18);
    f.writeUInt16BE((i < sizes.length - 1 ? 0x2000 : 0) | (off / 8), 20);
    out.push(f);
    off += part.length;
  }
  assert.equal(off, payload.length, 'fragment sizes cover the payload');
  return out;
}

/** The same frame as Ethernet/IPv6 (addresses ::a:b:c:d mapped from the IPv4 ones), in fragments of `sizes`. */
function fragmentV6(frame: Buffer, sizes: number[], id = 0xbeef): Buffer[] {
  const ihl = (frame[14]! & 15) * 4;
  const payload = frame.subarray(14 + ihl);
  const eth = Buffer.from(frame.subarray(0, 14));
  eth.writeUInt16BE(0x86dd, 12);
  const ip6 = Buffer.alloc(40);
  ip6[0] = 0x60;
  ip6[7] = 64;
  frame.copy(ip6, 20, 14 + 12, 14 + 16);
  frame.copy(ip6, 36, 14 + 16, 14 + 20);
  const out: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < sizes.length; i++) {
    const part = payload.subarray(off, off + sizes[i]!);
    const h = Buffer.from(ip6);
    h.writeUInt16BE(8 + part.length, 4);
    h[6] = 44;
    const fh = Buffer.alloc(8);
    fh[0] = 6; // TCP follows
    fh.writeUInt16BE(off | (i < sizes.length - 1 ? 1 : 0), 2);
    fh.writeUInt32BE(id, 4);
    out.push(Buffer.concat([eth, h, fh, part]));
    off += part.length;
  }
  return out;
}

/** The conversation with the request packet (index 3) replaced by `frags`, in that order. */
function withFragments(frags: Buffer[], t0 = 1_700_000_000_000): Pkt[] {
  const conv = httpConversation('/fragmented/path', t0);
  const pre = conv.slice(0, 3);
  const post = conv.slice(4);
  return [...pre, ...frags.map((data, i) => ({ data, tsMs: conv[3]!.tsMs + i / 10 })), ...post];
}

const request = (): Buffer => httpConversation('/fragmented/path')[3]!.data;

describe('IP fragment reassembly', () => {
  it('reassembles IPv4 fragments that arrive out of order', async () => {
    const f = fragmentV4(request(), [24, 16, 34]);
    const r = await ingestBytes(pcapFile(withFragments([f[2]!, f[0]!, f[1]!])));
    assert.deepEqual(r.exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.response?.status}`), ['GET /fragmented/path 200']);
    assert.equal(r.stats.counters.ipFragments, 3);
    assert.equal(r.stats.counters.ipDatagramsReassembled, 1);
    assert.deepEqual(r.stats.skipped, {}, 'nothing lost');
  });

  it('reassembles IPv6 fragments', async () => {
    const f = fragmentV6(request(), [32, 42]);
    const r = await ingestBytes(pcapFile(withFragments(f)));
    // the response still comes over IPv4: only the request is looked for
    assert.equal(r.stats.counters.ipDatagramsReassembled, 1);
    assert.ok(r.exchanges.some((e) => e.request.path === '/fragmented/path' && e.client!.ip.includes(':')), JSON.stringify(r.exchanges.map((e) => e.client)));
  });

  it('accepts an identical duplicate fragment and drops a datagram whose overlaps disagree', async () => {
    const f = fragmentV4(request(), [24, 16, 34]);
    const dup = await ingestBytes(pcapFile(withFragments([f[0]!, f[1]!, f[1]!, f[2]!])));
    assert.equal(dup.exchanges.length, 1);
    // a second copy of the middle fragment with other bytes: the TCP payload would depend on which one a reader keeps
    const evil = Buffer.from(f[1]!);
    evil[evil.length - 1] = evil[evil.length - 1]! ^ 0x20;
    const r = await ingestBytes(pcapFile(withFragments([f[0]!, f[1]!, evil, f[2]!])));
    assert.equal(r.stats.skipped['ip-fragment-overlap'], 1);
    assert.ok(!r.exchanges.some((e) => e.request.path === '/fragmented/path'));
  });

  it('counts a datagram that never completes, and one that completes too late', async () => {
    const f = fragmentV4(request(), [24, 16, 34]);
    const missing = await ingestBytes(pcapFile(withFragments([f[0]!, f[2]!])));
    assert.equal(missing.stats.skipped['ip-fragment-incomplete'], 1);
    assert.ok(!missing.exchanges.some((e) => e.request.path === '/fragmented/path'));
    const pkts = withFragments([f[0]!, f[1]!]);
    const late: Pkt = { data: f[2]!, tsMs: pkts[pkts.length - 1]!.tsMs + 31_000 };
    const r = await ingestBytes(pcapFile([...pkts, late]));
    assert.equal(r.stats.skipped['ip-fragment-timeout'], 1);
  });

  it('does not hold a fragment cut by the snap length', async () => {
    const f = fragmentV4(request(), [24, 16, 34]);
    const cut = f[1]!.subarray(0, f[1]!.length - 4);
    const r = await ingestBytes(pcapFile(withFragments([f[0]!, cut, f[2]!])));
    assert.equal(r.stats.skipped['ip-fragment-truncated'], 1);
    assert.equal(r.stats.skipped['ip-fragment-incomplete'], 1);
  });

  it('refuses fragments beyond 65,535 bytes and holds a bounded number of datagrams', async () => {
    const f = fragmentV4(request(), [24, 16, 34]);
    const huge = Buffer.from(f[2]!);
    huge.writeUInt16BE(0x1fff, 20); // offset 65,528 + 34 bytes
    const r = await ingestBytes(pcapFile(withFragments([f[0]!, huge])));
    assert.equal(r.stats.skipped['ip-fragment-malformed'], 1);
    // 5,000 first fragments of distinct datagrams, none ever completed: the default cap holds
    const many: Pkt[] = [];
    for (let i = 0; i < 5000; i++) many.push({ data: fragmentV4(request(), [24, 16, 34], i)[0]!, tsMs: 1_700_000_000_000 + i });
    const flood = await ingestBytes(pcapFile(many));
    assert.equal(flood.stats.counters.ipFragments, 1024);
    assert.equal(flood.stats.skipped['ip-fragment-over-cap'], 5000 - 1024);
    assert.equal(flood.stats.skipped['ip-fragment-incomplete'], 1024);
    // and the byte cap: 24-byte first fragments, 100 bytes allowed → 4 held
    const bytes = await ingestBytes(pcapFile(many.slice(0, 10)), 'fixture.pcap', 65_536, { maxFragmentBytes: 100 });
    assert.equal(bytes.stats.counters.ipFragments, 4);
    assert.equal(bytes.stats.skipped['ip-fragment-over-cap'], 6);
  });

  const zeek = corpora('zeek');
  it('decodes the HTTP inside a fragmented GTP tunnel (Zeek trace)', { skip: !zeek && 'corpora absent' }, async () => {
    const r = await ingestFile(join(zeek!, 'traces/tunnels/gtp/gtp1_gn_normal_incl_fragmentation.pcap'));
    assert.ok(r.exchanges.some((e) => e.request.path === '/videoplayback'), JSON.stringify(r.stats.skipped));
    assert.equal(r.stats.counters.ipFragments, 76);
    assert.equal(r.stats.counters.ipDatagramsReassembled, 36);
    // four first fragments have no second one in the trace (tshark's ip.id/ip.flags.mf/ip.frag_offset agree)
    assert.equal(r.stats.skipped['ip-fragment-incomplete'], 4);
    assert.equal(r.stats.skipped['ip-fragment-overlap'], undefined);
  });
});
