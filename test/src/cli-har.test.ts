import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { corpora, runCli, tempDir } from '@overhear/testkit';
import type { EndpointRecord } from '@overhear/model';
import { Catalog, listEndpoints } from '@overhear/catalog';

function endpoints(db: string): EndpointRecord[] {
  const r = runCli(['endpoints', '--json', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as EndpointRecord[];
}

/** Every row of every table, for "the catalog did not change" checks. */
function snapshot(db: string): string {
  const c = new Catalog(db, { readonly: true });
  try {
    const tables = c.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
    return JSON.stringify(tables.map((t) => [t.name, c.db.prepare(`SELECT * FROM "${t.name}"`).all()]));
  } finally {
    c.close();
  }
}

test('every corpus HAR ingests; files with a paired spec give its endpoints', async (t) => {
  const dir = corpora('har');
  if (!dir) return t.skip('corpora absent');
  const { dir: tmp, cleanup } = tempDir();
  try {
    const db = join(tmp, 'c.db');
    const files = readFileSync(join(dir, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => join(dir, l.split('\t')[0]!));
    const r = runCli(['ingest', '--json', '--db', db, ...files]);
    assert.equal(r.status, 0, r.stderr);
    const summaries = JSON.parse(r.stdout) as Array<{ file: string; exchanges: number; error?: string }>;
    assert.equal(summaries.length, files.length);
    assert.ok(summaries.every((s) => !s.error), JSON.stringify(summaries.filter((s) => s.error)));
    const eps = endpoints(db);
    const has = (host: string, method: string, path: string): boolean => eps.some((e) => e.host === host && e.method === method && e.path === path);

    // Optic's paired spec for capture_har.har documents these two operations.
    assert.ok(has('localhost:3030', 'POST', '/form'));
    assert.ok(has('localhost:3030', 'GET', '/books'));
    // nanoid path ids (/books/NjpTwgmENj11rGdUgpCQ9) are parameters.
    assert.ok(has('localhost:3030', 'GET', '/books/{bookId}'));
    assert.ok(has('localhost:3030', 'GET', '/authors/{authorId}'));
    assert.ok(!eps.some((e) => /NjpTwgmENj11rGdUgpCQ9/.test(e.path)));

    // The public Petstore v2 spec: /pet/{petId}, /pet/findByStatus, /store/inventory, /store/order (basePath /v2).
    for (const [m, p] of [['GET', '/v2/pet/{petId}'], ['GET', '/v2/pet/findByStatus'], ['GET', '/v2/store/inventory'], ['POST', '/v2/store/order']] as const) {
      assert.ok(has('petstore.swagger.io', m, p), `${m} ${p}`);
    }
    const pet = eps.find((e) => e.path === '/v2/pet/{petId}')!;
    assert.deepEqual(pet.statusCodes, { '200': 1, '404': 1 });

    // har-to-openapi's generator: every method, including a custom one, on one host.
    const methods = new Set(eps.filter((e) => e.host === 'requestgenerator.com').map((e) => e.method));
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TEST_METHOD_NOT_IN_SPEC']) assert.ok(methods.has(m), m);
    for (const e of eps) assert.ok(!e.path.includes('?'), `no query string in ${e.path}`);
  } finally {
    cleanup();
  }
});

test('re-ingesting the same file adds nothing', (t) => {
  const dir = corpora('har');
  if (!dir) return t.skip('corpora absent');
  const { dir: tmp, cleanup } = tempDir();
  try {
    const db = join(tmp, 'c.db');
    const file = join(dir, 'optic/petstore.swagger.io.har');
    assert.equal(runCli(['ingest', '--db', db, file]).status, 0);
    const before = snapshot(db);
    // Same content under another name is the same source.
    copyFileSync(file, join(tmp, 'renamed.har'));
    const again = runCli(['ingest', '--db', db, file, join(tmp, 'renamed.har')]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already ingested/);
    assert.equal(snapshot(db), before);
    const hits = endpoints(db).reduce((a, e) => a + e.hits, 0);
    assert.equal(hits, 9);
  } finally {
    cleanup();
  }
});

test('bad input: clear message with file and offset, exit 1, no stack trace, catalog unchanged', (t) => {
  const dir = corpora('har');
  if (!dir) return t.skip('corpora absent');
  const { dir: tmp, cleanup } = tempDir();
  try {
    const db = join(tmp, 'c.db');
    assert.equal(runCli(['ingest', '--db', db, join(dir, 'optic/capture_har.har')]).status, 0);
    const before = snapshot(db);
    const full = readFileSync(join(dir, 'mitmproxy/firefox.har'));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated.har', full.subarray(0, Math.floor(full.length * 0.6)), /truncated\.har: at byte \d+: .*(breaks off|not valid JSON)/],
      ['not-har.json', Buffer.from('{"openapi": "3.1.0", "paths": {}}'), /not-har\.json: at byte \d+: not a HAR file: no "log" object/],
      ['random.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)), /random\.bin: at byte 0: not a HAR, pcap or pcapng file/],
      ['empty.har', Buffer.alloc(0), /empty\.har: at byte 0: empty file/],
    ];
    for (const [name, bytes, message] of cases) {
      const p = join(tmp, name);
      writeFileSync(p, bytes);
      const r = runCli(['ingest', '--db', db, p]);
      assert.equal(r.status, 1, `${name}: exit ${r.status}, stderr ${r.stderr}`);
      assert.match(r.stderr, message, name);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`);
      assert.equal(snapshot(db), before, `${name}: catalog unchanged`);
    }
    // A missing file and a catalog that is not SQLite are usage errors too.
    const missing = runCli(['ingest', '--db', db, join(tmp, 'nope.har')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.har: no such file/);
    writeFileSync(join(tmp, 'text.db'), 'hello, not sqlite'.repeat(100));
    const notDb = runCli(['endpoints', '--db', join(tmp, 'text.db')]);
    assert.equal(notDb.status, 1, notDb.stderr);
    assert.match(notDb.stderr, /text\.db is not an overhear catalog/);
    const noDb = runCli(['endpoints', '--db', join(tmp, 'absent.db')]);
    assert.equal(noDb.status, 1);
    assert.ok(!existsSync(join(tmp, 'absent.db')), 'reading does not create a catalog');
    const usage = runCli(['ingest']);
    assert.equal(usage.status, 1);
    assert.match(usage.stderr, /missing required argument/);
  } finally {
    cleanup();
  }
});

test('the catalog is a real WAL-mode SQLite file with a versioned schema', (t) => {
  const dir = corpora('har');
  if (!dir) return t.skip('corpora absent');
  const { dir: tmp, cleanup } = tempDir();
  try {
    const db = join(tmp, 'c.db');
    assert.equal(runCli(['ingest', '--db', db, join(dir, 'optic/petstore.swagger.io.har')]).status, 0);
    const c = new Catalog(db, { readonly: true });
    try {
      assert.equal(c.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.ok(c.version() >= 1);
      assert.equal(c.db.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(listEndpoints(c.db, { host: 'petstore.swagger.io' }).length, 6);
    } finally {
      c.close();
    }
    assert.ok(existsSync(`${db}.key`), 'the keyed-hash secret lives beside the catalog, not in it');
  } finally {
    cleanup();
  }
});
