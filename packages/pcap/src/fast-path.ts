import { readFileSync } from 'node:fs';
import { NOT_HTTP_PORTS, SWEEP_EVERY_MS, SynTuple, type FastFlows, type Flow, type FlowTable } from './tcp-flows.js';
import { addHeader, BODY_LEN, HEAD_TEXT_WINDOW, CHUNK_DATA, CHUNK_END, CHUNK_SIZE, HttpMessage, START, TRAILERS, type HttpStream } from './http-stream.js';
import { requestLine } from './start-line.js';
import type { BodyFile } from './file-bytes.js';

/**
 * The fast path (assembly/fast-path.ts, in WebAssembly) reads the common case
 * of an HTTP flow the JS engine has already recognised: packets, in-order TCP
 * segments, heads and body framing, byte by byte, at several times the JS
 * engine's speed. JS keeps the meaning: each head becomes an HttpMessage
 * here, body bytes go to the message of the flow's HttpStream, and the end of
 * each message completes it there. On anything unusual the fast path hands
 * the flow back at the byte where it stopped (a DEMOTE event, with its TCP
 * state and each side's framing: in a body with so many bytes left, or at the
 * start of a chunk line), and the JS engine reads on from there. The flow is
 * offered again once it is quiet. A connection JS has no flow for is taken
 * over at its client's SYN (a SYN event: JS makes the flow then); so that it
 * can tell, the fast path keeps a record of every flow JS has (`keep`, `forget`).
 */

/** The few WebAssembly names used here (the compiler's lib has no WebAssembly types). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer };
  inputPtr(): number;
  scratchPtr(): number;
  eventsPtr(): number;
  headersPtr(): number;
  lastTsPtr(): number;
  eventCount(): number;
  clearEvents(): void;
  textEnd(): number;
  takeRetransmitted(): number;
  promote(v6: number, a0: number, a1: number, a2: number, a3: number, ap: number, b0: number, b1: number, b2: number, b3: number, bp: number, client: number, next0: number, next1: number, ack0: number, ack1: number, ackSeen: number, lastTs: number, handshake: number, kept: number): number;
  keep(v6: number, a0: number, a1: number, a2: number, a3: number, ap: number, b0: number, b1: number, b2: number, b3: number, bp: number): number;
  demote(id: number): void;
  forget(id: number): void;
  takeSyns(limit: number): void;
  notHttpPort(port: number): void;
  statePtr(): number;
  reset(): void;
  seedNames(lo: number, hi: number): void;
  seedFlows(seed: number): void;
  packet(addr: number, len: number, linkType: number, ts: number, maxHead: number): number;
  nameInPtr(): number;
  learnName(len: number): number;
  records(addr: number, len: number, le: number, ns: number, linkType: number, maxPacket: number, maxHead: number, lastSweep: number, sweepEvery: number): number;
  recordsLastTs(): number;
  recordsStatus(): number;
  recordsPackets(): number;
  recordsMaxTs(): number;
}

// what `packet` answers (assembly/fast-path.ts)
const TAKEN = 0;
const FULL = 2;
// why `records` stopped
const RECORDS_SLOW = 1;
const RECORDS_FULL = 2;
const RECORDS_SWEEP = 3;
// what `head` made of a HEAD event
const READ = 0;
const UNREAD = 1;
const TAKEN_OTHERWISE = 2;
// events
const EV_HEAD = 2;
const EV_BODY = 4;
const EV_END = 5;
const EV_HTTP = 6;
const EV_FIN = 7;
const EV_CLOSE = 8;
const EV_SYN = 9;
/** Flow records the fast path has (assembly/fast-path.ts MAX_FLOWS). */
const MAX_FLOWS = 65_536;
/** Bits of a DEMOTE's acknowledgments-seen word (assembly/fast-path.ts HS_*): taken over at its SYN and no HTTP yet; the server's SYN seen. */
const HS_OPEN = 4;
const HS_SYNACK = 8;
/** The framing states of a side (assembly/fast-path.ts ST_*) as HttpStream's; -1: never handed back (inside a line). */
const STREAM_STATE = [START, BODY_LEN, CHUNK_SIZE, -1, -1, CHUNK_DATA, CHUNK_END, -1, TRAILERS, -1];
const EVENT_WORDS = 16;
/** The methods the fast path hands over as ids (assembly/fast-path.ts `methodOf`). */
const METHODS = ['', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'];
/** The input area's size: the most of a file read at once (read-capture.ts). */
export const INPUT_BYTES = 1 << 20;
const SCRATCH_BYTES = 1 << 20;

let compiled: object | undefined;
function wasmModule(): object {
  // dist/src/fast-path.js → dist/fast-path.wasm (built by the package's build script)
  compiled ??= new wasm.Module(readFileSync(new URL('../fast-path.wasm', import.meta.url)));
  return compiled;
}

const HDR_WORDS = 5;
/** Longest header name the fast path learns (see `name`). */
const MAX_NAME = 64;

/**
 * Flows taken over and handed back, heads read, and disagreements (a head the
 * fast path took that JS frames otherwise, or cannot read: a bug, recovered
 * from by JS reading the flow's bytes itself), process-wide: what tests look at.
 */
export const fastPathTotals = { promoted: 0, demoted: 0, heads: 0, disagreements: 0 };

/** One WebAssembly instance and its views; instances are reused (making one costs milliseconds). */
class Core {
  readonly w: Exports;
  readonly mem: Buffer;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  /** Header names the instance has learned, lower case, by id. */
  readonly names: string[] = [''];

  constructor() {
    this.w = new wasm.Instance(wasmModule(), {}).exports as unknown as Exports;
    // a seed of its own for the header-name table, so that no capture can aim names at one slot
    // (Math.random is seeded by the OS at start: a capture written beforehand cannot know it)
    this.w.seedNames((Math.random() * 2 ** 32) >>> 0, (Math.random() * 2 ** 32) >>> 0);
    // and for its flow table, so that no capture can put its flows in one bucket
    this.w.seedFlows((Math.random() * 2 ** 32) >>> 0);
    for (const port of NOT_HTTP_PORTS) this.w.notHttpPort(port);
    const buf = this.w.memory.buffer;
    this.mem = Buffer.from(buf);
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf);
  }
}

