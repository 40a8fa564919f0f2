#!/usr/bin/env node
// Soak benchmark of `overhear monitor` on loopback.
//
// nginx (Debian's, with its own temporary config on 127.0.0.1) serves JSON
// API-like responses; wrk drives load at stepped rates (a Lua delay per
// connection paces it) while `overhear monitor --interface lo` captures and
// writes to a fresh catalog. For each step: the rate wrk achieved, exchanges
// seen, and drops by kind (kernel, pipeline, reassembly, catalog) from the
// sensor's status row. Then a soak at the highest zero-drop rate for
// --minutes, sampling the monitor's RSS.
//
//   npm run build && node bench/monitor/run.mjs [--minutes 10] [--step-seconds 8] [--rates 5000,10000,...] [--soak-rate R]
//
// Needs root (tcpdump), nginx (apt-get install -y nginx-light) and wrk (apt-get install -y wrk).
// Only 127.0.0.1 is ever a target.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'packages/catalog/package.json'));
const Database = require('better-sqlite3');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const minutes = Number(opt('minutes', '10'));
const stepSeconds = Number(opt('step-seconds', '8'));
const flush = Number(opt('flush-interval', '2'));
// a step is a target rate (paced by a per-connection delay), or "cN": N connections flat out
const rates = opt('rates', 'c1,c2,c4,c8,c16,c32,c64').split(',');
const soakRateArg = opt('soak-rate', undefined);
const keep = args.includes('--keep');
// V8 flags for the monitor's node process only (e.g. "--optimize-for-size"), to compare memory behaviour
const nodeFlags = opt('node-flags', '').split(' ').filter(Boolean);

