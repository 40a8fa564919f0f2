import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export * from './hand-built-captures.js';
export * from './http-mix.js';

/** The repository root (this file is packages/testkit/dist/src/index.js). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** Small real captures shipped in the repo. */
export function capture(name: string): string {
  return join(repoRoot, 'captures', name);
}

/**
 * A path inside ../shared/corpora (other projects' files, read in place, never copied).
 * Returns undefined when the corpora are absent outside CI, so the caller can skip;
 * in CI (CI=true) a missing corpus is an error, as the corpora README asks.
 */
export function corpora(sub = ''): string | undefined {
  const dir = process.env.OVERHEAR_CORPORA ?? resolve(repoRoot, '..', 'shared', 'corpora');
  const p = join(dir, sub);
  if (existsSync(p)) return p;
  if (process.env.CI === 'true') throw new Error(`corpora missing in CI: ${p}`);
  console.log(`# skipping: corpora not found at ${p}`);
  return undefined;
}

/** Every packet capture under `dir` (.pcap, .pcapng, .cap, .trace), sorted. */
export function captureFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap|trace)$/.test(n)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'overhear-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const cliBin = join(repoRoot, 'packages', 'cli', 'bin', 'overhear.js');

/** Runs the real `overhear` CLI in a child process. */
export function runCli(args: string[], opts: { env?: Record<string, string>; input?: string | Buffer; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliBin, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input,
    maxBuffer: 256 * 1024 * 1024,
  });
}
