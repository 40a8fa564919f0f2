#!/usr/bin/env node
// The parser's worst common case beside bench/pcap/run.mjs's best: one exchange per connection (HTTP/1.0
// clients, `Connection: close` APIs, health checks), so every exchange brings a handshake, a flow and a
// teardown. Generates 60 MB of it (bench/pcap/generate.mjs OUT 60 1), then times parsing (best of 3),
// end to end (best of 2) and tshark (once), pinned to one core as run.mjs does.
// Usage: node bench/pcap/short-connections.mjs [--mb 60] [--skip-tshark]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, benchEnvNote, numberFlag, parseTimeV, pinToOneCore, warmPageCache } from '../lib/measure.mjs';
import { benchCapture, tsharkArgs } from './captures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const mb = numberFlag(args, '--mb', 60);
const file = benchCapture(mb, { perConnection: 1 });
const bytes = statSync(file).size;
const pin = pinToOneCore();

/** Wall seconds and peak RSS (MB) of a command, from /usr/bin/time -v. */
function timed(cmd, cmdArgs) {
  warmPageCache(file);
  const r = spawnSync('/usr/bin/time', ['-v', ...pin, cmd, ...cmdArgs], { encoding: 'utf8', maxBuffer: 1 << 30, env: benchEnv() });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const t = parseTimeV(r.stderr);
  return { s: t.seconds, rss: t.rssMB, stdout: r.stdout };
}
const best = (runs) => runs.reduce((a, b) => (b.s < a.s ? b : a));

const parse = Array.from({ length: 3 }, () => timed(process.execPath, [join(here, 'parse-only.mjs'), file]));
const parsed = JSON.parse(best(parse).stdout);
const e2e = Array.from({ length: 2 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'overhear-bench-'));
  const r = timed(process.execPath, [join(root, 'packages/cli/bin/overhear.js'), 'ingest', file, '--db', join(dir, 'bench.db')]);
  rmSync(dir, { recursive: true, force: true });
  return r;
});
const tshark = args.includes('--skip-tshark') ? undefined : timed('tshark', tsharkArgs(file));

const fileMB = bytes / 1e6;
const n = parsed.exchanges;
console.log(`file: ${file} (${fileMB.toFixed(1)} MB, ${n} exchanges on ${parsed.stats.counters?.flows ?? '?'} connections)  node ${process.version}  ${new Date().toISOString()}  ${pin.length ? 'pinned to core 0' : 'not pinned'}${benchEnvNote ? `; ${benchEnvNote}` : ''}`);
console.log(`parse runs: ${parse.map((r) => r.s.toFixed(2)).join(', ')} s; end-to-end runs: ${e2e.map((r) => r.s.toFixed(2)).join(', ')} s`);
console.log('');
console.log('| run | wall s | MB/s | exchanges/s | peak RSS MB |');
console.log('|---|---:|---:|---:|---:|');
const row = (what, r) => console.log(`| ${what} | ${r.s.toFixed(2)} | ${(fileMB / r.s).toFixed(1)} | ${Math.round(n / r.s)} | ${r.rss.toFixed(0)} |`);
row('@overhear/pcap readCapture (parse to exchanges, best of 3)', best(parse));
row('overhear ingest FILE --db TMP.db (end to end, best of 2)', best(e2e));
if (tshark) {
  row('tshark -Y http.request -T fields (method, uri)', tshark);
  console.log(`\nratio: parse ${(tshark.s / best(parse).s).toFixed(1)}× tshark's speed, end to end ${(tshark.s / best(e2e).s).toFixed(1)}× (wall)`);
}
