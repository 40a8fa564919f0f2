import type { Exchange, ExchangeSource, SourceStats } from '@overhear/model';
import { countSkip, emptyStats, InputError } from '@overhear/model';
import { Budget } from './budget.js';
import { CaptureFault, defaultCaps, type CaptureCaps, type PacketSink } from './caps.js';
import { captureFormat, type CaptureFormat } from './capture-format.js';
import { toBuffer } from './carry.js';
import { DecodedPacket } from './decoded-packet.js';
import type { HttpEnv } from './http-connection.js';
import { decodeLink, linkSupported } from './link.js';
import { FRAGMENT_HELD, IpFragments } from './ip-fragments.js';
import { PcapReader } from './pcap-file.js';
import { PcapngReader } from './pcapng-file.js';
import { FlowTable } from './tcp-flows.js';
import { FastPath, INPUT_BYTES } from './fast-path.js';
import { BodyFile, type FileBytes } from './file-bytes.js';

const SLICE = 65_536;

/**
 * A file is read synchronously: the event loop gets a turn when this long
 * has passed since its last (progress output, signals, a server's other
 * requests). By time rather than every 16 slices as before: the wait is the
 * same whatever the machine's speed, and ~40 turns instead of ~520 on the
 * bench capture (no turns at all parsed it 1-2 % faster, interleaved A/B).
 */
const TURN_MS = 50;

export interface ReadCaptureOptions {
  /** Name used in error messages. */
  file: string;
  caps?: Partial<CaptureCaps>;
  /**
   * 'fast' (the default): quiet HTTP flows are read by the WebAssembly fast
   * path (fast-path.ts); 'js': the JS engine reads everything. Both give the
   * same exchanges (a test holds them to it). OVERHEAR_PCAP_ENGINE=js sets the default.
   */
  engine?: 'fast' | 'js';
}

/**
 * Reads a pcap or pcapng byte stream (format from the magic number) and yields
 * HTTP/1.x exchanges. `stats` is live while iterating. Bad input before the
 * first packet throws InputError; a fault later sets `stats.fault`, flushes the
 * complete exchanges and ends normally.
 */
export function readCapture(input: AsyncIterable<Uint8Array> | FileBytes, opts: ReadCaptureOptions): ExchangeSource {
  const stats = emptyStats();
  return {
    stats,
    [Symbol.asyncIterator]: () => new BatchIterator(run(input, opts, stats)),
    batches: () => ({ [Symbol.asyncIterator]: () => run(input, opts, stats) }),
  };
}

/**
 * Hands out the exchanges of each batch without a trip through the async
 * generator per exchange (one resolved promise each).
 */
class BatchIterator implements AsyncIterator<Exchange> {
  private batch: Exchange[] = [];
  private i = 0;

  constructor(private readonly src: AsyncGenerator<Exchange[]>) {}

  next(): Promise<IteratorResult<Exchange>> {
    if (this.i < this.batch.length) return Promise.resolve({ value: this.batch[this.i++]!, done: false });
    return this.pull();
  }

  async return(): Promise<IteratorResult<Exchange>> {
    this.batch = [];
    await this.src.return(undefined);
    return { value: undefined, done: true };
  }

  private async pull(): Promise<IteratorResult<Exchange>> {
    for (;;) {
      const r = await this.src.next();
      if (r.done) return { value: undefined, done: true };
      if (r.value.length > 0) {
        this.batch = r.value;
        this.i = 1;
        return { value: r.value[0]!, done: false };
      }
    }
  }
}

/**
 * The input in slices of at most SLICE bytes. A file's are read into the fast
 * path's memory once it has some (`area`), its whole input area to a system call (a call
 * costs ~5 µs here: 8,300 of them for the bench capture in 64 KiB reads), and
 * parsed a slice at a time, which keeps each batch of exchanges small (they
 * die young) and the bytes being parsed in the CPU cache: parsing 256 KiB
 * slices was slower than 64 KiB ones, reading 1 MiB at once faster.
 */
async function* slicesOf(input: AsyncIterable<Uint8Array> | FileBytes, area: () => Buffer | null): AsyncGenerator<Buffer> {
  if (!(Symbol.asyncIterator in input)) {
    const own = Buffer.allocUnsafeSlow(SLICE);
    let turnAt = performance.now() + TURN_MS;
    for (;;) {
      const into = area() ?? own;
      const n = input.readInto(into);
      if (n === 0) return;
      for (let off = 0; off < n; off += SLICE) yield into.subarray(off, Math.min(n, off + SLICE));
      if (performance.now() >= turnAt) {
        await new Promise(setImmediate);
        turnAt = performance.now() + TURN_MS;
      }
    }
  }
  for await (const raw of input) {
    const chunk = toBuffer(raw);
    if (chunk.length <= SLICE) {
      if (chunk.length > 0) yield chunk;
    } else for (let off = 0; off < chunk.length; off += SLICE) yield chunk.subarray(off, Math.min(chunk.length, off + SLICE));
  }
}

