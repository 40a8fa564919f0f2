import { parentPort, workerData } from 'node:worker_threads';
import { mutate, Rng } from './mutate.js';
import { targets } from './targets.js';

/**
 * Runs in a worker thread so that the parent can stop an input that hangs.
 * Before each execution the input is copied into shared memory, where the
 * parent finds it if the worker stops answering.
 */
export interface EngineConfig {
  target: string;
  seed: number;
  maxExecs: number;
  seconds: number;
  /** [length (int32), ...bytes] — the input being run. */
  current: SharedArrayBuffer;
  /** [executions done (int32), last heartbeat ms / 1000 (int32)] */
  progress: SharedArrayBuffer;
}

export type EngineMessage =
  | { kind: 'crash'; input: string; error: string }
  | { kind: 'done'; execs: number; heapMb: number; rssMb: number };

async function main(): Promise<void> {
  const cfg = workerData as EngineConfig;
  const target = targets.find((t) => t.name === cfg.target);
  if (!target) throw new Error(`unknown target ${cfg.target}`);
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`no seeds for ${cfg.target}`);
  const rng = new Rng(cfg.seed);
  const current = new Uint8Array(cfg.current, 4);
  const currentLen = new Int32Array(cfg.current, 0, 1);
  const progress = new Int32Array(cfg.progress);
  const deadline = Date.now() + cfg.seconds * 1000;
  let execs = 0;
  let peakRss = 0;
  let peakHeap = 0;
  // Seeds first (unmutated), then mutations.
  // Every seed runs once whatever the deadline (a slow target must still be exercised), then mutations until it.
  while (execs < seeds.length || (execs < cfg.maxExecs && Date.now() < deadline)) {
    const input = execs < seeds.length ? seeds[execs]! : mutate(rng.pick(seeds), rng, seeds, target.maxLen);
    const n = Math.min(input.length, current.length);
    current.set(input.subarray(0, n));
    Atomics.store(currentLen, 0, n);
    try {
      await target.run(input);
    } catch (e) {
      const err = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
      parentPort!.postMessage({ kind: 'crash', input: input.toString('base64'), error: err } satisfies EngineMessage);
    }
    execs++;
    Atomics.store(progress, 0, execs);
    Atomics.store(progress, 1, Math.floor(Date.now() / 1000));
    if ((execs & 63) === 0) {
      // a turn of the event loop, as a real run has between reads: zlib frees a failed stream's memory only then
      await new Promise((r) => setImmediate(r));
    }
    if ((execs & 255) === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  parentPort!.postMessage({ kind: 'done', execs, heapMb: peakHeap / 1048576, rssMb: peakRss / 1048576 } satisfies EngineMessage);
}

void main();
