import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Body, Exchange } from '@overhear/model';
import { capture, captureFiles, corpora, httpConversation, ipv4Tcp, keepAliveConversation, pcapFile, tcpConversation, type Pkt } from '@overhear/testkit';
import { fastPathTotals } from '../src/fast-path.js';
import { HEAD_TEXT_WINDOW } from '../src/http-stream.js';
import { ingestBytes, ingestFile, ingestFileBytes, ingestShortReads, type Ingested } from './helpers.js';

// The fast path (WebAssembly) must give exactly what the JS engine gives, on
// every capture and every mutation of one: exchanges, bodies, flags and stats.

const body = (b: Body | undefined): unknown => b && { length: b.length, truncated: b.truncated, bytes: Buffer.from(b.bytes).toString('base64') };
const canon = (ex: Exchange): unknown => ({
  ...ex,
  flags: ex.flags,
  request: { ...ex.request, body: body(ex.request.body) },
  response: ex.response && { ...ex.response, body: body(ex.response.body) },
});
function same(js: Ingested, fast: Ingested, what: string): void {
  assert.equal(fast.exchanges.length, js.exchanges.length, `${what}: exchanges`);
  for (let i = 0; i < js.exchanges.length; i++) assert.deepEqual(canon(fast.exchanges[i]!), canon(js.exchanges[i]!), `${what}: exchange ${i}`);
  assert.deepEqual(fast.stats, js.stats, `${what}: stats`);
}