for (const [cmd, pkg] of [['nginx', 'nginx-light'], ['wrk', 'wrk'], ['tcpdump', 'tcpdump']]) {
  const found = spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`], { stdio: 'ignore' }).status === 0;
  if (!found) {
    console.error(`bench/monitor needs ${cmd}: apt-get install -y ${pkg}`);
    process.exit(1);
  }
}
if (process.getuid?.() !== 0) {
  console.error('bench/monitor needs root (tcpdump on lo)');
  process.exit(1);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const work = mkdtempSync(join(tmpdir(), 'overhear-bench-monitor-'));
const children = [];
const cleanup = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (!keep) rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// ---- nginx: JSON responses, its own prefix and config ----
const port = await freePort();
const order = (id) => JSON.stringify({
  id, status: 'shipped', createdAt: '2026-11-20T10:15:00Z', currency: 'EUR', total: 129.9,
  customer: { id: 4411, name: 'Jane Doe', email: 'jane.doe@example.com', phone: '+44 20 7946 0958' },
  items: [{ sku: 'SKU-1001', name: 'Trail shoe', qty: 1, price: 99.9 }, { sku: 'SKU-2002', name: 'Socks', qty: 3, price: 10 }],
  shipping: { method: 'express', address: { line1: '221B Baker Street', city: 'London', postcode: 'NW1 6XE', country: 'GB' } },
});
const products = JSON.stringify({ items: Array.from({ length: 8 }, (_, i) => ({ id: 100 + i, name: `Product ${i}`, price: 10 + i, tags: ['a', 'b'], stock: 5 * i })), page: 1, total: 240 });
const me = JSON.stringify({ id: 4411, name: 'Jane Doe', email: 'jane.doe@example.com', roles: ['customer'], createdAt: '2024-02-01T08:00:00Z' });
const q = (s) => `'${s.replace(/'/g, "\\'")}'`;
mkdirp(join(work, 'nginx/logs'));
writeFileSync(join(work, 'nginx/nginx.conf'), `
daemon off;
master_process off;
worker_processes 1;
pid ${work}/nginx/nginx.pid;
error_log ${work}/nginx/logs/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path ${work}/nginx/body;
  proxy_temp_path ${work}/nginx/proxy;
  fastcgi_temp_path ${work}/nginx/fastcgi;
  uwsgi_temp_path ${work}/nginx/uwsgi;
  scgi_temp_path ${work}/nginx/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location ~ ^/api/v1/orders/[0-9]+$ { return 200 ${q(order(81234))}; }
    location = /api/v1/products { return 200 ${q(products)}; }
    location = /api/v1/users/me { return 200 ${q(me)}; }
    location = /api/v1/health { return 200 '{"status":"ok","version":"1.4.2"}'; }
    location / { return 404 '{"error":"not_found"}'; }
  }
}
`);
function mkdirp(d) {
  spawnSync('mkdir', ['-p', d]);
}
const nginx = spawn('nginx', ['-p', join(work, 'nginx'), '-c', join(work, 'nginx/nginx.conf'), '-e', join(work, 'nginx/logs/error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
children.push(nginx);
let nginxErr = '';
nginx.stderr.on('data', (d) => (nginxErr += d));
const canConnect = () =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
for (let i = 0; ; i++) {
  if (await canConnect()) break;
  if (i > 50 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${nginxErr}`);
  await sleep(100);
}

// ---- wrk script: several routes, ids that vary, a bearer token; a per-connection delay paces the rate ----
const script = (delayMs) => `
local paths = {}
for i = 1, 500 do paths[#paths + 1] = "/api/v1/orders/" .. (81000 + i) end
for i = 1, 100 do paths[#paths + 1] = "/api/v1/products?page=" .. i .. "&limit=20" end
for i = 1, 100 do paths[#paths + 1] = "/api/v1/users/me" end
for i = 1, 50 do paths[#paths + 1] = "/api/v1/health" end
local n = 0
wrk.headers["Host"] = "shop.bench.example"
wrk.headers["Authorization"] = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NDExIn0.c2lnbmF0dXJl"
wrk.headers["User-Agent"] = "bench-client/1.0"
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
${delayMs > 0 ? `delay = function() return ${delayMs} end` : ''}
`;

function wrk(step, seconds) {
  // connections × (1000 / delay) ≈ rate; 10 ms per connection keeps latency small against the delay
  const flat = String(step).startsWith('c');
  const rate = flat ? 0 : Number(step);
  const delay = flat ? 0 : 10;
  const conns = flat ? Number(String(step).slice(1)) : Math.max(1, Math.round((rate * delay) / 1000));
  const file = join(work, `wrk-${step}.lua`);
  writeFileSync(file, script(delay));
  return new Promise((resolve) => {
    const p = spawn('wrk', ['-t', '1', '-c', String(conns), '-d', `${seconds}s`, '--timeout', '5s', '-s', file, `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(p);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
      const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const errors = /Socket errors:.*|Non-2xx.*/.exec(out)?.[0] ?? '';
      resolve({ conns, rps, total, errors, out });
    });
  });
}

// ---- the monitor ----
const db = join(work, 'bench.db');
const cli = join(root, 'packages/cli/bin/overhear.js');
const mon = spawn(process.execPath, [...nodeFlags, cli, 'monitor', '--interface', 'lo', '--filter', `tcp port ${port}`, '--db', db, '--flush-interval', String(flush), '--name', 'bench-lo'], { stdio: ['ignore', 'pipe', 'pipe'] });
children.push(mon);
let monErr = '';
mon.stderr.on('data', (d) => (monErr += d));
let monOut = '';
mon.stdout.on('data', (d) => (monOut += d));
while (!/listening on lo/.test(monErr)) {
  if (mon.exitCode !== null) throw new Error(`monitor did not start:\n${monErr}`);
  await sleep(50);
}
const tcpdumpPid = Number(/tcpdump \(pid (\d+)\)/.exec(monErr)?.[1]);

const statusKb = (pid, field) => {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
};
const rssOf = (pid) => statusKb(pid, 'VmRSS');
const sensor = () => {
  if (!existsSync(db)) return undefined;
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const r = d.prepare('SELECT stats FROM sensor_status WHERE name = ?').get('bench-lo');
    return r ? JSON.parse(r.stats) : undefined;
  } catch {
    return undefined;
  } finally {
    d.close();
  }
};
const ticks = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (1/100 s)
  } catch {
    return 0;
  }
};
const cpuSnap = () => ({ t: Date.now(), monitor: ticks(mon.pid), tcpdump: ticks(tcpdumpPid), nginx: ticks(nginx.pid) });
const cpuPct = (a, b) => {
  const dt = (b.t - a.t) / 10; // in ticks
  return `monitor ${Math.round(((b.monitor - a.monitor) / dt) * 100)}%, tcpdump ${Math.round(((b.tcpdump - a.tcpdump) / dt) * 100)}%, nginx ${Math.round(((b.nginx - a.nginx) / dt) * 100)}%`;
};
const drops = (s) => ({ kernel: s?.dropsKernel ?? 0, pipeline: s?.dropsPipeline ?? 0, reassembly: s?.dropsReassembly ?? 0, catalog: s?.dropsCatalog ?? 0 });
const settle = async () => {
  // the kernel counters arrive with the next status (tcpdump is asked each interval)
  await sleep(flush * 1000 * 2 + 500);
  return sensor();
};
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const fmt = (n) => Math.round(n).toLocaleString('en-US');

console.log(`overhear monitor soak bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} cores, nginx 1 worker on 127.0.0.1:${port}, wrk 1 thread`);
console.log(`monitor: --interface lo --filter 'tcp port ${port}' --flush-interval ${flush}${nodeFlags.length ? `; node ${nodeFlags.join(' ')}` : ''}; load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log('');
console.log('    step  wrk conns  achieved/s  requests  exchanges seen  drops kernel/pipeline/reassembly/catalog  full analysis  monitor RSS  CPU during the step (of one core)');
let best = 0;
let bestTarget = 0;
const above = [];
let prev = await settle();
for (const rate of rates) {
  const c0 = cpuSnap();
  const w = await wrk(rate, stepSeconds);
  const c1 = cpuSnap();
  const now = await settle();
  const d0 = drops(prev);
  const d1 = drops(now);
  const dd = Object.fromEntries(Object.keys(d1).map((k) => [k, d1[k] - d0[k]]));
  const seen = (now?.exchanges ?? 0) - (prev?.exchanges ?? 0);
  const total = dd.kernel + dd.pipeline + dd.reassembly + dd.catalog;
  const lost = w.total - seen;
  const sampled = (now?.analysisSampled ?? 0) - (prev?.analysisSampled ?? 0);
  const full = seen > 0 ? `${Math.round(((seen - sampled) / seen) * 100)}%` : '-';
  console.log(
    `${String(rate).padStart(8)}  ${String(w.conns).padStart(9)}  ${fmt(w.rps).padStart(10)}  ${fmt(w.total).padStart(8)}  ${fmt(seen).padStart(14)}  ${`${fmt(dd.kernel)}/${fmt(dd.pipeline)}/${fmt(dd.reassembly)}/${fmt(dd.catalog)}`.padStart(40)}  ${full.padStart(13)}  ${mb(rssOf(mon.pid)).padStart(9)}  cpu: ${cpuPct(c0, c1)}${w.errors ? `  (${w.errors.trim()})` : ''}`,
  );
  // wrk counts completed requests; up to one per connection is in flight at each step edge
  if (total === 0 && Math.abs(lost) <= w.conns) {
    if (w.rps > best) {
      best = w.rps;
      bestTarget = rate;
    }
  } else above.push({ rate, rps: w.rps, drops: dd, lost });
  prev = now;
  if (!String(rate).startsWith('c') && w.rps < Number(rate) * 0.8) {
    console.log(`(wrk could not reach ${rate}/s on this machine: stopping the steps)`);
    break;
  }
}
console.log('');
console.log(`highest rate held with zero drops and every exchange seen: ${fmt(best)} requests/s (step ${bestTarget})`);
for (const a of above) console.log(`  above it: step ${a.rate}, achieved ${fmt(a.rps)}/s: drops kernel ${a.drops.kernel}, pipeline ${a.drops.pipeline}, reassembly ${a.drops.reassembly}, catalog ${a.drops.catalog}; requests not seen as exchanges ${a.lost}`);

// ---- soak ----
const soakRate = soakRateArg ?? (bestTarget || rates[0]);
if (minutes > 0) {
  console.log('');
  console.log(`soak: ${minutes} min at step ${soakRate}; RSS of the monitor (node) and tcpdump sampled every 10 s`);
  const before = sensor();
  const samples = [];
  const started = Date.now();
  const wrkDone = wrk(soakRate, Math.round(minutes * 60));
  const sampler = setInterval(() => {
    const st = sensor();
    samples.push({ t: (Date.now() - started) / 1000, rss: rssOf(mon.pid), anon: statusKb(mon.pid, 'RssAnon'), tcpdump: rssOf(tcpdumpPid), heap: st?.heapUsedBytes ?? 0, heapTotal: st?.heapTotalBytes ?? 0, ab: st?.arrayBuffersBytes ?? 0, queued: st?.queuedBytes ?? 0, buffer: st?.captureBufferBytes ?? 0 });
  }, 10_000);
  const w = await wrkDone;
  clearInterval(sampler);
  const after = await settle();
  const d0 = drops(before);
  const d1 = drops(after);
  const seen = (after?.exchanges ?? 0) - (before?.exchanges ?? 0);
  const sampled = (after?.analysisSampled ?? 0) - (before?.analysisSampled ?? 0);
  console.log(`  wrk: ${fmt(w.rps)} requests/s, ${fmt(w.total)} requests; exchanges seen ${fmt(seen)} (${Math.round(((seen - sampled) / Math.max(1, seen)) * 100)}% analysed in full); drops kernel ${d1.kernel - d0.kernel}, pipeline ${d1.pipeline - d0.pipeline}, reassembly ${d1.reassembly - d0.reassembly}, catalog ${d1.catalog - d0.catalog}`);
  const per = Math.max(1, Math.floor(samples.length / 12));
  console.log('  RSS over time: ' + samples.filter((_, i) => i % per === 0 || i === samples.length - 1).map((s) => `${Math.round(s.t)}s ${mb(s.rss)}`).join(', '));
  console.log('  of which anonymous (not file-backed): ' + samples.filter((_, i) => i % per === 0 || i === samples.length - 1).map((s) => `${Math.round(s.t)}s ${mb(s.anon)}`).join(', '));
  console.log('  JS heap used / JS heap committed / array buffers / queued capture bytes / capture buffers: ' + samples.filter((_, i) => i % per === 0 || i === samples.length - 1).map((s) => `${Math.round(s.t)}s ${mb(s.heap)}/${mb(s.heapTotal)}/${mb(s.ab)}/${mb(s.queued)}/${mb(s.buffer)}`).join(', '));
  // flat = after the first minute of warm-up, max/min within 10 %
  const warm = samples.filter((s) => s.t >= Math.min(60, (minutes * 60) / 3));
  if (warm.length) {
    const lo = Math.min(...warm.map((s) => s.rss));
    const hi = Math.max(...warm.map((s) => s.rss));
    const first = warm[0].rss;
    const last = warm[warm.length - 1].rss;
    console.log(`  after warm-up: min ${mb(lo)}, max ${mb(hi)} (spread ${(((hi - lo) / lo) * 100).toFixed(1)} %), first ${mb(first)} → last ${mb(last)} (${(((last - first) / first) * 100).toFixed(1)} %); tcpdump RSS ${mb(warm[warm.length - 1].tcpdump)}`);
  }
}

mon.kill('SIGTERM');
const code = await new Promise((r) => mon.on('exit', r));
console.log('');
console.log(`monitor exit ${code}: ${monOut.trim()}`);
console.log(`load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
nginx.kill('SIGTERM');
