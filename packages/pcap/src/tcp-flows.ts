import type { ExchangeSourceKind, SourceStats } from '@overhear/model';
import { countSkip } from '@overhear/model';
import type { Budget } from './budget.js';
import type { CaptureCaps } from './caps.js';
import { type DecodedPacket, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './decoded-packet.js';
import { HttpConnection, type HttpEnv } from './http-connection.js';
import type { HttpStream } from './http-stream.js';
import { type ReassemblyCounters, type StreamConsumer, TcpReassembler } from './tcp-reassembler.js';
import { clientHelloSni } from './tls-sni.js';

/** What the flow table needs of the fast path (fast-path.ts): taking quiet HTTP flows over and handing them back. */
export interface FastFlows {
  /** Takes `flow` over if there is room; true when it did. `handshake`: at its client's SYN, before anything is known of it. */
  promote(flow: Flow, handshake?: boolean): boolean;
  /** Brings `flow`'s state back from the fast path (its events already read). */
  demote(flow: Flow): void;
  /** Capture time of `flow`'s last packet seen by the fast path. */
  lastTs(flow: Flow): number;
  /** A flow JS made (`create`): the fast path keeps a record of it, so that it never takes a SYN of its connection for a new one. */
  keep(flow: Flow): void;
  /** Lets go of the record the fast path keeps of `flow` (JS's, or its tombstone once closed there). */
  forget(flow: Flow): void;
}

/** The addresses and ports of a flow's first packet (a DecodedPacket, or the fast path's SYN event: `SynTuple`). */
export interface FlowTuple {
  v6: boolean;
  s0: number; s1: number; s2: number; s3: number; sport: number;
  d0: number; d1: number; d2: number; d3: number; dport: number;
}

/** A FlowTuple of its own, reused (an object literal's shape here cost V8 a recompilation of the hottest code). */
export class SynTuple implements FlowTuple {
  v6 = false;
  s0 = 0; s1 = 0; s2 = 0; s3 = 0; sport = 0;
  d0 = 0; d1 = 0; d2 = 0; d3 = 0; dport = 0;
}

const APP_UNDECIDED = 0;
const APP_HTTP = 1;
const APP_IGNORED = 2;

/** Undecided bytes after which a flow is taken as some other protocol. */
const MAX_UNDECIDED_BYTES = 16_384;
const MAX_UNDECIDED_HTTP_PORT = 1_048_576;
const MAX_TLS_HELLO = 16_384;
const MAX_TLS_NAMES = 10_000;
/** Capture time between sweeps for idle flows. */
export const SWEEP_EVERY_MS = 10_000;

const KNOWN_METHODS =
  /^(?:GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT|PROPFIND|PROPPATCH|MKCOL|COPY|MOVE|LOCK|UNLOCK|SEARCH|REPORT|QUERY|MKCALENDAR|SUBSCRIBE|NOTIFY|PURGE)[ \t]/;
const TOKEN_SP = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}[ \t]/;
const HTTP_PORTS = new Set([80, 81, 591, 3128, 8000, 8008, 8080, 8081, 8088, 8888]);
/**
 * Server ports of TLS (HTTPS, IMAPS, LDAPS, DNS over TLS, SIPS…) and SSH: a
 * connection to one is not handed to the fast path at its SYN, which would
 * only hand it back at its first packet (20 % slower on a capture of short TLS
 * connections). Speed only: whatever the port, JS still tells HTTP by content.
 */
export const NOT_HTTP_PORTS = new Set([22, 443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443, 9443]);
const MID_REQUEST = /(?:^|\n)[A-Z][A-Za-z0-9_-]{0,19} +[^\s]+ +HTTP\/[0-9]\.[0-9]\r?\n/;
const MID_RESPONSE = /(?:^|\n)HTTP\/[0-9]\.[0-9] +[0-9]{3}/;
/**
 * A direction's first bytes are held until this many, or a line end, have come:
 * a client sending its request a few bytes a segment (an old IDS evasion, or a
 * slow interactive one) must not leave the connection unrecognised.
 */
const DETECT_BYTES = 128;
const EMPTY = Buffer.alloc(0);

/** Where b[s, e) starts after empty lines (CR and LF), which servers skip before a request line (RFC 9112 §2.2); at most 64 are skipped. */
function afterEmptyLines(b: Buffer, s: number, e: number): number {
  const stop = Math.min(e, s + 64);
  while (s < stop && (b[s] === 13 || b[s] === 10)) s++;
  return s;
}

/** Too little to tell a protocol by: after any empty lines, less than DETECT_BYTES and no line end yet. */
function tooFewToTell(b: Buffer, s: number, e: number): boolean {
  if (e - s >= 2 * DETECT_BYTES) return false;
  s = afterEmptyLines(b, s, e);
  if (s === e) return true;
  const i = b.indexOf(10, s);
  return e - s < DETECT_BYTES && (i < 0 || i >= e);
}

