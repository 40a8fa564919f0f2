#!/usr/bin/env node
// Two builds of @overhear/pcap, parse-only, interleaved run by run and pinned to one core: what a
// change does when single runs swing by a third. Keep the build before a change first:
//   rm -rf packages/pcap/.ab-old && cp -r packages/pcap/dist packages/pcap/.ab-old   (inside the package, so its imports resolve)
// then change, rebuild, and: node bench/pcap/ab.mjs [--runs 8] [--old packages/pcap/.ab-old] [FILE]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, pinToOneCore, takeOption, warmPageCache } from '../lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const runs = Number(takeOption(args, '--runs', '8'));
const old = resolve(takeOption(args, '--old', join(root, 'packages/pcap/.ab-old')));
const file = args[0] ?? join(root, 'bench/out/api-traffic-520mb.pcap');
for (const p of [join(old, 'src/index.js'), file]) {
  if (!existsSync(p)) {
    console.error(`missing ${p} (see the comment at the top of bench/pcap/ab.mjs)`);
    process.exit(1);
  }
}
const pin = pinToOneCore();
const once = (env) => {
  warmPageCache(file);
  const r = spawnSync(pin[0] ?? process.execPath, [...pin.slice(1), ...(pin.length ? [process.execPath] : []), join(here, 'parse-only.mjs'), file], { env: benchEnv(env), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).ms;
};
const times = { old: [], new: [] };
for (let i = 0; i < runs; i++) {
  times.old.push(once({ PCAP_DIST: old }));
  times.new.push(once({ PCAP_DIST: '' }));
}
const median = (xs) => (xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);
console.log(`${file}, ${runs} runs each, interleaved${pin.length ? ', pinned to core 0' : ''}`);
for (const k of ['old', 'new']) {
  const xs = times[k].sort((a, b) => a - b);
  console.log(`${k}: best ${xs[0].toFixed(0)} ms, median ${median(xs).toFixed(0)} ms  (${xs.map((x) => x.toFixed(0)).join(' ')})`);
}
