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

export interface WorkerConfig extends RunnerOptions {
  maxQueuedBytes: number;
}

export type ToWorker = { type: 'ack'; bytes: number } | { type: 'poll' } | { type: 'stop' };

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
 * packet. A batch goes when it holds COALESCE_BYTES or is COALESCE_MS old.
 */
const COALESCE_BYTES = 256 * 1024;
const COALESCE_MS = 5;
let batch: Buffer[] = [];
let batchBytes = 0;
let batchPackets = 0;
let batchRun = 0;
let batchTimer: NodeJS.Timeout | undefined;

function sendBatch(): void {
  if (batchTimer) clearTimeout(batchTimer);
  batchTimer = undefined;
  if (!batchBytes) return;
  // Moved, not copied (a copy measured worse in the soak: more CPU, more drops, no flatter RSS).
  // Never Buffer.concat here: a small result comes from Node's shared pool, and moving it would detach the pool.
  const one = batch.length === 1 ? batch[0]! : undefined;
  let bytes: Uint8Array;
  if (one && one.byteOffset === 0 && one.byteLength === one.buffer.byteLength) bytes = one;
  else {
    bytes = new Uint8Array(batchBytes);
    let o = 0;
    for (const b of batch) {
      bytes.set(b, o);
      o += b.length;
    }
  }
  post({ type: 'data', run: batchRun, bytes, packets: batchPackets }, [bytes.buffer as ArrayBuffer]);
  batch = [];
  batchBytes = 0;
  batchPackets = 0;
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
      batch.push(f.bytes);
      batchBytes += f.bytes.length;
      batchPackets += f.packets;
    }
    if (batchBytes >= COALESCE_BYTES) sendBatch();
    else if (batchBytes && !batchTimer) batchTimer = setTimeout(sendBatch, COALESCE_MS);
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