const idle: Core[] = [];

function acquire(): Core {
  const c = idle.pop();
  if (c === undefined) return new Core();
  c.w.reset();
  c.names.length = 1;
  return c;
}

export class FastPath implements FastFlows {
  // the core's, copied to fields for the hot paths; set on the first promotion (most small captures never need one)
  private w!: Exports;
  private mem!: Buffer;
  private u32!: Uint32Array;
  private f64!: Float64Array;
  private input = 0;
  private scratch = 0;
  private events = 0;
  private headers = 0;
  private lastTsAt = 0;
  /** Where `demote` leaves a connection's state (as a DEMOTE event from its 5th word on). */
  private stateAt = 0;
  private names!: string[];
  private core: Core | null = null;
  /** Flows the fast path reads, by id. */
  private readonly flows: (Flow | undefined)[] = [];
  private live = 0;
  /** Payload bytes of the packet handed back that the fast path had already read (set by a DEMOTE). */
  trim = 0;
  /** A string of the heads at [textFrom, textTo) of the memory (see `headText`), until the events are cleared. */
  private text = '';
  private textFrom = 0;
  private textTo = 0;
  /** Where the heads of the events being read end in the memory. */
  private textEnd = 0;
  /** The slice being read in the input area: its address, and where it is in the file bodies are read back from (its first byte's position, its length; 0: none). */
  private sliceAt = 0;
  private slicePos = 0;
  private sliceLen = 0;

  /** The flow the SYN events' flows are made from (one object, reused). */
  private readonly tuple = new SynTuple();

  constructor(
    private readonly table: FlowTable,
    private readonly maxHeaderBytes: number,
    /** The file being read, when bodies can be read back from it (else they are copied out). */
    private readonly file: BodyFile | null,
    /** The most flows JS keeps (see `takeSyns` in assembly/fast-path.ts). */
    private readonly maxFlows: number,
  ) {}

  private attach(): void {
    const c = (this.core = acquire());
    this.w = c.w;
    this.mem = c.mem;
    this.u32 = c.u32;
    this.f64 = c.f64;
    this.names = c.names;
    this.input = c.w.inputPtr();
    this.scratch = c.w.scratchPtr();
    this.events = c.w.eventsPtr();
    this.headers = c.w.headersPtr();
    this.lastTsAt = c.w.lastTsPtr();
    this.stateAt = c.w.statePtr();
    // taking SYNs needs a record of every flow JS has: none past the table's size
    c.w.takeSyns(this.maxFlows <= MAX_FLOWS ? this.maxFlows : 0);
  }

