import { Worker } from 'node:worker_threads';
import type { Exchange, ExchangeSource, SourceStats } from '@overhear/model';
import { emptyStats } from '@overhear/model';
import { readCapture, type CaptureCaps } from '@overhear/pcap';
import type { FromWorker, ToWorker, WorkerConfig } from './pipe-worker.js';
import { POOL_BUFFER, poolBuffers } from './pool.js';
import { emptyKernelCounters, type KernelCounters, type TcpdumpOptions } from './tcpdump.js';

export interface LiveCaptureOptions extends TcpdumpOptions {
  /** Bytes read from tcpdump and not yet parsed, beyond which whole packets are dropped (default 64 MiB). */
  maxQueuedBytes?: number;
  /** Limits of the pcap engine (flows, buffers, bodies). */
  caps?: Partial<CaptureCaps>;
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Human-readable events: tcpdump started, died, restarting. */
  onEvent?: (message: string, level: 'info' | 'warn') => void;
}

/** Fault that stops a capture for good (tcpdump missing, no permission, bad filter, unknown interface). */
export class CaptureStartError extends Error {
  constructor(readonly kind: string, message: string) {
    super(message);
    this.name = 'CaptureStartError';
  }
}

/** Counters of the sensor itself, beyond what the pcap engine counts. */
export interface SensorCounters {
  /** tcpdump's own counters, summed over its runs. */
  kernel: KernelCounters;
  /** Packets and bytes dropped because the pipeline was full (read from tcpdump, never parsed). */
  shedPackets: number;
  shedBytes: number;
  /** Bytes read from tcpdump, waiting to be parsed. */
  queuedBytes: number;
  queuedBytesPeak: number;
  /** Memory of the capture thread's batch buffers: the queue limit, allocated at start and reused. */
  poolBytes: number;
  /** Times tcpdump died and was started again. */
  restarts: number;
  running: boolean;
  tcpdumpPid: number | undefined;
  lastError: string | undefined;
}

/** Counters that are levels, not totals: over several runs only the current run's counts. */
const GAUGES = new Set(['openFlows', 'bufferedBytes']);
const PEAKS = new Set(['bufferedBytesPeak']);

const DEFAULT_MAX_QUEUED = 64 * 1024 * 1024;
/** Longest stretch of parsing before the event loop gets a turn (timers, status, acknowledgements). */
const SLICE_MS = 20;

interface RunStream {
  run: number;
  chunks: Uint8Array[];
  ended: boolean;
  wake: (() => void) | undefined;
}

/**
 * A live capture from an interface: tcpdump in a child process, its pipe read
 * by a worker thread, the pcap stream parsed here into exchanges. Iterate it
 * once; call `stop()` to end (tcpdump is stopped, what was captured is parsed
 * and the iteration ends). `stats` (the pcap engine's, over all runs) and
 * `sensor` are live.
 */
export class LiveCapture implements ExchangeSource {
  readonly stats: SourceStats = emptyStats();
  readonly sensor: SensorCounters = {
    kernel: emptyKernelCounters(),
    shedPackets: 0,
    shedBytes: 0,
    queuedBytes: 0,
    queuedBytesPeak: 0,
    poolBytes: 0,
    restarts: 0,
    running: false,
    tcpdumpPid: undefined,
    lastError: undefined,
  };
  private readonly worker: Worker;
  private readonly runs: RunStream[] = [];
  private nextRun: (() => void) | undefined;
  private done = false;
  private fatal: CaptureStartError | undefined;
  private startedOnce = false;
  private readonly startWaiters: Array<{ ok: () => void; fail: (e: Error) => void }> = [];
  /** Kernel counters of finished runs, and the current run's latest. */
  private kernelDone = emptyKernelCounters();
  private kernelRun = emptyKernelCounters();
  /** pcap engine stats of finished runs. */
  private finished: SourceStats = emptyStats();
  private current: SourceStats | undefined;
  private acked = 0;
  /** Pool buffers parsed since the last acknowledgement, going back to the capture thread with it. */
  private returned: ArrayBuffer[] = [];
  private iterated = false;
  private reading: RunStream | undefined;

