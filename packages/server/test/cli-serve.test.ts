import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliBin, repoRoot, tempDir } from '@overhear/testkit';
import { startServer } from '../src/index.js';

/** `overhear serve` and `overhear demo` as users run them (the real CLI in a child process). */

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cliBin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

test('overhear serve prints its URL, answers, and stops on SIGTERM', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const p = spawn(process.execPath, [cliBin, 'serve', '--db', join(dir, 'new.db'), '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
      p.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /overhear dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    const r = await fetch(`${url}api/endpoints`);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { total: number }).total, 0, 'a missing catalog is created empty');
    const code = await new Promise<number | null>((resolve) => {
      p.once('exit', (c) => resolve(c));
      p.kill('SIGTERM');
    });
    assert.equal(code, 0);
  } finally {
    cleanup();
  }
});

test('overhear serve: a taken port, a short token and a bad port are usage errors (exit 1, one line, no stack)', async () => {
  const { dir, cleanup } = tempDir();
  const s = await startServer({ db: join(dir, 'a.db'), port: 0, webDir: null });
  try {
    const taken = run(['serve', '--db', join(dir, 'a.db'), '--port', String(s.port)]);
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, new RegExp(`port ${s.port} is in use`));
    assert.doesNotMatch(taken.stderr, /\n\s+at /);
    const short = run(['serve', '--db', join(dir, 'a.db'), '--bind', '0.0.0.0', '--token', 'short']);
    assert.equal(short.status, 1);
    assert.match(short.stderr, /at least 16 characters/);
    const bad = run(['serve', '--db', join(dir, 'a.db'), '--port', '99999']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--port must be a number/);
  } finally {
    await s.close();
    cleanup();
  }
});

test('overhear demo --no-serve prints the inventory and exits (scripts and tests)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = run(['demo', '--no-serve', '--db', join(dir, 'demo.db')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+ endpoints on \d+ hosts/);
    assert.match(r.stdout, /npx overhear serve --db /);
    assert.doesNotMatch(r.stdout, /overhear dashboard: http/);
  } finally {
    cleanup();
  }
});