  /** The input is over: the instance goes back for reuse (its flows were all handed back by then). */
  release(): void {
    if (this.core === null) return;
    if (idle.length < 4) idle.push(this.core);
    this.core = null;
    this.live = 0;
  }

  /**
   * Where the next input slice of up to `n` bytes may be read to directly (it
   * is then read in place, see `stage`), once the fast path has memory; the
   * events that still read the last slice are read first.
   */
  inputArea(n: number): Buffer | null {
    if (this.core === null || n > INPUT_BYTES) return null;
    this.flush();
    this.sliceLen = 0;
    return this.mem.subarray(this.input, this.input + n);
  }

  /**
   * Copies an input slice into the fast path's memory (unless read there
   * already); the reader reads the returned view. `pos`: where the slice
   * starts in the input (bodies in it are read back from the file from there).
   */
  stage(chunk: Buffer, pos: number): Buffer {
    if (this.core === null) return chunk;
    if (chunk.length > INPUT_BYTES) {
      this.sliceLen = 0;
      return chunk;
    }
    let at = chunk.byteOffset;
    // read into the input area already (a part of what `inputArea` gave), or copied there
    if (chunk.buffer !== this.mem.buffer || at < this.input || at + chunk.length > this.input + INPUT_BYTES) {
      this.flush();
      chunk.copy(this.mem, this.input);
      at = this.input;
    }
    this.sliceAt = at;
    this.slicePos = pos;
    this.sliceLen = chunk.length;
    return this.mem.subarray(at, at + chunk.length);
  }

  /**
   * One captured packet; true when the fast path read it. False: the JS
   * engine reads it (after the events before it, and skipping `trim` payload
   * bytes when a DEMOTE says the fast path read those).
   */
  packet(buf: Buffer, start: number, end: number, linkType: number, ts: number): boolean {
    if (this.live === 0) return false;
    const len = end - start;
    let addr: number;
    let copied = false;
    if (buf.buffer === this.mem.buffer) addr = buf.byteOffset + start;
    else {
      // assembled by the reader from two slices: read from the scratch area, before it is reused
      if (len > SCRATCH_BYTES) return false;
      this.flush();
      buf.copy(this.mem, this.scratch, start, end);
      addr = this.scratch;
      copied = true;
    }
    for (;;) {
      const r = this.w.packet(addr, len, linkType, ts, this.maxHeaderBytes);
      if (r === FULL) {
        this.flush();
        continue;
      }
      if (r !== TAKEN || copied) this.flush();
      return r === TAKEN;
    }
  }

  promote(flow: Flow, handshake = false): boolean {
    if (this.core === null) this.attach();
    const [d0, d1] = flow.dirs!;
    const kept = flow.fastKept;
    const id = this.w.promote(
      flow.v6 ? 1 : 0,
      flow.a0, flow.a1, flow.a2, flow.a3, flow.ap,
      flow.b0, flow.b1, flow.b2, flow.b3, flow.bp,
      flow.client,
      d0.nextSeq, d1.nextSeq, d0.peerAck, d1.peerAck,
      (d0.peerAckSeen ? 1 : 0) | (d1.peerAckSeen ? 2 : 0),
      flow.lastTs,
      handshake ? 1 : 0,
      kept,
    );
    // (the kept record was let go first: one is free)
    flow.fastKept = -1;
    if (id < 0) return false;
    this.own(flow, id);
    return true;
  }

  /** `flow` is read by the fast path from here, as record `id`. */
  private own(flow: Flow, id: number): void {
    flow.fastId = id;
    this.flows[id] = flow;
    this.live++;
    fastPathTotals.promoted++;
  }

  keep(flow: Flow): void {
    if (this.core === null) this.attach();
    const id = this.w.keep(flow.v6 ? 1 : 0, flow.a0, flow.a1, flow.a2, flow.a3, flow.ap, flow.b0, flow.b1, flow.b2, flow.b3, flow.bp);
    // (the table is full only past JS's own limit, maxFlows greater than the table, and then no SYN is taken: see `attach`)
    if (id >= 0) flow.fastKept = id;
  }

  demote(flow: Flow): void {
    this.flush();
    const id = flow.fastId;
    if (id < 0) return;
    this.w.demote(id);
    this.handBack(flow, this.stateAt >> 2, true);
  }