/** What a request line ends in before its minor version digit. */
const SP_HTTP_1 = Buffer.from(' HTTP/1.', 'latin1');

/** A first line "TOKEN SP … HTTP/digit" (any method), checked without backtracking. */
function versionedLine(head: string): boolean {
  let lf = head.indexOf('\n');
  if (lf < 0) lf = head.length;
  const line = head.slice(0, lf);
  const h = line.indexOf(' HTTP/');
  const c = line.charCodeAt(h + 6);
  return TOKEN_SP.test(line) && h > 0 && c >= 48 && c <= 57;
}

class DirConsumer implements StreamConsumer {
  constructor(
    private readonly flow: Flow,
    private readonly dir: number,
  ) {}
  data(buf: Buffer, start: number, end: number, tsMs: number): void {
    this.flow.table.data(this.flow, this.dir, buf, start, end, tsMs);
  }
  gap(len: number, tsMs: number): void {
    const f = this.flow;
    if (f.http) (this.dir === f.client ? f.http.request : f.http.response).gap(len, tsMs);
  }
  end(tsMs: number): void {
    const f = this.flow;
    if (f.http) (this.dir === f.client ? f.http.request : f.http.response).end(tsMs);
  }
  waitingForHead(): boolean {
    const f = this.flow;
    return f.http !== null && (this.dir === f.client ? f.http.request : f.http.response).inHead;
  }
}

export class Flow {
  next: Flow | null = null;
  /** The flows made just before and after it, of those in the table (its list in the order they were made). */
  older: Flow | null = null;
  newer: Flow | null = null;
  a0 = 0; a1 = 0; a2 = 0; a3 = 0; ap = 0;
  b0 = 0; b1 = 0; b2 = 0; b3 = 0; bp = 0;
  v6 = false;
  /** 0 when side a is the client, 1 when side b is, -1 while unknown. */
  client = -1;
  app = APP_UNDECIDED;
  http: HttpConnection | null = null;
  /** The reassemblers of both directions; null once the flow is closed (see `retire`). */
  dirs: [TcpReassembler, TcpReassembler] | null;
  synSeq = [-1, -1];
  /** Directions (bit per direction) that sent a FIN. */
  finBits = 0;
  /** Directions (bit per direction) that had started, kept when the reassemblers are let go. */
  private startedBits = 0;
  closed = false;
  lastTs = 0;
  undecided = 0;
  /** The first bytes of a direction, held until there are enough to tell its protocol (see DETECT_BYTES). */
  lead: [Buffer | null, Buffer | null] = [null, null];
  tls: Buffer | null = null;
  /** Directions (bit per direction) whose next bytes start a protocol: a CONNECT tunnel just opened. */
  fresh = 0;
  /** The flow carries a CONNECT tunnel (its proxy relays another connection). */
  tunneled = false;
  /** Its id in the fast path while that reads it (see fast-path.ts), else -1. */
  fastId = -1;
  /**
   * Its record in the fast path while the fast path does not read it (JS reads it, or it was closed
   * there and the record is its tombstone against stray packets), else -1. See FastFlows.keep.
   */
  fastKept = -1;

  constructor(
    readonly table: FlowTable,
    readonly hash: number,
    p: FlowTuple,
    budget: Budget,
    counters: ReassemblyCounters,
    maxFlowBuffered: () => number,
  ) {
    this.v6 = p.v6;
    this.a0 = p.s0; this.a1 = p.s1; this.a2 = p.s2; this.a3 = p.s3; this.ap = p.sport;
    this.b0 = p.d0; this.b1 = p.d1; this.b2 = p.d2; this.b3 = p.d3; this.bp = p.dport;
    this.dirs = [
      new TcpReassembler(new DirConsumer(this, 0), budget, counters, maxFlowBuffered),
      new TcpReassembler(new DirConsumer(this, 1), budget, counters, maxFlowBuffered),
    ];
  }

  /** Whether direction `dir` had started (its first byte or SYN seen). */
  started(dir: number): boolean {
    return this.dirs !== null ? this.dirs[dir]!.started : ((this.startedBits >> dir) & 1) === 1;
  }

  /**
   * Lets go of what only an open flow needs (the reassemblers and their
   * consumers): a closed flow stays in the table for a while as a tombstone
   * against stray packets, and with a connection per exchange there are
   * tens of thousands of them, each kept past several collections.
   */
  retire(): void {
    if (this.dirs === null) return;
    this.startedBits = (this.dirs[0].started ? 1 : 0) | (this.dirs[1].started ? 2 : 0);
    this.dirs = null;
  }

