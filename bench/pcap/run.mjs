#!/usr/bin/env node
// pcap benchmark: parse a ≥500 MB generated capture of HTTP/1.1 JSON API traffic
// with @overhear/pcap, with tshark, and (when available) with the CLI end to end.
// Usage: node bench/pcap/run.mjs [--mb 520] [--regen] [--skip-tshark] [--with-analyse-all] [--no-pin]
// Every run is pinned to one core with taskset (the issue's targets are on one core; unpinned,
// V8's GC helper threads and the reader thread work on the second core). --no-pin lets them spread.
// Needs `npx tsc -b packages/pcap` first. Figures go to stdout; bench/README.md keeps them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const mb = Number(args[args.indexOf('--mb') + 1] ?? 0) || 520;
const out = join(root, 'bench/out');
const file = join(out, `api-traffic-${mb}mb.pcap`);

if (!existsSync(join(root, 'packages/pcap/dist/src/index.js'))) {
  console.error('build first: npx tsc -b packages/pcap');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
if (!existsSync(file) || args.includes('--regen')) {
  const g = spawnSync(process.execPath, [join(here, 'generate.mjs'), file, String(mb)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (g.status !== 0) process.exit(1);
  console.log(`generated ${g.stdout.trim()}`);
}
const bytes = statSync(file).size;
const pin = !args.includes('--no-pin') && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Runs a command under /usr/bin/time -v; returns wall seconds, peak RSS (MB) and stdout. */
function timed(cmd, cmdArgs, { countLines = false, env = {} } = {}) {
  return new Promise((res, rej) => {
    const p = spawn('/usr/bin/time', ['-v', ...(pin ? ['taskset', '-c', '0'] : []), cmd, ...cmdArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let lines = 0;
    let stderr = '';
    p.stdout.on('data', (d) => {
      if (countLines) {
        for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
      } else stdout += d;
    });
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', rej);
    p.on('close', (code) => {
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
      res({ code, seconds, cpu, rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout, lines, stderr });
    });
  });
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const rows = [];
const fileMB = bytes / 1e6;
console.log(`file: ${file} (${fmt(fileMB)} MB)  node ${process.version}  ${new Date().toISOString()}  ${pin ? 'every run pinned to core 0 (taskset -c 0)' : 'runs not pinned: threads may use every core'}`);

// 1. @overhear/pcap: capture → Exchange objects, counted; best of 5 (the machine is shared: runs of one build differed by a third and more on 2026-11-23)
let ours;
let parsed;
const runs = [];
for (let i = 0; i < 5; i++) {
  const r = await timed(process.execPath, [join(here, 'parse-only.mjs'), file]);
  if (r.code !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const p = JSON.parse(r.stdout);
  runs.push(`${r.seconds.toFixed(2)} s wall / ${(p.cpuMs / 1000).toFixed(2)} s CPU / ${r.rssMB.toFixed(0)} MB`);
  if (!ours || r.seconds < ours.seconds) {
    ours = r;
    parsed = p;
  }
}
console.log(`readCapture runs: ${runs.join('; ')}`);
rows.push({ what: '@overhear/pcap readCapture (parse to exchanges, best of 5)', s: ours.seconds, rss: ours.rssMB, ex: parsed.exchanges, cpu: parsed.cpuMs / 1000 });

// 1b. the same with the JS engine only (no WebAssembly fast path), best of 2: what the fast path gains
{
  let best;
  for (let i = 0; i < 2; i++) {
    const r = await timed(process.execPath, [join(here, 'parse-only.mjs'), file], { env: { OVERHEAR_PCAP_ENGINE: 'js' } });
    if (r.code === 0 && (!best || r.seconds < best.seconds)) best = r;
  }
  if (best) {
    const p = JSON.parse(best.stdout);
    rows.push({ what: "  the same, JS engine only (engine: 'js'; best of 2)", s: best.seconds, rss: best.rssMB, ex: p.exchanges, cpu: p.cpuMs / 1000 });
  }
}

// 2. tshark, same file
let tshark;
if (!args.includes('--skip-tshark')) {
  tshark = await timed('tshark', ['-r', file, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri'], { countLines: true });
  rows.push({ what: 'tshark -Y http.request -T fields (method, uri)', s: tshark.seconds, rss: tshark.rssMB, ex: tshark.lines, cpu: tshark.cpu });
}

// 3. CLI end to end, when it ingests pcap
const cli = join(root, 'packages/cli/bin/overhear.js');
let e2eNote = '';
const ingest = async (extra) => {
  const dir = mkdtempSync(join(tmpdir(), 'overhear-bench-'));
  const r = await timed(process.execPath, [cli, 'ingest', file, '--db', join(dir, 'bench.db'), ...extra]);
  rmSync(dir, { recursive: true, force: true });
  return r;
};
if (existsSync(cli)) {
  // Best of 3: the machine is shared.
  const e2e = [];
  for (let i = 0; i < 3; i++) e2e.push(await ingest([]));
  const bad = e2e.find((r) => r.code !== 0);
  if (bad) e2eNote = `end to end: skipped (CLI exit ${bad.code}: ${bad.stderr.split('\n').find((l) => l.trim()) ?? ''})`;
  else {
    console.log(`end-to-end runs: ${e2e.map((r) => `${r.seconds.toFixed(2)} s wall / ${r.cpu.toFixed(2)} s CPU / ${r.rssMB.toFixed(0)} MB`).join('; ')}`);
    const best = e2e.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    rows.push({ what: 'overhear ingest FILE --db TMP.db (end to end, sampled analysis: the default; best of 3)', s: best.seconds, rss: best.rssMB, ex: parsed.exchanges, cpu: best.cpu });
    if (args.includes('--with-analyse-all')) {
      const all = await ingest(['--analyse-all']);
      if (all.code === 0) rows.push({ what: 'overhear ingest FILE --analyse-all (every exchange analysed in full)', s: all.seconds, rss: all.rssMB, ex: parsed.exchanges, cpu: all.cpu });
    }
  }
} else e2eNote = 'end to end: skipped (packages/cli/bin/overhear.js not present)';

console.log('');
console.log('| run | wall s | MB/s | CPU s | MB/s of CPU | exchanges | exchanges/s | peak RSS MB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.what} | ${fmt(r.s, 2)} | ${fmt(fileMB / r.s)} | ${fmt(r.cpu, 2)} | ${fmt(fileMB / r.cpu)} | ${r.ex} | ${fmt(r.ex / r.s, 0)} | ${fmt(r.rss, 0)} |`);
if (tshark) console.log(`\nratio: @overhear/pcap is ${fmt(tshark.seconds / ours.seconds)}× tshark's speed (wall), ${fmt(tshark.cpu / (parsed.cpuMs / 1000))}× by CPU time; end to end ${fmt(tshark.seconds / (rows.find((r) => r.what.startsWith('overhear ingest'))?.s ?? NaN))}× (wall)`);
if (e2eNote) console.log(e2eNote);