  /**
   * Reads whole classic pcap records from buf[start, end) while their
   * packets are the fast path's. `out` gets the bytes and packets read; the
   * return value says why it stopped: 'slow' (the next record's packet is the
   * JS engine's: read it without `packet`), 'sweep' (the idle sweep is due),
   * or null (no whole record left, or one JS must judge).
   */
  records(buf: Buffer, start: number, end: number, le: boolean, ns: boolean, linkType: number, maxPacket: number, lastSweep: number, out: { bytes: number; packets: number; maxTs: number; lastTs: number }): 'slow' | 'sweep' | null {
    out.bytes = 0;
    out.packets = 0;
    out.maxTs = 0;
    if (this.live === 0 || buf.buffer !== this.mem.buffer) return null;
    let addr = buf.byteOffset + start;
    const stop = buf.byteOffset + end;
    for (;;) {
      const used = this.w.records(addr, stop - addr, le ? 1 : 0, ns ? 1 : 0, linkType, maxPacket, this.maxHeaderBytes, lastSweep, SWEEP_EVERY_MS);
      addr += used;
      out.bytes += used;
      out.packets += this.w.recordsPackets();
      const maxTs = this.w.recordsMaxTs();
      if (maxTs > out.maxTs) out.maxTs = maxTs;
      if (this.w.recordsPackets() > 0) out.lastTs = this.w.recordsLastTs();
      const status = this.w.recordsStatus();
      if (status === RECORDS_FULL) {
        this.flush();
        continue;
      }
      if (status === RECORDS_SLOW) {
        this.flush();
        return 'slow';
      }
      return status === RECORDS_SWEEP ? 'sweep' : null;
    }
  }

  lastTs(flow: Flow): number {
    return this.f64[(this.lastTsAt >> 3) + flow.fastId]!;
  }

  /** Reads the queued events into the flows' HTTP streams. */
  flush(): void {
    if (this.core === null) return;
    const r = this.w.takeRetransmitted();
    if (r > 0) this.table.counters.retransmittedBytes += r;
    const n = this.w.eventCount();
    if (n === 0) return;
    this.textEnd = this.w.textEnd();
    const u = this.u32;
    const f = this.f64;
    let e = this.events >> 2;
    // flows whose heads JS framed otherwise: JS reads what it is given of them itself until they are handed back, below
    let doubted: Set<Flow> | null = null;
    for (let i = 0; i < n; i++, e += EVENT_WORDS) {
      const kind = u[e]!;
      const flow = this.flows[u[e + 1]!]!;
      const ts = f[(e + 14) >> 1]!;
      if (kind === EV_BODY) {
        if (doubted?.has(flow)) this.bytes(flow, e, ts);
        else this.body(flow, e, ts);
      } else if (kind === EV_END) {
        if (!doubted?.has(flow)) this.side(flow, u[e + 2]!).fastEnd(ts);
      } else if (kind === EV_HEAD) {
        const r = doubted?.has(flow) ? UNREAD : this.head(flow, e, ts);
        if (r === READ) fastPathTotals.heads++;
        else {
          if (!doubted?.has(flow)) {
            fastPathTotals.disagreements++;
            (doubted ??= new Set()).add(flow);
          }
          // JS reads the flow's bytes itself from here: this head's too, unless it already took it
          if (r === UNREAD) this.bytes(flow, e, ts);
        }
      } else this.turn(kind, flow, e, ts, doubted);
    }
    this.w.clearEvents();
    this.textTo = 0;
    if (doubted !== null) for (const flow of doubted) if (flow.fastId >= 0) this.demote(flow);
  }