  /** 0 when the packet goes a→b, 1 when b→a, -1 when it is another flow. */
  dirOf(p: DecodedPacket): number {
    if (p.v6 !== this.v6) return -1;
    if (p.sport === this.ap && p.dport === this.bp && p.s3 === this.a3 && p.d3 === this.b3 && p.s0 === this.a0 && p.s1 === this.a1 && p.s2 === this.a2 && p.d0 === this.b0 && p.d1 === this.b1 && p.d2 === this.b2) return 0;
    if (p.sport === this.bp && p.dport === this.ap && p.s3 === this.b3 && p.d3 === this.a3 && p.s0 === this.b0 && p.s1 === this.b1 && p.s2 === this.b2 && p.d0 === this.a0 && p.d1 === this.a1 && p.d2 === this.a2) return 1;
    return -1;
  }

  addr(side: number): string {
    return side === 0 ? formatIp(this.v6, this.a0, this.a1, this.a2, this.a3) : formatIp(this.v6, this.b0, this.b1, this.b2, this.b3);
  }

  port(side: number): number {
    return side === 0 ? this.ap : this.bp;
  }
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Seeds the flow hash per process (Math.random is seeded by the OS at start):
 * a capture written beforehand cannot pick addresses and ports that all land
 * in one bucket and make every packet walk a chain of them.
 */
const FLOW_SEED = (Math.random() * 2 ** 32) >>> 0;

function sideHash(w0: number, w1: number, w2: number, w3: number, port: number): number {
  return mix(mix(mix(mix(mix(FLOW_SEED, w0), w1), w2), w3), port);
}

/** A flow's hash, the same whichever way its packet went; 30 bits: a small integer to V8 in every build (31 bits with pointer compression), never a boxed number. */
function flowHash(t: FlowTuple): number {
  return (sideHash(t.s0, t.s1, t.s2, t.s3, t.sport) ^ sideHash(t.d0, t.d1, t.d2, t.d3, t.dport)) & 0x3fffffff;
}

/**
 * IPv4 addresses made into text, by address: a server's address comes with
 * every connection to it and a client's with each it opens, and one string
 * per address also makes later lookups of it cheaper. Emptied when full.
 */
const ipv4Text = new Map<number, string>();

export function formatIp(v6: boolean, w0: number, w1: number, w2: number, w3: number): string {
  if (!v6) {
    // keyed as a signed 32-bit integer: a small integer to V8 on 64-bit builds, not a boxed number
    const key = w3 | 0;
    let t = ipv4Text.get(key);
    if (t === undefined) {
      t = `${w3 >>> 24}.${(w3 >>> 16) & 255}.${(w3 >>> 8) & 255}.${w3 & 255}`;
      if (ipv4Text.size >= 4096) ipv4Text.clear();
      ipv4Text.set(key, t);
    }
    return t;
  }
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  // longest run of zero groups becomes "::"
  let bs = -1;
  let bl = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bl && j - i > 1) {
      bs = i;
      bl = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bs < 0) return hex.join(':');
  return `${hex.slice(0, bs).join(':')}::${hex.slice(bs + bl).join(':')}`;
}

export interface FlowCounters extends ReassemblyCounters {
  flows: number;
  httpFlows: number;
  flowsEvicted: number;
  flowsTimedOut: number;
}

/** TCP connections by address/port pair, their reassembly and what protocol they carry. */
export class FlowTable {
  /**
   * Chains of flows (`next`) by hash, a power of two of them, doubled when
   * there are as many flows: a Map from hash to chain cost 9% of the time on a
   * capture of one exchange per connection (its entries deleted as often as added).
   */
  private readonly buckets: (Flow | null)[] = new Array<Flow | null>(1024).fill(null);
  /** Ends of the list of flows in the order they were made (`older`, `newer`): what is swept, evicted or closed goes in that order, so exchanges come out in it too. */
  private oldest: Flow | null = null;
  private newest: Flow | null = null;
  private last: Flow | null = null;
  private tlsNames = 0;
  private count = 0;
  /** Capture time of the last sweep for idle flows. */
  lastSweep = -Infinity;
  /** Set by the reader when the fast path runs. */
  fast: FastFlows | null = null;
  readonly counters: FlowCounters = {
    flows: 0,
    httpFlows: 0,
    flowsEvicted: 0,
    flowsTimedOut: 0,
    gaps: 0,
    gapBytes: 0,
    outOfOrder: 0,
    retransmittedBytes: 0,
    evictions: 0,
    evictedBytes: 0,
  };
  private readonly maxFlowBuffered: () => number;

