import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '@overhear/testkit';
import { emptyStats, type Exchange, type ExchangeSource } from '@overhear/model';
import { Catalog, listEndpoints, sensorStatus } from '@overhear/catalog';
import { openCatalog, runLive } from '@overhear/pipeline';

function exchange(i: number, spread: boolean): Exchange {
  const body = Buffer.from(JSON.stringify({ id: i, name: `item ${i}` }));
  return {
    source: 'live',
    startedAt: Date.now(),
    scheme: 'http',
    request: { method: 'GET', host: spread ? `h${i}.example.com` : 'api.example.com', path: spread ? `/${'segment'.repeat(30)}/list` : `/items/${1000 + (i % 50)}`, query: [], httpVersion: '1.1', headers: [['host', 'api.example.com']] },
    response: { status: 200, statusText: 'OK', httpVersion: '1.1', headers: [['content-type', 'application/json']], body: { bytes: body, length: body.length, truncated: false } },
  };
}

/** `n` exchanges, one every `everyMs`, then waits for `until` before it ends. */
function paced(n: number, everyMs: number, until: Promise<void> = Promise.resolve(), spread = false): ExchangeSource {
  const stats = emptyStats();
  return {
    stats,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, everyMs));
        stats.exchanges++;
        yield exchange(i, spread);
      }
      await until;
    },
  };
}

const hits = (db: string): number => {
  const c = new Catalog(db, { readonly: true });
  try {
    return listEndpoints(c.db).reduce((a, e) => a + e.hits, 0);
  } finally {
    c.close();
  }
};

test('catalog locked by another writer: batches wait and are retried, none lost', { timeout: 30_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'c.db');
    const catalog = openCatalog(file);
    // Another process-like writer holds the write lock for a while.
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.prepare('BEGIN IMMEDIATE').run();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const warnings: string[] = [];
    const run = runLive(paced(60, 10, released), { name: 'test', catalog, flushIntervalMs: 100, busyTimeoutMs: 20, finalRetryMs: 3000, onWarning: (m) => warnings.push(m) });
    try {
      await new Promise((r) => setTimeout(r, 900));
      assert.equal(hits(file), 0, 'nothing written while locked');
    } finally {
      other.prepare('COMMIT').run();
      other.close();
      release();
    }
    const s = await run;
    catalog.close();
    assert.equal(s.exchanges, 60);
    assert.equal(hits(file), 60, 'every exchange counted once');
    assert.ok(warnings.some((w) => /cannot write the catalog \(SQLITE_BUSY/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /writable again/.test(w)), warnings.join('\n'));
    assert.equal(s.stats.dropsCatalog, 0);
  } finally {
    cleanup();
  }
});

test('disk full: the batch is kept and written once there is room; status row in sensor_status', { timeout: 30_000 }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'c.db');
    const catalog = openCatalog(file);
    // A database that cannot grow behaves as a full disk (SQLITE_FULL).
    const pages = catalog.db.pragma('page_count', { simple: true }) as number;
    catalog.db.pragma(`max_page_count = ${pages}`);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const warnings: string[] = [];
    const run = runLive(paced(40, 10, released, true), { name: 'full-disk', catalog, flushIntervalMs: 100, finalRetryMs: 3000, onWarning: (m) => warnings.push(m) });
    try {
      await new Promise((r) => setTimeout(r, 700));
      assert.ok(warnings.some((w) => /SQLITE_FULL/.test(w)), warnings.join('\n'));
    } finally {
      catalog.db.pragma('max_page_count = 1073741823');
      release();
    }
    const s = await run;
    assert.equal(hits(file), 40);
    assert.equal(s.unwrittenEndpoints, 0);
    assert.equal(catalog.db.pragma('integrity_check', { simple: true }), 'ok');
    const st = sensorStatus(catalog.db).find((x) => x.name === 'full-disk')!;
    assert.equal(st.stats.state, 'stopped');
    assert.equal(st.stats.exchanges, 40);
    catalog.close();
  } finally {
    cleanup();
  }
});
