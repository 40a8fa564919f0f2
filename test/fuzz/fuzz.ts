import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineConfig, EngineMessage } from './engine.js';

export interface FuzzResult {
  target: string;
  execs: number;
  seconds: number;
  crashes: Array<{ input: Buffer; error: string }>;
  hangs: Buffer[];
  peakHeapMb: number;
  peakRssMb: number;
}

const MAX_INPUT = 1 << 20;

/**
 * Fuzzes one target in a worker; an input still running after `hangMs`
 * is a hang: the worker is stopped and a fresh one continues with another seed.
 */
export async function fuzz(target: string, opts: { seconds: number; maxExecs?: number; seed?: number; hangMs?: number; saveDir?: string }): Promise<FuzzResult> {
  const result: FuzzResult = { target, execs: 0, seconds: 0, crashes: [], hangs: [], peakHeapMb: 0, peakRssMb: 0 };
  const started = Date.now();
  let seed = opts.seed ?? 1;
  while ((Date.now() - started) / 1000 < opts.seconds && result.execs < (opts.maxExecs ?? Infinity)) {
    const remaining = opts.seconds - (Date.now() - started) / 1000;
    await runWorker(target, seed++, remaining, (opts.maxExecs ?? Infinity) - result.execs, opts.hangMs ?? 2000, result, opts.saveDir);
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

function runWorker(target: string, seed: number, seconds: number, maxExecs: number, hangMs: number, result: FuzzResult, saveDir?: string): Promise<void> {
  return new Promise((resolve) => {
    const current = new SharedArrayBuffer(4 + MAX_INPUT);
    const progress = new SharedArrayBuffer(8);
    const cfg: EngineConfig = { target, seed, maxExecs: Number.isFinite(maxExecs) ? maxExecs : 2 ** 31 - 1, seconds, current, progress };
    const worker = new Worker(fileURLToPath(new URL('./engine.js', import.meta.url)), { workerData: cfg, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    const p = new Int32Array(progress);
    let lastExecs = 0;
    let lastChange = Date.now();
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      result.execs += Atomics.load(p, 0);
      resolve();
    };
    const watch = setInterval(() => {
      const execs = Atomics.load(p, 0);
      if (execs !== lastExecs) {
        lastExecs = execs;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > hangMs) {
        const len = Atomics.load(new Int32Array(current, 0, 1), 0);
        const input = Buffer.from(new Uint8Array(current, 4, len));
        result.hangs.push(input);
        save(saveDir, target, 'hang', input, `no progress for ${hangMs} ms`);
        void worker.terminate();
        finish();
      }
    }, 100);
    worker.on('message', (m: EngineMessage) => {
      if (m.kind === 'crash') {
        const input = Buffer.from(m.input, 'base64');
        result.crashes.push({ input, error: m.error });
        save(saveDir, target, 'crash', input, m.error);
      } else {
        result.peakHeapMb = Math.max(result.peakHeapMb, m.heapMb);
        result.peakRssMb = Math.max(result.peakRssMb, m.rssMb);
      }
    });
    worker.on('error', (e) => {
      // An error escaping the engine (e.g. out of memory in the worker) is a crash of the current input.
      const len = Atomics.load(new Int32Array(current, 0, 1), 0);
      const input = Buffer.from(new Uint8Array(current, 4, len));
      result.crashes.push({ input, error: `worker: ${e.message}` });
      save(saveDir, target, 'crash', input, e.message);
      finish();
    });
    worker.on('exit', () => finish());
  });
}

function save(dir: string | undefined, target: string, kind: string, input: Buffer, why: string): void {
  if (!dir) return;
  const d = join(dir, target);
  mkdirSync(d, { recursive: true });
  const name = `${kind}-${Date.now()}-${input.length}`;
  writeFileSync(join(d, `${name}.bin`), input);
  writeFileSync(join(d, `${name}.txt`), why);
}