  constructor(
    private readonly caps: CaptureCaps,
    private readonly stats: SourceStats,
    private readonly budget: Budget,
    private readonly env: HttpEnv,
    private readonly source: ExchangeSourceKind,
  ) {
    const m = caps.maxFlowBufferedBytes;
    this.maxFlowBuffered = () => m;
  }

  /**
   * One TCP packet the JS engine reads. True when, instead, the fast path
   * has just taken its connection over at its first request (`raw`: the
   * packet's frame can be handed to it as is): the caller gives the packet to
   * the fast path, which reads the connection from its first byte.
   */
  packet(p: DecodedPacket, ts: number, raw = false): boolean {
    const flags = p.flags;
    const hasData = p.end > p.start;
    // packets come in runs per connection: try the last one before hashing
    let flow = this.last;
    let dir = flow !== null ? flow.dirOf(p) : -1;
    let hash = 0;
    if (dir < 0) {
      hash = flowHash(p);
      flow = this.buckets[hash & (this.buckets.length - 1)]!;
      while (flow !== null) {
        dir = flow.dirOf(p);
        if (dir >= 0) break;
        flow = flow.next;
      }
    } else {
      hash = flow!.hash;
    }
    const pureSyn = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (flow !== null) {
      // a packet the fast path did not read (a fragment put back together, an odd header): the flow is ours again
      if (flow.fastId >= 0) this.fast!.demote(flow);
      if (flow.closed || (pureSyn && flow.synSeq[dir]! !== p.seq && (flow.synSeq[dir]! >= 0 || flow.started(dir)))) {
        if (!pureSyn) return false; // a stray packet of a finished connection
        // port reuse: a new connection with the same addresses
        this.remove(flow, ts);
        flow = null;
      }
    }
    if (flow === null) {
      if ((!(flags & TCP_SYN) && !hasData) || flags & TCP_RST) return false;
      flow = this.create(p, hash, ts);
      dir = 0;
    }
    this.last = flow;
    if (ts > flow.lastTs) flow.lastTs = ts;
    // A connection's first request: the fast path reads it, not only what follows (a connection per exchange is common).
    if (raw && hasData && this.fast !== null && flow.app === APP_UNDECIDED && (flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && this.firstRequest(flow, dir, p)) {
      this.startHttp(flow, dir, true);
      if (this.fast.promote(flow)) return true;
      // (no room in the fast path: JS reads it, as HTTP)
    }
    // open from here on: a closed flow returned above, or was replaced
    const o = flow.dirs![1 - dir]!;
    if (flags & TCP_SYN) {
      this.syn(flow, dir, p.seq);
      if (flow.client < 0) flow.client = flags & TCP_ACK ? 1 - dir : dir;
    }
    if (flags & TCP_ACK) o.ackFromPeer(p.ack, ts, hasData);
    if (flags & TCP_RST) {
      this.close(flow, ts);
      return false;
    }
    if (hasData || flags & TCP_FIN) this.segment(flow, dir, flags & TCP_SYN ? (p.seq + 1) >>> 0 : p.seq, p.buf, p.start, p.end, (flags & TCP_FIN) !== 0, ts);
    if (this.fast !== null) {
      if (flow.app === APP_HTTP) {
        if (this.quiet(flow)) this.fast.promote(flow);
      } else if (pureSyn && !hasData && flow.app === APP_UNDECIDED && this.opening(flow, dir)) this.fast.promote(flow, true);
    }
    return false;
  }

  /**
   * A connection whose client's SYN is all that was seen of it: the fast path
   * can read its handshake and, when it is HTTP, its first request (see
   * `firstRequestRead`), so that JS reads no more of the common connection than
   * its first packet. Anything else there hands it back as it was. Not to a
   * TLS or SSH port (see NOT_HTTP_PORTS).
   */
  private opening(flow: Flow, dir: number): boolean {
    // (a FIN sets finBits, whichever way it came: a SYN with FIN has ended its side)
    const [a, b] = flow.dirs!;
    const other = dir === 0 ? b : a;
    return (
      flow.client === dir && !other.started && flow.finBits === 0 && !flow.tunneled && flow.fresh === 0 && flow.tls === null &&
      flow.lead[0] === null && flow.lead[1] === null && a.pendingBytes === 0 && b.pendingBytes === 0 && !NOT_HTTP_PORTS.has(flow.port(1 - dir))
    );
  }

  /**
   * The fast path, reading a connection taken over at its SYN, found its first
   * request as `firstRequest` would (`client`: its side) and reads on: the flow
   * is HTTP from here, as it would have been here. `serverNext`: the server
   * side's next sequence number (its SYN's plus 1).
   */
  firstRequestRead(flow: Flow, client: number, serverNext: number): void {
    this.serverSyn(flow, serverNext - 1);
    this.startHttp(flow, client, true);
  }

  /**
   * A FIN the fast path read (in order, between messages, without bytes) of
   * side `dir`, whose next sequence number is `next`: as `packet` reads one.
   * The second side's closes the flow (the fast path has handed it back then).
   */
  finRead(flow: Flow, dir: number, next: number, ts: number): void {
    const seq = next >>> 0;
    flow.dirs![dir]!.nextSeq = seq;
    this.segment(flow, dir, seq, EMPTY, 0, 0, true, ts);
  }

  /**
   * A client's SYN, sequence number `seq`, of a connection JS had no flow for,
   * taken over by the fast path there: the flow `packet` makes of it, and hands
   * over at once (`opening`). The fast path sets its id.
   */
  synRead(t: FlowTuple, seq: number, ts: number): Flow {
    // (no eviction in `create`: the fast path takes SYNs only while JS has room for their flows)
    const flow = this.create(t, flowHash(t), ts, true);
    this.syn(flow, 0, seq >>> 0);
    flow.client = 0;
    return flow;
  }

  /** The server's SYN (sequence number `seq`), seen by the fast path. */
  serverSyn(flow: Flow, seq: number): void {
    this.syn(flow, 1 - flow.client, seq >>> 0);
  }

  /** A SYN of side `dir`, sequence number `seq`. */
  private syn(flow: Flow, dir: number, seq: number): void {
    flow.dirs![dir]!.syn(seq);
    if (flow.synSeq[dir]! < 0) flow.synSeq[dir] = seq;
  }

  /** A segment of side `dir`: bytes [start, end) of buf from sequence number `seq`, and a FIN after them; both sides' FINs in, the flow closes. */
  private segment(flow: Flow, dir: number, seq: number, buf: Buffer, start: number, end: number, fin: boolean, ts: number): void {
    const dirs = flow.dirs!;
    const d = dirs[dir]!;
    d.segment(seq, buf, start, end, fin, ts);
    if (fin) flow.finBits |= 1 << dir;
    if (flow.finBits === 3 && d.ended && dirs[1 - dir]!.ended) this.close(flow, ts);
  }

  /** Whether the sweep for idle flows is due at capture time `ts`. */
  sweepDue(ts: number): boolean {
    return ts - this.lastSweep > SWEEP_EVERY_MS;
  }

  /** The sweep for idle flows, when due: the reader asks after every packet, whichever engine read it (read-capture.ts). */
  tick(ts: number): void {
    if (this.sweepDue(ts)) this.sweep(ts);
  }

  /**
   * An HTTP flow at a point where the fast path can take it over: every
   * request answered, both directions between messages, nothing held, both
   * directions started and open.
   */
  private quiet(flow: Flow): boolean {
    const h = flow.http;
    if (h === null || flow.closed || flow.tunneled || flow.client < 0 || !h.quiet()) return false;
    if (flow.lead[0] !== null || flow.lead[1] !== null || flow.tls !== null) return false;
    for (const d of flow.dirs!) if (!d.started || d.ended || d.discard || d.pendingBytes !== 0 || d.finSeq >= 0) return false;
    return true;
  }

  /** In-order bytes of one direction. */
  data(flow: Flow, dir: number, buf: Buffer, start: number, end: number, ts: number): void {
    if (flow.app === APP_HTTP) {
      const h = flow.http!;
      const s = dir === flow.client ? h.request : h.response;
      const held = flow.lead[dir];
      if (held != null) {
        // this side's first bytes were held when the other side decided the flow: they come first
        flow.lead[dir] = null;
        this.budget.sub(held.length);
        if (!s.passthru) s.push(held, 0, held.length, ts);
      }
      if (s === h.response) h.serverSpeaks(ts);
      if (!s.passthru) s.push(buf, start, end, ts);
      else if (h.request.passthru && h.response.passthru) {
        if (h.tunnel) this.openTunnel(flow, dir, buf, start, end, ts);
        else this.ignore(flow);
      }
      return;
    }
    if (flow.app === APP_UNDECIDED) this.detect(flow, dir, buf, start, end, ts);
  }

  /** Closes every flow (end of input). */
  closeAll(ts: number): void {
    for (let f = this.oldest; f !== null; f = f.newer) this.close(f, ts);
    this.oldest = this.newest = null;
    this.buckets.fill(null);
    this.count = 0;
    this.last = null;
  }

  get openFlows(): number {
    return this.count;
  }

  /**
   * A CONNECT was answered 2xx: the proxy relays another connection from here
   * on, so the flow is looked at again as if it had just started: the TLS
   * server name of an HTTPS tunnel, or plain HTTP sent through it (as Zeek
   * does; the CONNECT exchange itself is already out).
   */
  private openTunnel(flow: Flow, dir: number, buf: Buffer, start: number, end: number, ts: number): void {
    flow.http!.close(ts);
    flow.http = null;
    flow.app = APP_UNDECIDED;
    flow.undecided = 0;
    flow.fresh = 3;
    flow.tunneled = true;
    this.detect(flow, dir, buf, start, end, ts);
  }

  /** `final`: the connection is ending, so held first bytes are judged as they are. */
  private detect(flow: Flow, dir: number, buf: Buffer, start: number, end: number, ts: number, final = false): void {
    let len = end - start;
    // the first bytes of a direction whose SYN we saw (or of a tunnel just opened) start a message
    const fresh = (flow.fresh >> dir) & 1;
    flow.fresh &= ~(1 << dir);
    const own = flow.dirs![dir]!;
    let atStart = fresh === 1 || (own.fromSyn && own.delivered === len);
    const held = flow.lead[dir] ?? null;
    if (held !== null || (atStart && tooFewToTell(buf, start, end) && this.budget.fits(2 * DETECT_BYTES))) {
      // too few bytes to tell yet: hold them (they began the stream) until a line end or DETECT_BYTES
      const joined = held === null ? Buffer.from(buf.subarray(start, end)) : Buffer.concat([held, buf.subarray(start, end)]);
      if (held !== null) this.budget.sub(held.length);
      if (!final && tooFewToTell(joined, 0, joined.length)) {
        flow.lead[dir] = joined;
        this.budget.add(joined.length);
        return;
      }
      flow.lead[dir] = null;
      buf = joined;
      start = 0;
      end = joined.length;
      len = end;
      atStart = true;
    }
    const b0 = buf[start]!;
    if (flow.tls !== null || (atStart && b0 === 0x16 && len >= 3 && buf[start + 1] === 3 && buf[start + 2]! <= 4)) {
      this.tls(flow, dir, buf, start, end);
      return;
    }
    const head = buf.toString('latin1', start, Math.min(end, start + 4096));
    if (head.startsWith('PRI * HTTP/2.0')) {
      countSkip(this.stats, 'http2');
      this.ignore(flow);
      return;
    }
    if (!atStart && len >= 5 && b0 >= 0x14 && b0 <= 0x17 && buf[start + 1] === 3 && buf[start + 2]! <= 4) {
      // TLS records picked up midway: no ClientHello to read, counted under the server address
      const server = flow.client >= 0 ? 1 - flow.client : flow.port(dir) < flow.port(1 - dir) ? dir : 1 - dir;
      this.countTls(flow.addr(server));
      this.ignore(flow);
      return;
    }
    // midway into a connection on an HTTP port, only the client's side is searched (the
    // server's may be a long body); elsewhere both sides, briefly
    const httpPort = HTTP_PORTS.has(flow.port(0)) ? 0 : HTTP_PORTS.has(flow.port(1)) ? 1 : -1;
    if (!atStart && httpPort === dir && flow.undecided > 0) return;
    let at = -1;
    let isRequest = true;
    if (atStart || flow.undecided === 0) {
      // a CRLF in front must not hide the connection
      const lead = afterEmptyLines(buf, start, end) - start;
      const h = lead === 0 ? head : head.slice(lead);
      if (h.startsWith('HTTP/')) {
        at = lead;
        isRequest = false;
      } else if (KNOWN_METHODS.test(h) || versionedLine(h)) {
        at = lead;
      } else if (atStart && TOKEN_SP.test(h) && (HTTP_PORTS.has(flow.port(1 - dir)) || HTTP_PORTS.has(flow.port(dir)))) {
        at = lead;
      }
    }
    if (at < 0) {
      const s = buf.toString('latin1', start, end);
      const rq = MID_REQUEST.exec(s);
      const rs = MID_RESPONSE.exec(s);
      if (rq && (!rs || rq.index <= rs.index)) {
        at = rq.index + (s.charCodeAt(rq.index) === 10 ? 1 : 0);
      } else if (rs) {
        at = rs.index + (s.charCodeAt(rs.index) === 10 ? 1 : 0);
        isRequest = false;
      }
    }
    if (at < 0) {
      flow.undecided += len;
      if (flow.undecided > (httpPort >= 0 ? MAX_UNDECIDED_HTTP_PORT : MAX_UNDECIDED_BYTES)) {
        countSkip(this.stats, 'tcp-other');
        this.ignore(flow);
      }
      return;
    }
    this.startHttp(flow, dir, isRequest).push(buf, start + at, end, ts);
  }

  /** The flow is HTTP, and direction `dir` sends requests (`isRequest`) or responses: its parsers, and the stream of `dir`. */
  private startHttp(flow: Flow, dir: number, isRequest: boolean): HttpStream {
    flow.client = isRequest ? dir : 1 - dir;
    const cs = flow.client;
    // (a tunnel's inner HTTP is the same flow, counted once)
    if (!flow.tunneled) this.counters.httpFlows++;
    flow.app = APP_HTTP;
    const other = flow.dirs![1 - dir]!;
    // the other side starts a message if nothing of it was seen yet, or all that was is held first bytes (only a stream's start is held)
    const otherSynced = ((flow.fresh >> (1 - dir)) & 1) === 1 || (other.fromSyn && other.delivered === 0) || flow.lead[1 - dir] != null;
    const conn = {
      source: this.source,
      client: { ip: flow.addr(cs), port: flow.port(cs) },
      server: { ip: flow.addr(1 - cs), port: flow.port(1 - cs) },
    };
    flow.http = isRequest
      ? new HttpConnection(conn, this.env, true, otherSynced)
      : new HttpConnection(conn, this.env, otherSynced, true);
    return isRequest ? flow.http.request : flow.http.response;
  }

  /**
   * Whether packet `p` (of direction `dir`, in order) is the first request of
   * a connection seen from both SYNs, whole enough to be told HTTP as
   * `detect` would: a known method (not CONNECT, whose tunnel JS follows)
   * and a request line ending in HTTP/1.0 or 1.1 within the packet.
   */
  private firstRequest(flow: Flow, dir: number, p: DecodedPacket): boolean {
    if (flow.tunneled || flow.fresh !== 0 || flow.tls !== null || flow.lead[0] !== null || flow.lead[1] !== null) return false;
    const [a, b] = flow.dirs!;
    // no FIN seen (finBits: a side's FIN before its SYN ends it without a FIN sequence number)
    if (!a.fromSyn || !b.fromSyn || a.delivered !== 0 || b.delivered !== 0 || a.pendingBytes !== 0 || b.pendingBytes !== 0 || flow.finBits !== 0) return false;
    if (p.seq !== flow.dirs![dir]!.nextSeq) return false;
    // read from the bytes: a string of the head would be made for every connection
    const buf = p.buf;
    const s = p.start;
    const stop = Math.min(p.end, s + 512);
    let e = s;
    while (e < stop && buf[e] !== 10) e++;
    if (e === stop) return false;
    if (buf[e - 1] === 13) e--;
    // the line ends in " HTTP/1.0" or " HTTP/1.1"
    if (e - s < 12 || buf.compare(SP_HTTP_1, 0, 8, e - 9, e - 1) !== 0 || (buf[e - 1] !== 48 && buf[e - 1] !== 49)) return false;
    const method = buf.toString('latin1', s, Math.min(e, s + 12));
    return KNOWN_METHODS.test(method) && !method.startsWith('CONNECT');
  }

  private tls(flow: Flow, dir: number, buf: Buffer, start: number, end: number): void {
    if (flow.tls === null) {
      // the ClientHello sender is the client
      if (buf[start + 5] === 1) flow.client = dir;
      else if (flow.client < 0) flow.client = 1 - dir;
      flow.tls = Buffer.alloc(0);
    }
    if (dir === flow.client) flow.tls = Buffer.concat([flow.tls, buf.subarray(start, end)]);
    const sni = dir === flow.client ? clientHelloSni(flow.tls) : undefined;
    if (sni === undefined && flow.tls.length < MAX_TLS_HELLO && dir === flow.client) return;
    if (sni === undefined && dir !== flow.client && flow.tls.length === 0) {
      // server spoke first; wait for the client's hello
      return;
    }
    const server = flow.client >= 0 ? 1 - flow.client : 1 - dir;
    this.countTls(sni ?? flow.addr(server));
    flow.tls = null;
    this.ignore(flow);
  }

  private countTls(name: string): void {
    const hosts = (this.stats.tlsHosts ??= {});
    // distinct names are capped so a scan of random SNIs cannot grow the stats without bound
    const key = hosts[name] !== undefined || this.tlsNames < MAX_TLS_NAMES ? name : '(other)';
    if (hosts[key] === undefined) this.tlsNames++;
    hosts[key] = (hosts[key] ?? 0) + 1;
    countSkip(this.stats, 'tls');
  }

  private ignore(flow: Flow): void {
    flow.app = APP_IGNORED;
    flow.tls = null;
    this.dropLead(flow);
    for (const d of flow.dirs!) {
      d.discard = true;
      d.release();
    }
  }

  /** Gives the held first bytes of both sides back (the flow was decided otherwise, or is over). */
  private dropLead(flow: Flow): void {
    for (const held of flow.lead) if (held !== null) this.budget.sub(held.length);
    flow.lead[0] = null;
    flow.lead[1] = null;
  }

  /** `taken`: the fast path has the flow's record (its SYN was taken there), else it keeps one. */
  private create(p: FlowTuple, hash: number, ts: number, taken = false): Flow {
    if (this.count >= this.caps.maxFlows) this.evict(ts);
    const f = new Flow(this, hash, p, this.budget, this.counters, this.maxFlowBuffered);
    f.lastTs = ts;
    if (this.count >= this.buckets.length) this.grow();
    const i = hash & (this.buckets.length - 1);
    f.next = this.buckets[i]!;
    this.buckets[i] = f;
    f.older = this.newest;
    if (this.newest !== null) this.newest.newer = f;
    else this.oldest = f;
    this.newest = f;
    this.count++;
    this.counters.flows++;
    if (!taken) this.fast?.keep(f);
    return f;
  }

  /** Ends a connection: gives up holes, finishes HTTP, keeps a small tombstone against stray packets. */
  private close(flow: Flow, ts: number): void {
    if (flow.fastId >= 0) this.fast!.demote(flow);
    if (flow.closed) return;
    flow.closed = true;
    // first bytes held and never followed: judged as they are (a request line cut by the end is still a request)
    for (let d = 0; d < 2; d++) {
      if (flow.lead[d] == null) continue;
      if (flow.app === APP_UNDECIDED) this.detect(flow, d, EMPTY, 0, 0, ts, true);
      else if (flow.app === APP_HTTP) this.data(flow, d, EMPTY, 0, 0, ts);
    }
    this.dropLead(flow);
    const dirs = flow.dirs!;
    for (const d of dirs) d.close(ts);
    flow.http?.close(ts);
    flow.http = null;
    flow.tls = null;
    for (const d of dirs) {
      d.discard = true;
      d.release();
    }
    flow.retire();
  }

  private remove(flow: Flow, ts: number): void {
    this.close(flow, ts);
    if (flow.fastKept >= 0) this.fast!.forget(flow);
    if (this.last === flow) this.last = null;
    const i = flow.hash & (this.buckets.length - 1);
    const head = this.buckets[i]!;
    if (head === flow) this.buckets[i] = flow.next;
    else {
      for (let f: Flow | null = head; f !== null; f = f.next) {
        if (f.next === flow) {
          f.next = flow.next;
          break;
        }
      }
    }
    flow.next = null;
    if (flow.older !== null) flow.older.newer = flow.newer;
    else this.oldest = flow.newer;
    if (flow.newer !== null) flow.newer.older = flow.older;
    else this.newest = flow.older;
    flow.older = flow.newer = null;
    this.count--;
  }

  /**
   * Twice the chains, in place: chain i splits between i and i + n. (In place
   * because V8 compiles reads of a field never reassigned as of a constant: a
   * new array here made it throw away the code of `packet` and compile it again.)
   */
  private grow(): void {
    const b = this.buckets;
    const n = b.length;
    for (let i = 0; i < n; i++) b.push(null);
    const mask = 2 * n - 1;
    for (let i = 0; i < n; i++) {
      let f: Flow | null = b[i]!;
      b[i] = null;
      while (f !== null) {
        const next: Flow | null = f.next;
        f.next = b[f.hash & mask]!;
        b[f.hash & mask] = f;
        f = next;
      }
    }
  }

  /** Every flow, in the order they were made. */
  private all(): Flow[] {
    const out: Flow[] = [];
    for (let f = this.oldest; f !== null; f = f.newer) {
      if (f.fastId >= 0) f.lastTs = Math.max(f.lastTs, this.fast!.lastTs(f));
      out.push(f);
    }
    return out;
  }

  private sweep(ts: number): void {
    this.lastSweep = ts;
    const limit = ts - this.caps.idleTimeoutMs;
    // a closed connection's tombstone only needs to outlive late retransmissions
    const closedLimit = ts - Math.min(this.caps.idleTimeoutMs, 30_000);
    for (const f of this.all()) {
      if (f.lastTs < (f.closed ? closedLimit : limit)) {
        if (!f.closed) this.counters.flowsTimedOut++;
        this.remove(f, ts);
      }
    }
  }

  /** Parsed messages hold more than their cap: the least recently active flows are closed until they do not. */
  relieve(ts: number): void {
    while (this.budget.messages > this.budget.maxMessages && this.count > 0) this.evict(ts);
  }

  private evict(ts: number): void {
    const flows = this.all().sort((x, y) => x.lastTs - y.lastTs);
    const n = Math.max(1, flows.length >> 3);
    for (let i = 0; i < n; i++) {
      if (!flows[i]!.closed) this.counters.flowsEvicted++;
      this.remove(flows[i]!, ts);
    }
  }
}