describe('fast path (WebAssembly) against the JS engine', () => {
  it('generated keep-alive connections, segmented and disturbed: the same exchanges, bodies, flags and stats', async () => {
    const N = Number(process.env.FAST_N ?? 150);
    const seed0 = Number(process.env.FAST_SEED ?? 20261123);
    const before = fastPathTotals.promoted;
    const heads = fastPathTotals.heads;
    let messages = 0;
    for (let i = 0; i < N; i++) {
      const seed = seed0 + i;
      // several connections interleaved in one capture
      const conns = [keepAliveConversation(seed, 40000), keepAliveConversation(seed + 7919, 40001), keepAliveConversation(seed + 104729, 40002)];
      const pkts = conns.flat().sort((a, b) => a.tsMs - b.tsMs);
      const file = pcapFile(pkts);
      const chunk = i % 3 === 0 ? 97 : 65_536; // small chunks: packets straddle them
      const js = await ingestBytes(file, `gen-${seed}.pcap`, chunk, undefined, 'js');
      // one in three read as a file is (FileBytes), with short reads: slices of every size
      const fast = i % 3 === 1 ? await ingestShortReads(file, `gen-${seed}.pcap`, 1 + ((seed * 7919) % 70_000), 'fast') : await ingestBytes(file, `gen-${seed}.pcap`, chunk, undefined, 'fast');
      same(js, fast, `seed ${seed}`);
      messages += 2 * js.exchanges.length;
    }
    assert.ok(fastPathTotals.promoted - before > N, `the fast path took over ${fastPathTotals.promoted - before} flows`);
    // JS recovers from a disagreement (so the outputs above would match anyway): there must be none
    assert.equal(fastPathTotals.disagreements, 0);
    // a quarter of the heads are odd on purpose and disturbances hand flows back: the fast path must still have read many
    assert.ok(fastPathTotals.heads - heads > messages / 5, `the fast path read ${fastPathTotals.heads - heads} of ${messages} heads`);
  });

  it('a connection per exchange: the fast path reads the first request too, and gives what JS gives', async () => {
    const n = 200;
    const pkts = [];
    for (let i = 0; i < n; i++) pkts.push(...httpConversation(`/orders/${i}?page=${i % 7}`, 1_700_000_000_000 + i * 20, 30_000 + i));
    // and connections it must leave to JS from the start: a CONNECT, a head cut before its line ends, a request line of HTTP/2's preface
    pkts.push(...tcpConversation([[true, Buffer.from('CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n')], [false, Buffer.from('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')]], { t0: 1_700_000_010_000, clientPort: 31_000 }));
    pkts.push(...tcpConversation([[true, Buffer.from('GET /split HTT')], [true, Buffer.from('P/1.1\r\nHost: a\r\n\r\n')], [false, Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')]], { t0: 1_700_000_011_000, clientPort: 31_001 }));
    pkts.push(...tcpConversation([[true, Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')]], { t0: 1_700_000_012_000, clientPort: 31_002 }));
    const file = pcapFile(pkts);
    const heads = fastPathTotals.heads;
    const js = await ingestBytes(file, 'per-exchange.pcap', 65_536, undefined, 'js');
    const fast = await ingestBytes(file, 'per-exchange.pcap', 65_536, undefined, 'fast');
    same(js, fast, 'one exchange per connection');
    assert.equal(js.exchanges.length, n + 2);
    // request and response of each of the n connections; before, each connection's request was left to JS
    assert.ok(fastPathTotals.heads - heads >= 2 * n, `the fast path read ${fastPathTotals.heads - heads} heads of ${2 * n}`);
    assert.equal(fastPathTotals.disagreements, 0);
  });

  it('connections taken over at their SYN and closed by their FINs: every opening and closing gives what JS gives', async () => {
    // The fast path reads a connection from its client's SYN: the server's SYN-ACK, the ACK, and a first
    // request JS would take; and to its end: a FIN between messages, then the other side's, which hands it
    // back to be closed. Each case below strays from that somewhere and must come out as JS reads it.
    const C = [10, 0, 0, 1];
    const S = [10, 0, 0, 2];
    const req = Buffer.from('GET /hs HTTP/1.1\r\nHost: hs.example\r\n\r\n');
    const res = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    // packets of one connection on client port `port`, client ISN `ci`, server ISN `si`, by hand
    const conn = (port: number, ci: number, si: number) => ({
      c: (seq: number, ack: number, flags: number, payload = Buffer.alloc(0)): Buffer => ipv4Tcp(C, S, port, 80, (ci + seq) >>> 0, (si + ack) >>> 0, flags, payload),
      s: (seq: number, ack: number, flags: number, payload = Buffer.alloc(0)): Buffer => ipv4Tcp(S, C, 80, port, (si + seq) >>> 0, (ci + ack) >>> 0, flags, payload),
    });
    const SYN = 0x02;
    const SYNACK = 0x12;
    const ACK = 0x10;
    const PSH = 0x18;
    const FIN = 0x11; // with ACK, as a FIN nearly always comes
    const RST = 0x04;
    const openings: Array<[string, (port: number) => Buffer[]]> = [
      ['the common opening', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, ACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res), k.c(1 + req.length, 1 + res.length, FIN), k.s(1 + res.length, 2 + req.length, FIN), k.c(2 + req.length, 2 + res.length, ACK)]; }],
      ['sequence numbers of 2^31 and more, wrapping', (p) => { const k = conn(p, 0xffff_fff0, 0x9000_0000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res)]; }],
      ['the server speaks first', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.s(1, 1, PSH, Buffer.from('220 smtp ready\r\n')), k.c(1, 18, PSH, req)]; }],
      ['a TLS ClientHello', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, Buffer.from('160301002a0100002603030000000000000000000000000000000000000000000000000000000000000000000000', 'hex'))]; }],
      ['the SYN-ACK lost', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.c(1, 1, ACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res)]; }],
      ['the SYN sent again', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res)]; }],
      ['the SYN-ACK sent again, with another sequence number', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.s(100, 1, SYNACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res)]; }],
      ['a SYN that also carries FIN', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN | 0x01), k.s(0, 1, SYNACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res)]; }],
      ['reset after the SYN-ACK', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, RST)]; }],
      ['the capture ends after the SYN-ACK', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, ACK)]; }],
      ['the second request before the first', (p) => { const k = conn(p, 1000, 5000); const r2 = Buffer.from('GET /second HTTP/1.1\r\n\r\n'); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1 + req.length, 1, PSH, r2), k.c(1, 1, PSH, req), k.s(1, 1 + req.length + r2.length, PSH, Buffer.concat([res, res]))]; }],
      ['a first request line cut by the packet', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, req.subarray(0, 9)), k.c(10, 1, PSH, req.subarray(9)), k.s(1, 1 + req.length, PSH, res)]; }],
      ['HEAD first, and a method in lower case', (p) => { const k = conn(p, 1000, 5000); const h = Buffer.from('HEAD / HTTP/1.1\r\n\r\nget / HTTP/1.1\r\n\r\n'); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, h), k.s(1, 1 + h.length, PSH, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'))]; }],
      ['a method JS knows but the fast path parses no further', (p) => { const k = conn(p, 1000, 5000); const r = Buffer.from('PROPFIND /dav HTTP/1.1\r\nDepth: 0\r\n\r\n'); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, r), k.s(1, 1 + r.length, PSH, res)]; }],
      ['a known method glued to its target', (p) => { const k = conn(p, 1000, 5000); const r = Buffer.from('GET/glued HTTP/1.1\r\nHost: a\r\n\r\n'); return [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, r), k.s(1, 1 + r.length, PSH, res)]; }],
      ['the server sends a FIN before its SYN-ACK (its side ends there: JS drops its answer)', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.s(0, 1, FIN), k.s(0, 1, SYNACK), k.c(1, 1, ACK), k.c(1, 1, PSH, req), k.s(1, 1 + req.length, PSH, res)]; }],
      ['data on the ACK before the SYN-ACK', (p) => { const k = conn(p, 1000, 5000); return [k.c(0, 0, SYN), k.c(1, 1, PSH, req), k.s(0, 1, SYNACK), k.s(1, 1 + req.length, PSH, res)]; }],
      // JS's flow, never the fast path's (picked up midway, a request unanswered): a new SYN on its ports is JS's to
      // read (the ports reused: JS ends the old connection there, its request unanswered, before the new one's)
      ['a connection JS reads from midway, then its ports reused', (p) => { const k = conn(p, 1000, 5000); const n = conn(p, 70_000, 90_000); return [k.c(1, 1, PSH, req), n.c(0, 0, SYN), n.s(0, 1, SYNACK), n.c(1, 1, ACK), n.c(1, 1, PSH, req), n.s(1, 1 + req.length, PSH, res)]; }],
      ...closings(),
      ['the same ports again once closed', (p) => [...openings[0]![1](p), ...openings[0]![1](p).map((b, i) => (i === 0 ? ipv4Tcp(C, S, p, 80, 77_000, 0, SYN, Buffer.alloc(0)) : b))]],
    ];
    /** A request answered, then each way of ending (packets after the handshake and the exchange). */
    function closings(): Array<[string, (port: number) => Buffer[]]> {
      const r = req.length;
      const a = res.length;
      const open = (k: ReturnType<typeof conn>): Buffer[] => [k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, ACK), k.c(1, 1, PSH, req), k.s(1, 1 + r, PSH, res)];
      const cases: Array<[string, (k: ReturnType<typeof conn>) => Buffer[]]> = [
        ['the server closes first', (k) => [k.s(1 + a, 1 + r, FIN), k.c(1 + r, 2 + a, FIN), k.s(2 + a, 2 + r, ACK)]],
        ['a FIN sent again, and the last ACK twice', (k) => [k.c(1 + r, 1 + a, FIN), k.c(1 + r, 1 + a, FIN), k.s(1 + a, 2 + r, FIN), k.c(2 + r, 2 + a, ACK), k.c(2 + r, 2 + a, ACK)]],
        ['the client half-closes, then asks nothing more while the server answers on', (k) => [k.c(1 + r, 1 + a, FIN), k.s(1 + a, 2 + r, PSH, res), k.s(1 + 2 * a, 2 + r, FIN), k.c(2 + r, 2 + 2 * a, ACK)]],
        ['a request after its own FIN, at the sequence number of the FIN (a bogus sender)', (k) => [k.c(1 + r, 1 + a, FIN), k.c(1 + r, 1 + a, PSH, req), k.s(1 + a, 2 + r, FIN)]],
        ['a FIN with the last bytes', (k) => [k.c(1 + r, 1 + a, PSH | FIN, req), k.s(1 + a, 2 + 2 * r, PSH, res), k.s(1 + 2 * a, 2 + 2 * r, FIN)]],
        ['a FIN after a lost segment', (k) => [k.c(1 + 2 * r, 1 + a, FIN), k.s(1 + a, 2 + 2 * r, FIN)]],
        ['a FIN in the middle of a body', (k) => [k.c(1 + r, 1 + a, PSH, req), k.s(1 + a, 1 + 2 * r, PSH, res.subarray(0, a - 1)), k.s(2 * a, 1 + 2 * r, FIN), k.c(1 + 2 * r, 1 + 2 * a, FIN)]],
        ['a reset after one FIN', (k) => [k.c(1 + r, 1 + a, FIN), k.s(1 + a, 2 + r, RST)]],
        ['both FINs, then the same ports reused at once', (k) => [k.c(1 + r, 1 + a, FIN), k.s(1 + a, 2 + r, FIN), k.c(900, 0, SYN), k.s(700, 901, SYNACK), k.c(901, 701, PSH, req), k.s(701, 901 + r, PSH, res)]],
      ];
      return cases.map(([what, end]) => [what, (p: number) => { const k = conn(p, 3000, 9000); return [...open(k), ...end(k)]; }]);
    }
    let t = 1_700_000_000_000;
    const pkts: Pkt[] = [];
    openings.forEach(([, build], i) => {
      for (const data of build(41_000 + i)) pkts.push({ data, tsMs: (t += 1) });
    });
    const file = pcapFile(pkts);
    const heads = fastPathTotals.heads;
    const js = await ingestBytes(file, 'openings.pcap', 65_536, undefined, 'js');
    const fast = await ingestBytes(file, 'openings.pcap', 65_536, undefined, 'fast');
    same(js, fast, 'openings');
    for (const [what, build] of openings) {
      const one = pcapFile(build(42_000).map((data, i) => ({ data, tsMs: 1_700_000_000_000 + i })));
      same(await ingestBytes(one, 'one.pcap', 65_536, undefined, 'js'), await ingestBytes(one, 'one.pcap', 65_536, undefined, 'fast'), what);
    }
    // A closed connection is kept (in both engines) against stray packets until a sweep lets it go: its
    // stray packets are dropped until then, and after it the same ports start a connection again, midway.
    {
      const k = conn(43_000, 3000, 9000);
      const other = conn(43_001, 100, 200);
      const r = req.length;
      const a = res.length;
      const timed: Array<[number, Buffer]> = [
        ...[k.c(0, 0, SYN), k.s(0, 1, SYNACK), k.c(1, 1, PSH, req), k.s(1, 1 + r, PSH, res), k.c(1 + r, 1 + a, FIN), k.s(1 + a, 2 + r, FIN)].map((b): [number, Buffer] => [0, b]),
        [1_000, k.c(2 + r, 2 + a, ACK)],
        [2_000, k.c(2 + r, 2 + a, PSH, req)],
        // another connection's packets move capture time on past the sweeps that let the tombstone go
        ...[10, 20, 30, 40, 50, 60].map((sec, i): [number, Buffer] => [sec * 1000, i === 0 ? other.c(0, 0, SYN) : other.c(1, 1, ACK)]),
        [61_000, k.c(2 + r, 2 + a, PSH, req)],
        [61_001, k.s(2 + a, 2 + 2 * r, PSH, res)],
      ];
      const late = pcapFile(timed.map(([dt, data], i) => ({ data, tsMs: 1_700_000_000_000 + dt + i * 0.001 })));
      const lj = await ingestBytes(late, 'late.pcap', 65_536, undefined, 'js');
      same(lj, await ingestBytes(late, 'late.pcap', 65_536, undefined, 'fast'), 'stray packets of a closed connection, then the same ports after a sweep');
      assert.deepEqual(lj.exchanges.map((ex) => ex.request.path), ['/hs', '/hs'], 'the request 61 s later is read, the one at 2 s is not');
      // A stray packet of a closed connection, dropped, still moves capture time on: here the last packet, an
      // hour on, times the open connection out, whichever engine drops it
      const idle = conn(43_002, 500, 600);
      const stray = k.c(2 + r, 2 + a, ACK);
      const last = pcapFile([idle.c(0, 0, SYN), ...timed.slice(0, 6).map(([, b]) => b), stray].map((data, i) => ({ data, tsMs: 1_700_000_000_000 + (i === 7 ? 3_600_000 : i) })));
      const sj = await ingestBytes(last, 'stray-last.pcap', 65_536, undefined, 'js');
      same(sj, await ingestBytes(last, 'stray-last.pcap', 65_536, undefined, 'fast'), 'a stray packet of a closed connection, last');
      // (read as a file is, the fast path reads whole records itself once it has taken a flow: the same must
      // hold there; two reads, the second the stray packet's record whole, in the fast path's memory)
      same(sj, await ingestShortReads(last, 'stray-last.pcap', last.length - 16 - stray.length, 'fast'), 'a stray packet of a closed connection, last, read as a file');
      assert.equal(sj.stats.counters.flowsTimedOut, 1);
    }
    // a connection to a TLS port is left to JS from its SYN (speed only: handing it over would only see it handed back),
    // by JS (the first connection of a capture) and by the fast path (one after an HTTP connection it reads)
    {
      const hello = Buffer.from('160301002a0100002603030000000000000000000000000000000000000000000000000000000000000000000000', 'hex');
      const tlsConn = tcpConversation([[true, hello]], { clientPort: 44_000, serverPort: 443 });
      const http = tcpConversation([[true, req]], { clientPort: 44_001, t0: tlsConn[0]!.tsMs - 100 }).slice(0, -3);
      for (const [what, pkts, expected] of [['TLS on 443', tlsConn, 0], ['TLS on 443 after an HTTP connection', [...http, ...tlsConn], 1]] as const) {
        const tls = pcapFile(pkts.map((p, i) => ({ ...p, tsMs: p.tsMs + i })));
        const tj = await ingestBytes(tls, 'tls.pcap', 65_536, undefined, 'js');
        const promoted = fastPathTotals.promoted;
        same(tj, await ingestBytes(tls, 'tls.pcap', 65_536, undefined, 'fast'), what);
        assert.equal(fastPathTotals.promoted - promoted, expected, `${what}: only the HTTP connection handed over`);
      }
    }
    // more connections at once than JS keeps flows: JS evicts the least recently active to make room for the next
    // SYN, and the fast path must not take a SYN whose flow would make JS evict one (the fast path's SYN events)
    {
      const pkts = [];
      for (let i = 0; i < 60; i++) pkts.push(...httpConversation(`/crowd/${i}`, 1_700_000_000_000 + i * 0.25, 45_000 + i));
      const crowd = pcapFile(pkts.sort((x, y) => x.tsMs - y.tsMs));
      const cj = await ingestBytes(crowd, 'crowd.pcap', 65_536, { maxFlows: 16 }, 'js');
      same(cj, await ingestBytes(crowd, 'crowd.pcap', 65_536, { maxFlows: 16 }, 'fast'), 'more connections than maxFlows');
      assert.ok(cj.stats.counters.flowsEvicted! > 0, 'flows evicted');
      // and a flood of SYNs never answered among them: each one a flow, the table full of them
      const flood = [...pkts];
      for (let i = 0; i < 500; i++) flood.push(tcpConversation([], { clientPort: 20_000 + i, t0: 1_700_000_000_000 + i * 0.03 })[0]!);
      const syns = pcapFile(flood.sort((x, y) => x.tsMs - y.tsMs));
      const fj = await ingestBytes(syns, 'syn-flood.pcap', 65_536, { maxFlows: 64 }, 'js');
      same(fj, await ingestBytes(syns, 'syn-flood.pcap', 65_536, { maxFlows: 64 }, 'fast'), 'a flood of SYNs');
      // (a connection evicted midway is picked up again by its next packet: a flow more)
      assert.ok(fj.stats.counters.flows! >= 560 && fj.stats.counters.flowsEvicted! > 400, JSON.stringify(fj.stats.counters));
      assert.equal(fj.exchanges.length, 60);
    }
    // the common opening, both wrapping ones, and others whose first request comes through
    assert.ok(js.exchanges.filter((ex) => ex.request.path === '/hs').length >= 6, 'requests read');
    assert.ok(fastPathTotals.heads - heads >= 4, `the fast path read ${fastPathTotals.heads - heads} heads`);
    assert.equal(fastPathTotals.disagreements, 0);
  });

  it('heads of every size, several to a packet: each header value read whole from the strings made of several heads', async () => {
    // the fast path copies heads one after another and JS makes one string of up to HEAD_TEXT_WINDOW
    // bytes of them: heads smaller and larger than that (a head is its X-Pad and ~70 bytes more), and
    // runs of heads crossing its edge, must each come out whole
    const w = HEAD_TEXT_WINDOW;
    const sizes = [0, 1, 13, 200, w - 90, w - 70, w - 60, w, w + 10, 1500, 2 * w - 70, 4000, 30, 3, 2500, 12_000, 7];
    const pipelined: Buffer[] = [];
    const answers: Buffer[] = [];
    sizes.forEach((n, i) => {
      pipelined.push(Buffer.from(`GET /pad/${i}?n=${n} HTTP/1.1\r\nHost: api.example\r\nX-Pad: ${'abcdefghij'.repeat(n / 10 + 1).slice(0, n)}\r\nX-Seq: ${i}\r\n\r\n`));
      answers.push(Buffer.from(`HTTP/1.1 200 OK\r\nX-Echo: ${String(i).padStart(n % 50, '-')}\r\nContent-Length: 2\r\n\r\n${String(i % 100).padStart(2, '0')}`));
    });
    const conversation: Array<[boolean, Buffer]> = [];
    // three requests to a packet, then their answers in one packet
    for (let i = 0; i < sizes.length; i += 3) {
      conversation.push([true, Buffer.concat(pipelined.slice(i, i + 3))], [false, Buffer.concat(answers.slice(i, i + 3))]);
    }
    const pkts = [...httpConversation('/warm-up', 1_700_000_000_000, 40_100), ...tcpConversation(conversation, { t0: 1_700_000_001_000, clientPort: 40_101 })];
    const file = pcapFile(pkts);
    const heads = fastPathTotals.heads;
    const js = await ingestBytes(file, 'sizes.pcap', 65_536, undefined, 'js');
    const fast = await ingestBytes(file, 'sizes.pcap', 65_536, undefined, 'fast');
    same(js, fast, 'heads of every size');
    const padded = fast.exchanges.filter((ex) => ex.request.path.startsWith('/pad/'));
    assert.equal(padded.length, sizes.length);
    padded.forEach((ex, i) => {
      const h = new Map(ex.request.headers);
      assert.equal(h.get('x-pad')!.length, sizes[i], `request ${i}'s X-Pad`);
      assert.equal(h.get('x-seq'), String(i));
      assert.deepEqual(ex.request.query, [['n', String(sizes[i])]]);
      assert.equal(new Map(ex.response!.headers).get('x-echo'), String(i).padStart(sizes[i]! % 50, '-'));
    });
    assert.ok(fastPathTotals.heads - heads >= 2 * sizes.length, `the fast path read ${fastPathTotals.heads - heads} heads of ${2 * sizes.length + 2}`);
  });

  it('every capture of the corpora and captures/', { skip: !corpora() && 'corpora absent' }, async () => {
    const files = [...captureFiles(corpora()!), ...captureFiles(capture(''))];
    const before = fastPathTotals.promoted;
    let compared = 0;
    for (const f of files) {
      let js: Ingested;
      try {
        js = await ingestFile(f, undefined, 'js');
      } catch (e) {
        await assert.rejects(ingestFileBytes(f, undefined, 'fast'), { message: (e as Error).message }, f);
        continue;
      }
      // the fast engine reads the file as ingest does (FileBytes, into its own memory), the JS engine a stream of chunks
      same(js, await ingestFileBytes(f, undefined, 'fast'), relative(corpora()!, f));
      // every message charged to the budget's message account is let go by the end (the engines agree, so one suffices)
      assert.equal(js.stats.counters.messageBytes, 0, `${relative(corpora()!, f)}: message bytes left`);
      // and with the records straddling small chunks (the fast path reads those from its scratch area)
      if (compared++ % 4 === 0) {
        const bytes = readFileSync(f);
        same(await ingestBytes(bytes, f, 333, undefined, 'js'), await ingestBytes(bytes, f, 333, undefined, 'fast'), `${relative(corpora()!, f)} in 333-byte chunks`);
      }
    }
    assert.ok(files.length >= 200, `${files.length} captures`);
    assert.ok(fastPathTotals.promoted - before >= 50, `the fast path took over ${fastPathTotals.promoted - before} flows`);
    assert.equal(fastPathTotals.disagreements, 0);
  });
});
