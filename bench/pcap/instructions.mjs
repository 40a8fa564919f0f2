#!/usr/bin/env node
// Instructions two builds of @overhear/pcap execute to parse a capture (cachegrind), the way that
// can be trusted: this machine has no performance counters, and wall times swing by 10 % and more
// from one run to the next. Keep the build before a change as ab.mjs says, then:
//   node bench/pcap/instructions.mjs [--old packages/pcap/.ab-old] [--seeds 1,3] [--mb 120] [FILE]
// Two traps it avoids, both met in the twelfth session (bench/README.md):
// - V8 seeds its string hashes at random per process, and on a small capture the same build
//   then executes either ~2.90 G or ~3.16 G instructions: one build's "gain" over another was
//   one mode against the other. Every run here fixes --hash-seed and --random-seed, and both
//   builds run with each seed.
// - The modes disappear on a capture of 120 MB or more: the default (generated once, into
//   bench/out/: 126 MB, 113,633 exchanges; about 75 s a run under cachegrind here). Every count
//   includes ~0.87 G instructions any run costs (node's start, module loading, compiling:
//   captures/demo.pcap alone), so a share of the total understates a share of the parsing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, takeOption } from '../lib/measure.mjs';
import { benchCapture } from './captures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const old = resolve(takeOption(args, '--old', join(root, 'packages/pcap/.ab-old')));
const seeds = takeOption(args, '--seeds', '1,3').split(',').map(Number);
const mb = Number(takeOption(args, '--mb', '120'));
if (!(mb > 0) || seeds.some((n) => !Number.isInteger(n))) {
  console.error('usage: node bench/pcap/instructions.mjs [--old DIST] [--seeds 1,3] [--mb 120] [FILE]');
  process.exit(1);
}
const file = args[0] ?? benchCapture(mb);
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('valgrind is missing (apt-get install -y valgrind)');
  process.exit(1);
}
if (!existsSync(join(old, 'src/index.js'))) {
  console.error(`missing ${old}/src/index.js (see the comment at the top of bench/pcap/ab.mjs)`);
  process.exit(1);
}
if (!existsSync(file)) {
  console.error(`no capture at ${file}`);
  process.exit(1);
}

/** Instructions of one parse of `file` with build `dist` ('' for this tree's), seeds fixed. */
function count(dist, seed) {
  const r = spawnSync(
    'valgrind',
    ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', `--hash-seed=${seed}`, `--random-seed=${seed}`, join(here, 'parse-only.mjs'), file],
    { env: benchEnv({ PCAP_DIST: dist }), encoding: 'utf8' },
  );
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`cachegrind failed: ${r.stderr.slice(-2000)}`);
  return Number(m[1].replaceAll(',', ''));
}

const g = (n) => (n / 1e9).toFixed(3);
console.log(`${file}; cachegrind, node --single-threaded, --hash-seed and --random-seed fixed per run`);
const totals = { old: 0, new: 0 };
for (const seed of seeds) {
  const o = count(old, seed);
  const n = count('', seed);
  totals.old += o;
  totals.new += n;
  console.log(`seed ${seed}: old ${g(o)} G, new ${g(n)} G (${(((n - o) / o) * 100).toFixed(2)} %)`);
}
console.log(`all seeds: ${(((totals.new - totals.old) / totals.old) * 100).toFixed(2)} % instructions`);
