/**
 * The capture thread: owns tcpdump and reads its pipe without pause, whatever
 * the main thread is doing (analysis, a catalog transaction, a re-evaluation).
 * Frames of whole pcap records go to the main thread; when more than
 * `maxQueuedBytes` are in flight (sent, not yet acknowledged as consumed) a
 * frame is dropped and counted instead: the pipeline is full and sheds work,
 * tcpdump is never stalled.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TcpdumpRunner, type RunnerOptions } from './runner.js';
import { POOL_BUFFER, poolBuffers } from './pool.js';

export interface WorkerConfig extends RunnerOptions {
  maxQueuedBytes: number;
}

export type ToWorker = { type: 'ack'; bytes: number; buffers?: ArrayBuffer[] } | { type: 'poll' } | { type: 'stop' };

export type FromWorker =
  | { type: 'started'; run: number; pid: number; info: string }
  | { type: 'data'; run: number; bytes: Uint8Array; packets: number }
  | { type: 'counters'; run: number; counters: import('./tcpdump.js').KernelCounters }
  | { type: 'exit'; run: number; requested: boolean; fatal: boolean; code: number | null; signal: string | null; message: string; kind: string; counters: import('./tcpdump.js').KernelCounters }
  | { type: 'restarting'; run: number; inMs: number; message: string }
  | { type: 'fatal'; kind: string; message: string }
  | { type: 'shed'; packets: number; bytes: number; inFlight: number; inFlightPeak: number }
  | { type: 'done' };

const port = parentPort!;
const cfg = workerData as WorkerConfig;
let inFlight = 0;
let inFlightPeak = 0;
let shedPackets = 0;
let shedBytes = 0;

const post = (m: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);

/**
 * Frames are coalesced before they are posted: with `-U` tcpdump writes each
 * packet on its own, and one message per packet would cost more than the
 * packet. A batch goes when its buffer is full or COALESCE_MS old.
 *
 * Batches are written into buffers of POOL_BUFFER bytes that the main thread
 * hands back once parsed (with its acknowledgements), so a long capture
 * allocates no memory per batch: memory allocated in this thread and freed in
 * the other fragments the C heap, and the process grew by tens of MB over a
 * 10-minute soak. The whole pool (`maxQueuedBytes`, what may be in flight) is
 * allocated and written once at start, like a NIC's ring: grown on demand, it
 * stepped up at every longer stall of the main thread (+16 MB over 5 minutes
 * of a soak) and never came down, so the sensor's memory depended on its
 * worst moment so far. Used first in, first out.
 */
const COALESCE_MS = 5;
const pooled = poolBuffers(cfg.maxQueuedBytes);
const free: ArrayBuffer[] = [];
for (let i = 0; i < pooled; i++) free.push(new Uint8Array(POOL_BUFFER).fill(0xff).buffer);
/** Where a batch is gathered; copied out when it goes. */
const scratch = new Uint8Array(POOL_BUFFER);
let batchBytes = 0;
let batchPackets = 0;
let batchRun = 0;
let batchTimer: NodeJS.Timeout | undefined;

/** A pool buffer, or (all of them in flight: many small batches while the main thread is busy) one of the batch's size. */
function takeBuffer(size: number): Uint8Array {
  const b = free.shift();
  return b ? new Uint8Array(b) : new Uint8Array(size);
}

function sendBatch(): void {
  if (batchTimer) clearTimeout(batchTimer);
  batchTimer = undefined;
  if (!batchBytes) return;
  const out = takeBuffer(batchBytes);
  out.set(scratch.subarray(0, batchBytes));
  post({ type: 'data', run: batchRun, bytes: out.subarray(0, batchBytes), packets: batchPackets }, [out.buffer as ArrayBuffer]);
  batchBytes = 0;
  batchPackets = 0;
}

/** A frame larger than a pool buffer (a jumbo snaplen): sent on its own, never pooled. */
function sendAlone(run: number, f: { bytes: Buffer; packets: number }): void {
  const bytes = new Uint8Array(f.bytes.length);
  bytes.set(f.bytes);
  post({ type: 'data', run, bytes, packets: f.packets }, [bytes.buffer]);
}

const runner = new TcpdumpRunner(cfg, (e) => {
  if (e.type === 'frames') {
    if (batchBytes && batchRun !== e.run) sendBatch();
    batchRun = e.run;
    for (const f of e.frames) {
      if (f.sheddable && inFlight + f.bytes.length > cfg.maxQueuedBytes) {
        shedPackets += f.packets;
        shedBytes += f.bytes.length;
        continue;
      }
      inFlight += f.bytes.length;
      if (inFlight > inFlightPeak) inFlightPeak = inFlight;
      if (f.bytes.length > POOL_BUFFER) {
        sendBatch();
        sendAlone(e.run, f);
        continue;
      }
      if (batchBytes + f.bytes.length > POOL_BUFFER) sendBatch();
      scratch.set(f.bytes, batchBytes);
      batchBytes += f.bytes.length;
      batchPackets += f.packets;
    }
    if (batchBytes && !batchTimer) batchTimer = setTimeout(sendBatch, COALESCE_MS);
    return;
  }
  // Whatever is batched belongs before any other event (a run's end, counters).
  sendBatch();
  if (e.type === 'done') {
    post({ type: 'shed', packets: shedPackets, bytes: shedBytes, inFlight, inFlightPeak });
    post({ type: 'done' });
    setImmediate(() => process.exit(0));
    return;
  }
  post(e);
});

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'ack':
      inFlight = Math.max(0, inFlight - m.bytes);
      for (const b of m.buffers ?? []) if (b.byteLength === POOL_BUFFER && free.length < pooled) free.push(b);
      break;
    case 'poll':
      runner.poll();
      post({ type: 'shed', packets: shedPackets, bytes: shedBytes, inFlight, inFlightPeak });
      break;
    case 'stop':
      runner.stop();
      break;
  }
});

runner.start();