  /**
   * SYN, HTTP, FIN, CLOSE or DEMOTE event `e`: a client's SYN taken over (JS
   * makes the flow), a connection taken over at its SYN found to be HTTP, a
   * side's FIN, the second FIN (the connection is over and handed back), or a
   * connection handed back. A few times a connection, so
   * in a method of their own: the first connection ends after `flush` is
   * compiled, and a branch of its own that had never run would make V8 throw
   * that code away and compile it again; this call has run by then (the first
   * HTTP events come first).
   */
  private turn(kind: number, flow: Flow, e: number, ts: number, doubted: Set<Flow> | null): void {
    const u = this.u32;
    if (kind === EV_SYN) {
      // (no flow yet: `flow` is undefined)
      this.synRead(u[e + 1]!, e, ts);
      return;
    }
    // (sequence numbers as int32: one of 2^31 or more read as is would be a heap number, and make this code be compiled again)
    if (kind === EV_HTTP) {
      flow.table.firstRequestRead(flow, u[e + 2]!, u[e + 3]! | 0);
      return;
    }
    if (kind === EV_FIN) {
      flow.table.finRead(flow, u[e + 2]!, u[e + 3]! | 0, ts);
      return;
    }
    this.trim = u[e + 3]!;
    this.handBack(flow, e + 4, !doubted?.has(flow));
    // CLOSE: the second FIN, read as JS reads one, closes the connection; its record stays in the fast path, as a tombstone
    if (kind === EV_CLOSE) flow.table.finRead(flow, u[e + 2]!, u[e + 4 + u[e + 2]!]! | 0, ts);
  }

  /** SYN event `e`: the flow JS makes of the client's SYN the fast path took, record `id`. */
  private synRead(id: number, e: number, ts: number): void {
    const u = this.u32;
    const t = this.tuple;
    t.v6 = u[e + 2] !== 0;
    t.s0 = u[e + 3]!; t.s1 = u[e + 4]!; t.s2 = u[e + 5]!; t.s3 = u[e + 6]!; t.sport = u[e + 7]!;
    t.d0 = u[e + 8]!; t.d1 = u[e + 9]!; t.d2 = u[e + 10]!; t.d3 = u[e + 11]!; t.dport = u[e + 12]!;
    // (as int32, as the other events' sequence numbers: see `turn`)
    this.own(this.table.synRead(t, u[e + 13]! | 0, ts), id);
  }

  /**
   * A connection handed back, its state at word `w` of the memory (a DEMOTE or
   * CLOSE event's from its 5th word, or what `demote` left): TCP state into
   * its reassemblers, and each side's framing into its HTTP stream (unless
   * `streams` is false, or it has none yet: handed back in its handshake).
   */
  private handBack(flow: Flow, w: number, streams: boolean): void {
    const u = this.u32;
    const seen = u[w + 4]!;
    this.restore(flow, u[w]!, u[w + 1]!, u[w + 2]!, u[w + 3]!, seen);
    if ((seen & HS_OPEN) !== 0 || !streams) return;
    this.resume(flow, 0, u[w + 5]!, u[w + 6]!);
    this.resume(flow, 1, u[w + 7]!, u[w + 8]!);
  }

  forget(flow: Flow): void {
    this.w.forget(flow.fastKept);
    flow.fastKept = -1;
  }

  /** The bytes of BODY event `e`: left in the file when they are in the input slice and the file can be read back, else copied. */
  private body(flow: Flow, e: number, ts: number): void {
    const u = this.u32;
    const addr = u[e + 3]!;
    const end = addr + u[e + 4]!;
    const at = addr - this.sliceAt;
    if (this.file !== null && at >= 0 && end - this.sliceAt <= this.sliceLen) {
      this.side(flow, u[e + 2]!).fastBodyFile(this.file, this.slicePos + at, this.slicePos + (end - this.sliceAt), ts);
    } else this.side(flow, u[e + 2]!).fastBody(this.mem, addr, end, ts);
  }

  /** The HTTP stream of the side that sent `side`'s bytes. */
  private side(flow: Flow, side: number): HttpStream {
    const http = flow.http!;
    return side === flow.client ? http.request : http.response;
  }

  /**
   * The bytes of event `e`, to the flow's HTTP stream of their direction, as
   * the reassembler would hand them: only after a disagreement (a bug, see
   * `fastPathTotals`), when JS reads on by itself. Body events then lack the
   * framing between them, which JS reads as a resynchronisation would.
   */
  private bytes(flow: Flow, e: number, ts: number): void {
    const u = this.u32;
    const addr = u[e + 3]!;
    this.side(flow, u[e + 2]!).push(this.mem, addr, addr + u[e + 4]!, ts);
  }

  /** A side's framing as the fast path left it, into its HTTP stream. */
  private resume(flow: Flow, side: number, state: number, remaining: number): void {
    const s = STREAM_STATE[state] ?? -1;
    // inside a framing line (a bug): JS cannot know the line, and resynchronises
    if (s < 0) fastPathTotals.disagreements++;
    this.side(flow, side).fastResume(s, remaining);
  }

