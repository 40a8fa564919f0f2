// Runs a command and reports wall time and peak RSS (VmHWM from /proc, polled),
// so benchmarks measure the real CLI as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export function measure(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: benchEnv(), ...opts });
    let peakKb = 0;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ code, seconds, peakRssMb: peakKb / 1024, stdout, stderr });
    });
  });
}

/**
 * Reads `file` through once, so that the timed run after it reads the file from
 * the page cache, whichever tool it is. This machine reclaims the cache of a file
 * left unread: the bench capture lost ~2.5 MB/s of it while idle (fincore,
 * 2026-11-24), a third over one tshark run at that rate, and a parse then read
 * that part from disk: 1.37-1.45 s warmed against 1.50-2.44 s after 45 s idle, in
 * three alternating pairs. A tool reading at 8 MB/s does not notice; one at 400 MB/s does.
 */
export function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * The environment benchmarked commands run in: this process's, without
 * NODE_EXTRA_CA_CERTS. This machine sets it to a 220 KB certificate bundle,
 * which node reads and parses at every start (~50 ms here: 0.07 s against
 * 0.14 s for `node -e 0`) whether or not the process makes a TLS connection;
 * overhear's ingest makes none, and a machine without the variable does not
 * pay it. Every run of a bench gets this environment, the peers' too.
 */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** What a bench's output says about `benchEnv` on this machine ('' when there is nothing to say). */
export const benchEnvNote = process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS unset for every run (node reads its certificates at each start; ingest makes no TLS connection)' : '';

export const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Wall and CPU seconds and peak RSS (MB) from the report of `/usr/bin/time -v` (its stderr). */
export function parseTimeV(stderr) {
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return {
    seconds: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN,
    cpu: user && sys ? Number(user[1]) + Number(sys[1]) : NaN,
    rssMB: rss ? Number(rss[1]) / 1024 : NaN,
  };
}

/** The command prefix that pins a run to core 0 (the pcap issue's targets are on one core); empty where taskset is missing. */
export function pinToOneCore() {
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? ['taskset', '-c', '0'] : [];
}

/** The number after flag `name` in `args` ("--mb 60"), or `fallback` when the flag or a number after it is missing. */
export function numberFlag(args, name, fallback) {
  const i = args.indexOf(name);
  const n = i < 0 ? NaN : Number(args[i + 1]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The value after flag `name` in `args`, which loses both (what is left are the positional arguments); `fallback` when absent. */
export function takeOption(args, name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}
