import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { capture, cliBin, corpora, repoRoot, runCli, tempDir } from '@overhear/testkit';
import { killMonitor, readEndpoints, startMonitor, totalHits, waitForEndpoints, type Monitor } from './monitor-kit.js';
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

/** The catalog a kill left passes the integrity check (unless the kill came before it was created or set up: then there is nothing to check, and the re-run creates it). */
function assertWhole(db: string, what: string): void {
  let c: Catalog;
  try {
    c = new Catalog(db, { readonly: true });
  } catch (e) {
    if (/no catalog at|not an overhear catalog/.test((e as Error).message)) return;
    throw e;
  }
  try {
    assert.equal(c.db.pragma('integrity_check', { simple: true }), 'ok', what);
  } finally {
    c.close();
  }
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
      assertWhole(db, `run ${i}`);
      assert.equal(runCli(['ingest', '-q', '--db', db, ...inputs]).status, 0, `re-run ${i}`);
      assert.equal(inventory(db), expected, `run ${i}: re-run after a kill gives the uninterrupted result`);
    }
    assert.ok(killedMidway >= 1, `some runs were really killed mid-way (${killedMidway}/${RUNS})`);
    console.log(`# ${RUNS} runs, ${killedMidway} killed mid-way, every one whole and completed exactly by a re-run`);
  } finally {
    cleanup();
  }
});

/** What must survive a kill: every endpoint's identity, counts, status codes and sensitive places, and every finding. */
function summary(db: string): string {
  const eps = JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as Array<Record<string, unknown>>;
  const fs = JSON.parse(runCli(['findings', '--json', '--db', db]).stdout) as Array<Record<string, unknown>>;
  const e = eps.map((x) => JSON.stringify([x.host, x.method, x.path, x.hits, x.analysed, x.statusCodes, x.auth, x.state, x.sensitive])).sort();
  const f = fs.map((x) => JSON.stringify([x.rule, x.host, x.method, x.path, x.count, x.severity])).sort();
  return [...e, ...f].join('\n');
}

test(`monitor --pcap-dir killed with SIGKILL ${RUNS} times: the catalog stays whole and a restart completes it exactly`, { timeout: 120_000 + RUNS * 30_000 }, async () => {
  const { dir, cleanup } = tempDir();
  let mon: Monitor | undefined;
  try {
    const watched = join(dir, 'rotated');
    mkdirSync(watched);
    const files = [join(watched, 'cap-1.pcap'), join(watched, 'cap-2.pcapng'), join(watched, 'cap-3.pcap')];
    copyFileSync(capture('demo.pcap'), files[0]!);
    copyFileSync(capture('demo.pcapng'), files[1]!);
    const g = spawnSync(process.execPath, [join(repoRoot, 'bench', 'pcap', 'generate.mjs'), files[2]!, '3'], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    // Complete files (old, and nothing is writing them).
    const old = Date.now() / 1000 - 120;
    for (const f of files) utimesSync(f, old, old);
    const ref = join(dir, 'reference.db');
    assert.equal(runCli(['ingest', '-q', '--db', ref, ...files]).status, 0);
    const expected = summary(ref);
    const hits = totalHits(readEndpoints(ref));
    const args = (db: string): string[] => ['--pcap-dir', watched, '--db', db, '--flush-interval', '0.3', '--file-idle', '0.2'];
    /** Runs a monitor until every exchange is in the catalog, then stops it; its exit code. */
    const complete = async (db: string): Promise<number | null> => {
      mon = startMonitor(args(db));
      // Its first status line: it is running (a SIGTERM while Node is still starting just ends it, with nothing to flush).
      await mon.waitFor(/^\[/m, 30_000);
      await waitForEndpoints(db, (e) => totalHits(e) >= hits, 30_000, readEndpoints);
      return mon.stop();
    };
    const t0 = Date.now();
    assert.equal(await complete(join(dir, 'uninterrupted.db')), 0);
    const duration = Date.now() - t0;
    assert.equal(summary(join(dir, 'uninterrupted.db')), expected, 'an uninterrupted monitor gives what ingest gives');

    let seed = 20261123;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let killedMidway = 0;
    for (let i = 0; i < RUNS; i++) {
      const db = join(dir, `run${i}.db`);
      mon = startMonitor(args(db));
      await new Promise((r) => setTimeout(r, Math.floor(duration * (0.05 + 0.9 * rnd()))));
      if (totalHits(readEndpoints(db)) < hits) killedMidway++;
      await killMonitor(mon);
      assertWhole(db, `run ${i}`);
      assert.equal(await complete(db), 0, `restart ${i}`);
      assert.equal(summary(db), expected, `run ${i}: a restart after a kill gives the uninterrupted result`);
    }
    assert.ok(killedMidway >= 1, `some runs were really killed mid-way (${killedMidway}/${RUNS})`);
    console.log(`# monitor: ${RUNS} runs, ${killedMidway} killed before every exchange was written, every one whole and completed exactly by a restart`);
  } finally {
    await killMonitor(mon);
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