  /** Makes the head of HEAD event `e` into the flow's message: READ, UNREAD (JS must read its bytes) or TAKEN_OTHERWISE (JS framed it otherwise). */
  private head(flow: Flow, e: number, ts: number): number {
    const u = this.u32;
    const addr = u[e + 3]!;
    const isRequest = u[e + 2] === flow.client;
    const len = u[e + 4]!;
    const t = this.headText(addr, len);
    // where the head starts in the string
    const b = addr - this.textFrom;
    const m = new HttpMessage(isRequest, ts);
    m.headLength = len;
    // the start line as start-line.ts reads the strict shapes the fast path takes
    const version = u[e + 12] === 1 ? '1.1' : '1.0';
    if (!isRequest) {
      m.version = version;
      m.status = u[e + 9]!;
      m.statusText = t.slice(b + u[e + 10]!, b + u[e + 11]!);
    } else if (u[e + 9] !== 0) {
      m.method = METHODS[u[e + 9]!]!;
      m.target = t.slice(b + u[e + 10]!, b + u[e + 11]!);
      m.version = version;
    } else if (!requestLine(m, t.slice(b, b + u[e + 5]!))) {
      return UNREAD;
    }
    let h = (this.headers >> 2) + u[e + 6]! * HDR_WORDS;
    for (let k = u[e + 7]!; k > 0; k--, h += HDR_WORDS) {
      const id = u[h + 4]!;
      addHeader(m, id !== 0 ? this.names[id]! : this.name(t.slice(b + u[h]!, b + u[h + 1]!)), t.slice(b + u[h + 2]!, b + u[h + 3]!));
    }
    const state = this.side(flow, u[e + 2]!).fastHead(m, ts);
    const expected = u[e + 8]!;
    return state === (expected === 1 ? BODY_LEN : expected === 2 ? CHUNK_SIZE : START) ? READ : TAKEN_OTHERWISE;
  }

  /**
   * A string holding the head at [addr, addr + len), from offset addr - textFrom.
   * The fast path copies the heads of the queued events one after another
   * (assembly/fast-path.ts TEXT), and one Latin-1 string is made of up to
   * HEAD_TEXT_WINDOW bytes of them: a string costs ~70 ns to make however
   * short, and a head's strings are slices of it. A string kept from a head
   * keeps its window alive, which `messageCost` charges.
   */
  private headText(addr: number, len: number): string {
    const end = addr + len;
    if (addr < this.textFrom || end > this.textTo) {
      const to = Math.max(end, Math.min(addr + HEAD_TEXT_WINDOW, this.textEnd));
      this.text = (this.mem as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(addr, to);
      this.textFrom = addr;
      this.textTo = to;
    }
    return this.text;
  }

  /**
   * A header name the fast path did not know, lower-cased, and taught to it
   * so that it hands the name over as an id next time (up to its table's
   * size: a flood of made-up names is lower-cased each time, as before).
   */
  private name(raw: string): string {
    const lower = raw.toLowerCase();
    if (lower.length <= MAX_NAME) {
      const at = this.w.nameInPtr();
      const n = this.mem.write(lower, at, 'latin1');
      const id = this.w.learnName(n);
      if (id !== 0) this.names[id] = lower;
    }
    return lower;
  }

  /** The TCP state of a flow handed back, into its reassemblers. */
  private restore(flow: Flow, next0: number, next1: number, ack0: number, ack1: number, ackSeen: number): void {
    const id = flow.fastId;
    const last = this.f64[(this.lastTsAt >> 3) + id]!;
    if (last > flow.lastTs) flow.lastTs = last;
    this.flows[id] = undefined;
    flow.fastId = -1;
    // its record stays: JS's from here, or the tombstone of a connection closed there
    flow.fastKept = id;
    this.live--;
    fastPathTotals.demoted++;
    const [d0, d1] = flow.dirs!;
    d0.nextSeq = next0;
    d1.nextSeq = next1;
    if (ackSeen & 1) {
      d0.peerAck = ack0;
      d0.peerAckSeen = true;
    }
    if (ackSeen & 2) {
      d1.peerAck = ack1;
      d1.peerAckSeen = true;
    }
    // taken over at its SYN: the server's SYN, if it came, as JS would have read it
    if (ackSeen & HS_SYNACK) flow.table.serverSyn(flow, (flow.client === 1 ? next0 : next1) - 1);
  }
}