async function* run(input: AsyncIterable<Uint8Array> | FileBytes, opts: ReadCaptureOptions, stats: SourceStats): AsyncGenerator<Exchange[]> {
  const caps: CaptureCaps = { ...defaultCaps, ...opts.caps };
  const budget = new Budget(caps.maxTotalBufferedBytes, caps.maxMessageBytes);
  const out: Exchange[] = [];
  const env: HttpEnv = {
    limits: {
      maxHeaderBytes: caps.maxHeaderBytes,
      maxBodyBytes: caps.maxBodyBytes,
      maxEncodedBytes: caps.maxEncodedBytes,
      maxDecoded: caps.maxDecodedBytes,
      ratio: caps.maxDecodeRatio,
      ratioFloor: caps.decodeRatioFloor,
    },
    maxPendingRequests: caps.maxPendingRequests,
    budget,
    emit: (ex) => {
      stats.exchanges++;
      out.push(ex);
    },
    count: (r) => countSkip(stats, r),
  };
  let format: CaptureFormat | undefined;
  const table = () => flows!;
  let flows: FlowTable | undefined;
  const frags = new IpFragments({ maxDatagrams: caps.maxFragmentDatagrams, maxBytes: caps.maxFragmentBytes, timeoutMs: caps.fragmentTimeoutMs }, (r) => countSkip(stats, r));
  const pkt = new DecodedPacket(frags);
  const engine = opts.engine ?? (process.env.OVERHEAR_PCAP_ENGINE === 'js' ? 'js' : 'fast');
  // a file that can be read back: the fast path leaves bodies in it (see readRanges)
  const bodyFile = !(Symbol.asyncIterator in input) && input.readAt ? new BodyFile(input as Required<FileBytes>, opts.file) : null;
  let fast: FastPath | null = null;
  /** The next packet was offered to the fast path already (by `records`), which declined it. */
  let declined = false;
  const read = { bytes: 0, packets: 0, maxTs: 0, lastTs: 0, again: false };
  let packets = 0;
  let lastTs = 0;
  let onlyUnsupported = true;
  /**
   * Every packet moves capture time on, whoever reads it and whatever it is:
   * the sweep for idle flows runs once it is due (the fast path's events read
   * first, as the flows they concern may be swept).
   */
  const sweepIfDue = (tsMs: number): void => {
    if (flows === undefined || !flows.sweepDue(tsMs)) return;
    fast?.flush();
    flows.tick(tsMs);
  };
  /** The fast path read the start of this segment before handing its flow back: JS reads on from there. */
  const skipRead = (): void => {
    if (fast !== null && fast.trim > 0) {
      pkt.start += fast.trim;
      pkt.seq = (pkt.seq + fast.trim) >>> 0;
      fast.trim = 0;
    }
  };
  const sink: PacketSink = {
    packet(buf, start, end, _orig, tsMs, linkType) {
      packets++;
      onlyUnsupported = false;
      if (tsMs > lastTs) lastTs = tsMs;
      if (declined) declined = false;
      else if (fast !== null && fast.packet(buf, start, end, linkType, tsMs)) {
        sweepIfDue(tsMs);
        return;
      }
      pkt.ts = tsMs;
      const r = decodeLink(pkt, linkType, buf, start, end);
      if (r === null) {
        skipRead();
        // True: the connection was just handed to the fast path at its first request, and it reads this packet too
        // (a packet put back together from IP fragments is not its frame: it is never handed over)
        if (table().packet(pkt, tsMs, pkt.buf === buf) && !fast!.packet(buf, start, end, linkType, tsMs)) {
          skipRead();
          table().packet(pkt, tsMs);
        }
      } else if (r !== FRAGMENT_HELD) countSkip(stats, r);
      sweepIfDue(tsMs);
    },
    records(buf, start, end, le, ns, linkType) {
      if (fast === null) return read;
      const why = fast.records(buf, start, end, le, ns, linkType, caps.maxPacketBytes, flows!.lastSweep, read);
      if (read.packets > 0) {
        packets += read.packets;
        onlyUnsupported = false;
        if (read.maxTs > lastTs) lastTs = read.maxTs;
        // due only when the fast path stopped for it ('sweep'), but called whatever it answered: a branch of its own
        // would first run ten seconds of capture time in, and V8 would throw away this code (and the reader's) then
        sweepIfDue(read.lastTs);
      }
      if (why === 'slow') declined = true;
      read.again = why === 'sweep';
      return read;
    },
    unsupportedLink(linkType) {
      if (onlyUnsupported && ng && ng.linkTypes.every((t) => !linkSupported(t))) {
        throw new CaptureFault(`unsupported link type ${linkType} (the only interface)`, ng.offset);
      }
      packets++;
      countSkip(stats, `linktype-${linkType}`);
    },
  };
  let reader: PcapReader | PcapngReader | undefined;
  let ng: PcapngReader | undefined;
  let head: Buffer | undefined;
  const finish = (): void => {
    fast?.flush();
    frags.flush();
    flows?.closeAll(lastTs);
    publish();
  };
  const publish = (): void => {
    const c = stats.counters;
    c.packets = packets;
    if (frags.fragments) {
      c.ipFragments = frags.fragments;
      c.ipDatagramsReassembled = frags.reassembled;
    }
    if (flows) {
      const fc = flows.counters;
      c.flows = fc.flows;
      c.httpFlows = fc.httpFlows;
      c.openFlows = flows.openFlows;
      c.gaps = fc.gaps;
      c.gapBytes = fc.gapBytes;
      c.outOfOrderSegments = fc.outOfOrder;
      c.retransmittedBytes = fc.retransmittedBytes;
      c.evictions = fc.evictions;
      c.evictedBytes = fc.evictedBytes;
      c.flowsEvicted = fc.flowsEvicted;
      c.flowsTimedOut = fc.flowsTimedOut;
    }
    c.bufferedBytes = budget.held;
    c.bufferedBytesPeak = budget.peak;
    c.messageBytes = budget.messages;
    c.messageBytesPeak = budget.messagesPeak;
  };
  const fault = (e: unknown): boolean => {
    if (!(e instanceof CaptureFault)) return false;
    if (packets === 0) throw new InputError(opts.file, e.message, e.offset);
    stats.fault = { message: e.message, offset: e.offset };
    return true;
  };

  try {
    // slices keep the batch of exchanges alive between yields small, so they die young (cheap GC)
    for await (let slice of slicesOf(input, () => fast?.inputArea(INPUT_BYTES) ?? null)) {
      stats.bytes += slice.length;
      if (!reader) {
        // a copy: the slice's memory may be read into again before the head is whole
        head = head ? Buffer.concat([head, slice]) : Buffer.from(slice);
        if (head.length < 4) continue;
        format = captureFormat(head);
        if (!format) {
          throw new InputError(opts.file, `not a pcap or pcapng capture (starts with 0x${head.subarray(0, 4).toString('hex')})`, 0);
        }
        flows = new FlowTable(caps, stats, budget, env, format);
        if (engine === 'fast') flows.fast = fast = new FastPath(flows, caps.maxHeaderBytes, bodyFile, caps.maxFlows);
        reader = format === 'pcap' ? new PcapReader(sink, caps.maxPacketBytes, linkSupported) : (ng = new PcapngReader(sink, caps.maxPacketBytes, linkSupported));
        slice = head;
        head = undefined;
      }
      try {
        reader.push(fast !== null ? fast.stage(slice, stats.bytes - slice.length) : slice);
        // the events read bytes of this slice: before the next overwrites it
        fast?.flush();
        if (budget.messages > budget.maxMessages) flows!.relieve(lastTs);
      } catch (e) {
        if (!fault(e)) throw e;
        finish();
        yield drain();
        return;
      }
      publish();
      if (out.length) yield drain();
    }
    if (!reader) throw new InputError(opts.file, head ? 'file too short to be a capture' : 'empty input', 0);
    try {
      reader.end();
    } catch (e) {
      if (!fault(e)) throw e;
    }
    finish();
    yield drain();
  } finally {
    // every flow was handed back when the input ended; after an early return, the reset on reuse forgets the rest
    fast?.release();
  }

  function drain(): Exchange[] {
    // a copy, the one array kept: a new empty one for each batch made V8 throw away the code that emits
    // exchanges (an object pushed where it had only seen empty arrays of small integers)
    const batch = out.slice();
    out.length = 0;
    return batch;
  }
}
