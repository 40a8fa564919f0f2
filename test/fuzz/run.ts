/**
 * The long fuzzing run: `node test/dist/fuzz/run.js [--target NAME] [--seconds S] [--execs N]`.
 * Prints executions, crashes, hangs and peak memory per target; crashing and
 * hanging inputs are saved under bench/out/fuzz/ to become regression tests.
 */
import { join } from 'node:path';
import { repoRoot } from '@overhear/testkit';
import { fuzz } from './fuzz.js';
import { targets } from './targets.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const names = opt('--target') ? [opt('--target')!] : targets.map((t) => t.name);
const seconds = Number(opt('--seconds') ?? 60);
const execs = opt('--execs') ? Number(opt('--execs')) : undefined;
const saveDir = join(repoRoot, 'bench', 'out', 'fuzz');
let failed = false;
console.log(`fuzzing ${names.join(', ')} — ${execs ? `${execs} executions` : `${seconds} s`} each; findings saved to ${saveDir}`);
for (const name of names) {
  const r = await fuzz(name, { seconds: execs ? 1e9 : seconds, ...(execs ? { maxExecs: execs } : {}), saveDir, seed: Number(opt('--seed') ?? Date.now() % 1e6) });
  failed ||= r.crashes.length > 0 || r.hangs.length > 0;
  console.log(
    `${name.padEnd(8)} ${r.execs.toLocaleString('en-US').padStart(12)} execs  ${Math.round(r.execs / r.seconds).toLocaleString('en-US').padStart(7)}/s  ` +
      `crashes ${r.crashes.length}  hangs ${r.hangs.length}  peak heap ${r.peakHeapMb.toFixed(0)} MB  peak rss ${r.peakRssMb.toFixed(0)} MB`,
  );
  for (const c of r.crashes.slice(0, 3)) console.log(`  crash: ${c.error.split('\n')[0]}`);
}
process.exit(failed ? 1 : 0);