  constructor(private readonly opts: LiveCaptureOptions) {
    const cfg: WorkerConfig = {
      interface: opts.interface,
      ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
      ...(opts.bufferSizeKiB !== undefined ? { bufferSizeKiB: opts.bufferSizeKiB } : {}),
      ...(opts.immediate ? { immediate: true } : {}),
      ...(opts.restartDelayMs !== undefined ? { restartDelayMs: opts.restartDelayMs } : {}),
      ...(opts.maxRestartDelayMs !== undefined ? { maxRestartDelayMs: opts.maxRestartDelayMs } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      maxQueuedBytes: opts.maxQueuedBytes ?? DEFAULT_MAX_QUEUED,
    };
    this.sensor.poolBytes = poolBuffers(cfg.maxQueuedBytes) * POOL_BUFFER;
    this.worker = new Worker(new URL('./pipe-worker.js', import.meta.url), { workerData: cfg });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e) => {
      this.fail(new CaptureStartError('other', `capture thread failed: ${e.message}`));
    });
    this.worker.on('exit', () => {
      if (!this.done) this.fail(new CaptureStartError('other', 'capture thread ended unexpectedly'));
    });
  }

  /** Resolves once tcpdump listens; rejects with CaptureStartError when it cannot start. */
  started(): Promise<void> {
    if (this.startedOnce) return Promise.resolve();
    if (this.fatal) return Promise.reject(this.fatal);
    return new Promise((ok, fail) => this.startWaiters.push({ ok, fail }));
  }

  /** Asks tcpdump for its counters (they arrive a moment later in `sensor.kernel`). */
  poll(): void {
    if (!this.done) this.post({ type: 'poll' });
  }

  /** Stops tcpdump; the iteration ends once what it captured is parsed. */
  stop(): void {
    if (!this.done) this.post({ type: 'stop' });
  }

  /** A fatal fault, once the capture ended because of it. */
  get error(): CaptureStartError | undefined {
    return this.fatal;
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private emit(message: string, level: 'info' | 'warn'): void {
    this.opts.onEvent?.(message, level);
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'started': {
        this.sensor.running = true;
        this.sensor.tcpdumpPid = m.pid;
        this.kernelRun = emptyKernelCounters();
        this.runStream(m.run);
        this.emit(`tcpdump (pid ${m.pid}) ${m.info}`, 'info');
        if (!this.startedOnce) {
          this.startedOnce = true;
          for (const w of this.startWaiters.splice(0)) w.ok();
        }
        break;
      }
      case 'data': {
        const s = this.runStream(m.run);
        s.chunks.push(m.bytes);
        this.sensor.queuedBytes += m.bytes.length;
        if (this.sensor.queuedBytes > this.sensor.queuedBytesPeak) this.sensor.queuedBytesPeak = this.sensor.queuedBytes;
        s.wake?.();
        break;
      }
      case 'counters':
        this.kernelRun = m.counters;
        this.sumKernel();
        break;
      case 'exit': {
        this.sensor.running = false;
        this.sensor.tcpdumpPid = undefined;
        this.kernelRun = m.counters;
        this.addKernel(this.kernelDone, m.counters);
        this.kernelRun = emptyKernelCounters();
        this.sumKernel();
        const s = this.runs.find((r) => r.run === m.run) ?? (this.reading?.run === m.run ? this.reading : undefined);
        if (s) {
          s.ended = true;
          s.wake?.();
        }
        if (!m.requested && !m.fatal) {
          this.sensor.lastError = m.message;
          this.emit(`tcpdump stopped: ${m.message}`, 'warn');
        }
        break;
      }
      case 'restarting':
        this.sensor.restarts++;
        this.emit(`restarting tcpdump in ${(m.inMs / 1000).toFixed(1)} s (restart ${this.sensor.restarts})`, 'warn');
        break;
      case 'fatal':
        this.fail(new CaptureStartError(m.kind, m.message));
        break;
      case 'shed':
        this.sensor.shedPackets = m.packets;
        this.sensor.shedBytes = m.bytes;
        break;
      case 'done':
        this.done = true;
        this.nextRun?.();
        for (const r of [...this.runs, ...(this.reading ? [this.reading] : [])]) {
          r.ended = true;
          r.wake?.();
        }
        break;
    }
  }

  /** The stream of one tcpdump run (its data may arrive before tcpdump says it listens). */
  private runStream(run: number): RunStream {
    let s = this.runs.find((r) => r.run === run) ?? (this.reading?.run === run ? this.reading : undefined);
    if (!s) {
      s = { run, chunks: [], ended: false, wake: undefined };
      this.runs.push(s);
      this.nextRun?.();
    }
    return s;
  }

  private fail(e: CaptureStartError): void {
    this.fatal ??= e;
    this.sensor.lastError = e.message;
    for (const w of this.startWaiters.splice(0)) w.fail(e);
    this.done = true;
    this.nextRun?.();
    for (const r of [...this.runs, ...(this.reading ? [this.reading] : [])]) {
      r.ended = true;
      r.wake?.();
    }
  }

  private addKernel(into: KernelCounters, c: KernelCounters): void {
    into.captured += c.captured;
    into.receivedByFilter += c.receivedByFilter;
    into.droppedByKernel += c.droppedByKernel;
    into.droppedByInterface += c.droppedByInterface;
  }

  private sumKernel(): void {
    const k = { ...this.kernelDone };
    this.addKernel(k, this.kernelRun);
    this.sensor.kernel = k;
  }

  /** Keeps `stats` = finished runs + the current run. */
  private refreshStats(): void {
    const t = this.stats;
    const cur = this.current;
    const f = this.finished;
    t.bytes = f.bytes + (cur?.bytes ?? 0);
    t.exchanges = f.exchanges + (cur?.exchanges ?? 0);
    t.skipped = { ...f.skipped };
    t.counters = { ...f.counters };
    if (cur) {
      for (const [k, v] of Object.entries(cur.skipped)) t.skipped[k] = (t.skipped[k] ?? 0) + v;
      for (const [k, v] of Object.entries(cur.counters)) {
        if (GAUGES.has(k)) t.counters[k] = v;
        else if (PEAKS.has(k)) t.counters[k] = Math.max(t.counters[k] ?? 0, v);
        else t.counters[k] = (t.counters[k] ?? 0) + v;
      }
      if (cur.tlsHosts) {
        t.tlsHosts = { ...(f.tlsHosts ?? {}) };
        for (const [k, v] of Object.entries(cur.tlsHosts)) t.tlsHosts[k] = (t.tlsHosts[k] ?? 0) + v;
      }
    } else if (f.tlsHosts) t.tlsHosts = { ...f.tlsHosts };
    if (cur?.fault) t.fault = cur.fault;
  }

  private endRun(s: SourceStats): void {
    const f = this.finished;
    f.bytes += s.bytes;
    f.exchanges += s.exchanges;
    for (const [k, v] of Object.entries(s.skipped)) f.skipped[k] = (f.skipped[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.counters)) {
      if (GAUGES.has(k)) f.counters[k] = 0;
      else if (PEAKS.has(k)) f.counters[k] = Math.max(f.counters[k] ?? 0, v);
      else f.counters[k] = (f.counters[k] ?? 0) + v;
    }
    if (s.tlsHosts) {
      f.tlsHosts ??= {};
      for (const [k, v] of Object.entries(s.tlsHosts)) f.tlsHosts[k] = (f.tlsHosts[k] ?? 0) + v;
    }
    if (s.fault) this.emit(`capture stream fault: ${s.fault.message}`, 'warn');
    this.current = undefined;
    this.refreshStats();
  }

  /** Refreshes `stats` from the current run (call before reading it). */
  snapshot(): SourceStats {
    this.refreshStats();
    return this.stats;
  }

  [Symbol.asyncIterator](): AsyncIterator<Exchange> {
    if (this.iterated) throw new Error('a LiveCapture can be iterated once');
    this.iterated = true;
    return this.exchanges();
  }

  private async *exchanges(): AsyncGenerator<Exchange> {
    try {
      while (true) {
        const s = this.runs.shift();
        this.reading = s;
        if (!s) {
          if (this.done) break;
          await new Promise<void>((r) => (this.nextRun = r));
          this.nextRun = undefined;
          continue;
        }
        const source = readCapture(this.chunksOf(s), { file: `tcpdump -i ${this.opts.interface}`, ...(this.opts.caps ? { caps: this.opts.caps } : {}) });
        this.current = source.stats;
        try {
          for await (const ex of source) yield ex;
        } catch (e) {
          // A run whose stream could not be read at all (killed before the header): counted, not fatal.
          this.emit(`capture stream from tcpdump run ${s.run} unreadable: ${(e as Error).message}`, 'warn');
        }
        this.endRun(source.stats);
      }
      // A fatal fault ends the iteration normally (what was captured is kept): read `error`.
    } finally {
      this.flushAcks(true);
      this.stop();
    }
  }

  private async *chunksOf(s: RunStream): AsyncGenerator<Uint8Array> {
    let sliceStart = Date.now();
    while (true) {
      const c = s.chunks.shift();
      if (c) {
        this.sensor.queuedBytes -= c.length;
        this.acked += c.length;
        if (this.acked >= 1 << 20) this.flushAcks(false);
        yield c;
        // Parsed (the reader asks for the next chunk only when done with this one, and keeps no view of it): the capture thread may reuse it.
        if (c.buffer.byteLength === POOL_BUFFER) this.returned.push(c.buffer as ArrayBuffer);
        if (Date.now() - sliceStart > SLICE_MS) {
          // let timers (flush, status) and worker messages run
          this.flushAcks(true);
          await new Promise<void>((r) => setImmediate(r));
          sliceStart = Date.now();
        }
        continue;
      }
      if (s.ended) return;
      this.flushAcks(true);
      await new Promise<void>((r) => (s.wake = r));
      s.wake = undefined;
      sliceStart = Date.now();
    }
  }

  private flushAcks(all: boolean): void {
    if (this.acked > 0 && (all || this.acked >= 1 << 20)) {
      if (!this.done) {
        const buffers = this.returned;
        this.returned = [];
        this.worker.postMessage({ type: 'ack', bytes: this.acked, buffers } satisfies ToWorker, buffers);
      }
      this.acked = 0;
    }
  }

  /** Waits for the capture thread to end (after `stop()` and the iteration's end). */
  async close(): Promise<void> {
    this.stop();
    await new Promise<void>((r) => {
      if (this.done) return r();
      const t = setTimeout(() => void this.worker.terminate().then(() => r()), 5000);
      this.worker.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}
