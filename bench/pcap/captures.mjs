// The captures the pcap benches read, generated once into bench/out/ by generate.mjs, and the tshark
// command they are compared with.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../out');

/**
 * The generated capture of `mb` MiB: the keep-alive mix (api-traffic-MBmb.pcap), or with
 * `perConnection` exchanges per connection (1: one-exchange-per-connection-MBmb.pcap). Generated
 * when missing, or again with `regen`; the process exits when generating fails.
 */
export function benchCapture(mb, { perConnection = 0, regen = false } = {}) {
  const file = join(out, perConnection === 1 ? `one-exchange-per-connection-${mb}mb.pcap` : perConnection > 1 ? `api-traffic-${mb}mb-${perConnection}-per-connection.pcap` : `api-traffic-${mb}mb.pcap`);
  if (existsSync(file) && !regen) return file;
  mkdirSync(out, { recursive: true });
  const g = spawnSync(process.execPath, [join(here, 'generate.mjs'), file, String(mb), ...(perConnection > 0 ? [String(perConnection)] : [])], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (g.status !== 0) process.exit(1);
  console.log(`generated ${g.stdout.trim()}`);
  return file;
}

/** tshark doing the least it can for the same answer as ours: each request's method and URI. */
export function tsharkArgs(file) {
  return ['-r', file, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri'];
}
