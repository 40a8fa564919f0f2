import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { capture, cliBin, corpora, runCli, tempDir } from '@overhear/testkit';
import { Catalog } from '@overhear/catalog';

/**
 * Crash consistency: `overhear ingest` killed with SIGKILL at random points.
 * Afterwards the catalog opens, passes PRAGMA integrity_check, and running
 * the same ingest again gives exactly what an uninterrupted run gives — no
 * lost and no doubled observations. `OVERHEAR_CRASH_RUNS` sets the number of
 * kills (the long run uses ≥ 100).
 */
const RUNS = Number(process.env.OVERHEAR_CRASH_RUNS ?? 6);

function inventory(db: string): string {
  const e = runCli(['endpoints', '--json', '--db', db]);
  const f = runCli(['findings', '--json', '--db', db]);
  assert.equal(e.status, 0, e.stderr);
  assert.equal(f.status, 0, f.stderr);
  return e.stdout + f.stdout;
}

function killedIngest(args: string[], afterMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test(`ingest killed with SIGKILL ${RUNS} times: the catalog stays whole and a re-run completes it exactly`, { timeout: 120_000 + RUNS * 30_000 }, async (t) => {
  const har = corpora('har/har-to-openapi/request-generator-all-status-and-method.har');
  if (!har) return t.skip('corpora absent');
  const inputs = [capture('demo.har'), har, capture('demo.har')];
  const { dir, cleanup } = tempDir();
  try {
    const ref = join(dir, 'reference.db');
    const t0 = Date.now();
    assert.equal(runCli(['ingest', '-q', '--db', ref, ...inputs]).status, 0);
    // Kill points spread over one uninterrupted run's duration, measured here: machines differ.
    const duration = Date.now() - t0;
    const expected = inventory(ref);
    let seed = 20261122;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let killedMidway = 0;
    for (let i = 0; i < RUNS; i++) {
      const db = join(dir, `run${i}.db`);
      const code = await killedIngest(['ingest', '-q', '--db', db, ...inputs], Math.floor(duration * (0.05 + 0.95 * rnd())));
      if (code === null) killedMidway++;
      try {
        const c = new Catalog(db, { readonly: true });
        try {
          assert.equal(c.db.pragma('integrity_check', { simple: true }), 'ok', `run ${i}`);
        } finally {
          c.close();
        }
      } catch (e) {
        // Killed before the catalog file was created: nothing to check, the re-run creates it.
        if (!/no catalog at|not an overhear catalog/.test((e as Error).message)) throw e;
      }
      assert.equal(runCli(['ingest', '-q', '--db', db, ...inputs]).status, 0, `re-run ${i}`);
      assert.equal(inventory(db), expected, `run ${i}: re-run after a kill gives the uninterrupted result`);
    }
    assert.ok(killedMidway >= 1, `some runs were really killed mid-way (${killedMidway}/${RUNS})`);
    console.log(`# ${RUNS} runs, ${killedMidway} killed mid-way, every one whole and completed exactly by a re-run`);
  } finally {
    cleanup();
  }
});

test('concurrent writers and readers on one catalog: no SQLITE_BUSY reaches the user, no lost writes', { timeout: 120_000 }, async (t) => {
  const dir0 = corpora('har');
  if (!dir0) return t.skip('corpora absent');
  const files = ['optic/petstore.swagger.io.har', 'optic/capture_har.har', 'mitmproxy/firefox.har', 'mitmproxy/safari.har', 'har-to-openapi/full.har'].map((f) => join(dir0, f));
  const { dir, cleanup } = tempDir();
  try {
    const ref = join(dir, 'ref.db');
    assert.equal(runCli(['ingest', '-q', '--db', ref, ...files]).status, 0);
    const db = join(dir, 'shared.db');
    assert.equal(runCli(['ingest', '-q', '--db', db, files[0]!]).status, 0); // create it
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [cliBin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const jobs = [
      ...files.slice(1).map((f) => run(['ingest', '-q', '--db', db, f])),
      ...Array.from({ length: 6 }, () => run(['endpoints', '--json', '--db', db])),
      ...Array.from({ length: 3 }, () => run(['findings', '--json', '--db', db])),
    ];
    const results = await Promise.all(jobs);
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /SQLITE_BUSY|database is locked/);
    }
    const hits = (p: string): number => (JSON.parse(runCli(['endpoints', '--json', '--db', p]).stdout) as Array<{ hits: number }>).reduce((a, e) => a + e.hits, 0);
    assert.equal(hits(db), hits(ref), 'every exchange counted once');
  } finally {
    cleanup();
  }
});
