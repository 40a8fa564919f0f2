#!/usr/bin/env node
// What a byte-level core in WebAssembly would make of the bench capture: compiles the
// prototype in core-floor/core.ts (AssemblyScript) and runs it pinned to one core, alone
// (offsets only) and with every exchange's objects made in JS, beside readCapture today.
// The prototype reads only the bench capture's happy path (see core.ts); it says what is
// possible, not what the product does.
// Usage: node bench/pcap/core-floor.mjs [FILE]   (default: the capture bench/pcap/run.mjs made)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { pinToOneCore } from '../lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const file = process.argv[2] ?? join(root, 'bench/out/api-traffic-520mb.pcap');
if (!existsSync(file)) {
  console.error(`no capture at ${file}: run node bench/pcap/run.mjs once (it generates it)`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'core-floor-'));
const wasm = join(dir, 'core.wasm');
const { error, stderr } = await asc.main([join(here, 'core-floor/core.ts'), '-O3', '--runtime', 'stub', '--initialMemory', '1024', '-o', wasm]);
if (error) {
  console.error(stderr.toString());
  process.exit(1);
}
const pin = pinToOneCore();
const run = (args) => {
  const r = spawnSync(pin[0] ?? process.execPath, [...pin.slice(1), ...(pin.length ? [process.execPath] : []), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};
const best = (args, n = 3) => {
  const runs = Array.from({ length: n }, () => run(args));
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
};
const bytes = (r) => r.bytes;
const offsets = best([join(here, 'core-floor/run.mjs'), wasm, file, '--no-objects']);
const objects = best([join(here, 'core-floor/run.mjs'), wasm, file]);
const today = best([join(here, 'parse-only.mjs'), file]);
rmSync(dir, { recursive: true, force: true });
const mbps = (r) => (bytes(offsets) / 1e6 / (r.ms / 1e3)).toFixed(1);
console.log(`file: ${file} (${(bytes(offsets) / 1e6).toFixed(1)} MB)  node ${process.version}  ${new Date().toISOString()}  ${pin.length ? 'pinned to core 0' : 'not pinned'}; best of 3`);
console.log(`| run | s | MB/s | ns per exchange | exchanges | peak RSS MB |`);
console.log(`|---|---:|---:|---:|---:|---:|`);
const n = today.exchanges;
console.log(`| prototype core, offsets only (no JS objects) | ${(offsets.ms / 1e3).toFixed(2)} | ${mbps(offsets)} | ${Math.round((offsets.ms * 1e6) / n)} | ${offsets.messages / 2} (request and response heads found) | ${offsets.rssMB} |`);
console.log(`| prototype core + Exchange objects in JS | ${(objects.ms / 1e3).toFixed(2)} | ${mbps(objects)} | ${Math.round((objects.ms * 1e6) / n)} | ${objects.exchanges} | ${objects.rssMB} |`);
console.log(`| readCapture today (parse to exchanges) | ${(today.ms / 1e3).toFixed(2)} | ${mbps(today)} | ${Math.round((today.ms * 1e6) / n)} | ${n} | - |`);
console.log(`prototype with objects / today: ${(today.ms / objects.ms).toFixed(2)}×; packets the prototype did not take: ${objects.slow}`);
