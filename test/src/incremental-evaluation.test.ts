import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openCatalog, reevaluate, loadConfig } from '@overhear/pipeline';
import { repoRoot, runCli, tempDir } from '@overhear/testkit';

/** Everything re-evaluation derives: states, drift, risk, derived findings, unused placeholders. */
function derived(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    const eps = d
      .prepare(`SELECT h.name, e.method, e.path, e.hits, e.state, e.state_reason, e.drift, e.risk FROM endpoints e JOIN hosts h ON h.id = e.host_id ORDER BY 1, 2, 3`)
      .all();
    const findings = d
      .prepare(`SELECT h.name, e.method, e.path, f.rule, f.key, f.severity, f.evidence, f.count FROM findings f JOIN endpoints e ON e.id = f.endpoint_id JOIN hosts h ON h.id = e.host_id ORDER BY 1, 2, 3, 4, 5`)
      .all();
    return JSON.stringify({ eps, findings });
  } finally {
    d.close();
  }
}

/**
 * An ingest re-evaluates only the hosts its batch touched (everything
 * derived is per host), so a small file into a large catalog costs what the
 * file touches. Proof that nothing is missed: the demo's traffic ingested in
 * three parts, hosts interleaved, gives exactly what a full re-evaluation of
 * the same catalog gives.
 */
test('re-evaluating the hosts each ingest or spec change touched equals re-evaluating the whole catalog', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'c.db');
    const cfgFile = join(repoRoot, 'captures/demo-api/overhear.config.json');
    assert.equal(runCli(['spec', 'import', join(repoRoot, 'captures/demo-api/openapi.yaml'), '--db', db, '--config', cfgFile]).status, 0);
    const har = JSON.parse(readFileSync(join(repoRoot, 'captures/demo.har'), 'utf8')) as { log: { entries: unknown[] } };
    const parts = [0, 1, 2].map((k) => har.log.entries.filter((_, i) => i % 3 === k));
    parts.forEach((entries, k) => {
      const f = join(dir, `part${k}.har`);
      writeFileSync(f, JSON.stringify({ log: { ...har.log, entries } }));
      const r = runCli(['ingest', f, '--db', db, '--config', cfgFile]);
      assert.equal(r.status, 0, r.stderr);
    });
    const incremental = derived(db);
    assert.match(incremental, /shadow-api/, 'the demo has derived findings to compare');
    assert.match(incremental, /"unused"/, 'and unused placeholders');

    assert.equal(fullyReevaluated(db, cfgFile), incremental);

    // importing the spec again replaces it and re-evaluates its hosts; removing it re-evaluates them too
    assert.equal(runCli(['spec', 'import', join(repoRoot, 'captures/demo-api/openapi.yaml'), '--db', db, '--config', cfgFile]).status, 0);
    const replaced = derived(db);
    assert.equal(fullyReevaluated(db, cfgFile), replaced);
    const list = runCli(['spec', 'list', '--db', db]).stdout;
    const id = /^\s*(\d+)\s/m.exec(list)?.[1];
    assert.ok(id, list);
    assert.equal(runCli(['spec', 'remove', id, '--db', db, '--config', cfgFile]).status, 0);
    const removed = derived(db);
    assert.doesNotMatch(removed, /shadow-api/, 'without a spec nothing is shadow');
    assert.equal(fullyReevaluated(db, cfgFile), removed);
  } finally {
    cleanup();
  }
});

/** The catalog's derived state after a re-evaluation of every host. */
function fullyReevaluated(db: string, cfgFile: string): string {
  const catalog = openCatalog(db);
  try {
    reevaluate(catalog, loadConfig(cfgFile));
  } finally {
    catalog.close();
  }
  return derived(db);
}
