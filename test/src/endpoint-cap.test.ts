import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pcapFile, runCli, tcpConversation, tempDir, type Pkt } from '@overhear/testkit';
import Database from 'better-sqlite3';
import { MAX_BODY_VARIANTS_PER_ENDPOINT, MAX_ROWS_PER_ENDPOINT, type EndpointRecord, type Finding } from '@overhear/model';

/**
 * A scanner hitting hundreds of random paths must not flood the catalog:
 * beyond the per-host cap, new endpoints are counted under /{overflowPath},
 * which raises a finding, and every request is still counted once.
 */
test('endpoints per host are capped; the excess is counted in an overflow bucket with a finding', () => {
  const { dir, cleanup } = tempDir();
  try {
    const words = ['admin', 'backup', 'config', 'debug', 'old', 'test', 'wp', 'phpinfo', 'server', 'status', 'env', 'git', 'db', 'login', 'shell', 'cgi', 'api', 'dev', 'tmp', 'logs'];
    const entries = [];
    for (let i = 0; i < 300; i++) {
      // Random-looking literal paths of varied depth, as a content-discovery scanner sends them.
      const path = `/${words[i % 20]}${Math.floor(i / 20)}x/${words[(i * 7) % 20]}.${['php', 'bak', 'old', 'zip'][i % 4]}`;
      entries.push({ startedDateTime: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(), request: { method: 'GET', url: `http://victim.example${path}`, headers: [] }, response: { status: 404, headers: [], content: {} } });
    }
    entries.push({ startedDateTime: '2026-11-20T11:00:00Z', request: { method: 'GET', url: 'http://other.example/ok', headers: [] }, response: { status: 200, headers: [], content: {} } });
    const har = join(dir, 'scan.har');
    writeFileSync(har, JSON.stringify({ log: { version: '1.2', entries } }));
    const cfg = join(dir, 'overhear.config.json');
    writeFileSync(cfg, JSON.stringify({ maxEndpointsPerHost: 50 }));
    const db = join(dir, 'c.db');
    const r = runCli(['ingest', '--db', db, '--config', cfg, har]);
    assert.equal(r.status, 0, r.stderr);
    const eps = JSON.parse(runCli(['endpoints', '--json', '--db', db, '--host', 'victim.example']).stdout) as EndpointRecord[];
    assert.ok(eps.length <= 51, `${eps.length} endpoints kept`);
    const overflow = eps.find((e) => e.path === '/{overflowPath}');
    assert.ok(overflow, 'an overflow bucket');
    assert.equal(eps.reduce((a, e) => a + e.hits, 0), 300, 'every request counted once');
    assert.ok(overflow.hits >= 300 - 50);
    const findings = JSON.parse(runCli(['findings', '--json', '--db', db]).stdout) as Finding[];
    assert.ok(findings.some((f) => f.rule === 'endpoint-overflow' && f.host === 'victim.example'));
    assert.doesNotMatch(runCli(['export', 'openapi', '--db', db]).stdout, /overflowPath/, 'the bucket is no API');
    // Other hosts are unaffected.
    const other = JSON.parse(runCli(['endpoints', '--json', '--db', db, '--host', 'other.example']).stdout) as EndpointRecord[];
    assert.deepEqual(other.map((e) => e.path), ['/ok']);
  } finally {
    cleanup();
  }
});

/**
 * A Host-header scan (vhost enumeration: `Host: FUZZ.victim.example`) against
 * one server address must not flood the catalog either, nor memory: beyond
 * the per-server cap, requests naming new hosts go to one overflow host.
 */
test('Host names per server address are capped; requests naming the others are counted under one overflow host with a finding', () => {
  const { dir, cleanup } = tempDir();
  try {
    const ok = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    const pkts: Pkt[] = [];
    for (let c = 0; c < 20; c++) {
      const turns: Array<[boolean, Buffer]> = [];
      for (let i = 0; i < 30; i++) {
        turns.push([true, Buffer.from(`GET /${i % 3 ? 'admin' : 'x'}${c * 30 + i} HTTP/1.1\r\nHost: v${c * 30 + i}.victim.example\r\n\r\n`)]);
        turns.push([false, ok]);
      }
      pkts.push(...tcpConversation(turns, { clientPort: 30000 + c, t0: 1_700_000_000_000 + c * 1000 }));
    }
    // a real host on the same server, before and after the scan, and one on another port
    pkts.unshift(...tcpConversation([[true, Buffer.from('GET /health HTTP/1.1\r\nHost: api.victim.example\r\n\r\n')], [false, ok]], { clientPort: 29999, t0: 1_699_999_999_000 }));
    pkts.push(...tcpConversation([[true, Buffer.from('GET /late HTTP/1.1\r\nHost: api.victim.example\r\n\r\n')], [false, ok]], { clientPort: 29998, t0: 1_700_000_100_000 }));
    pkts.push(...tcpConversation([[true, Buffer.from('GET /other HTTP/1.1\r\nHost: other.example\r\n\r\n')], [false, ok]], { clientPort: 29997, serverPort: 8080, t0: 1_700_000_101_000 }));
    const file = join(dir, 'vhost-scan.pcap');
    writeFileSync(file, pcapFile(pkts));
    const cfg = join(dir, 'overhear.config.json');
    writeFileSync(cfg, JSON.stringify({ maxHostsPerServer: 50 }));
    const db = join(dir, 'c.db');
    const r = runCli(['ingest', '--db', db, '--config', cfg, file]);
    assert.equal(r.status, 0, r.stderr);
    const eps = JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as EndpointRecord[];
    const hosts = new Set(eps.map((e) => e.host));
    assert.equal(hosts.size, 50 + 1 + 1, 'the first 50 names of 10.0.0.2:80 (api.victim.example among them), the overflow host, other.example on :8080');
    const over = eps.filter((e) => e.host === 'hosts-over-cap-10-0-0-2-port-80.invalid');
    assert.deepEqual(over.map((e) => `${e.method} ${e.path}`), ['GET /{overflowPath}'], 'one endpoint, not templated');
    assert.equal(eps.reduce((a, e) => a + e.hits, 0), 600 + 3, 'every request counted once');
    assert.equal(over[0]!.hits, 600 + 1 - 50);
    assert.deepEqual(eps.filter((e) => e.host === 'api.victim.example').map((e) => e.path).sort(), ['/health', '/late'], 'a host admitted before the cap keeps its own endpoints');
    const findings = JSON.parse(runCli(['findings', '--json', '--db', db]).stdout) as Finding[];
    const f = findings.find((x) => x.rule === 'host-overflow');
    assert.ok(f && f.host === over[0]!.host && /more than 50 distinct Host names sent to 10\.0\.0\.2 port 80/.test(f.evidence), JSON.stringify(f));
    // the buckets count requests; they are no API, so the OpenAPI export leaves them out
    const exported = runCli(['export', 'openapi', '--db', db]).stdout;
    assert.doesNotMatch(exported, /hosts-over-cap|overflowPath/);
    assert.match(exported, /api\.victim\.example/);
    // a second file from the same scanner: hosts already in the catalog keep their place, new ones still overflow
    const again = join(dir, 'again.pcap');
    writeFileSync(again, pcapFile(tcpConversation([[true, Buffer.from('GET /z HTTP/1.1\r\nHost: v1.victim.example\r\n\r\n')], [false, ok]], { clientPort: 29996, t0: 1_700_000_200_000 })));
    assert.equal(runCli(['ingest', '--db', db, '--config', cfg, again]).status, 0);
    const after = JSON.parse(runCli(['endpoints', '--json', '--db', db, '--host', 'v1.victim.example']).stdout) as EndpointRecord[];
    assert.ok(after.some((e) => e.path.startsWith('/')), 'v1.victim.example is known');
  } finally {
    cleanup();
  }
});

test('a source without server addresses (a HAR that records none) has one bucket of ten times the host cap', () => {
  const { dir, cleanup } = tempDir();
  try {
    const entries = Array.from({ length: 70 }, (_, i) => ({
      startedDateTime: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
      request: { method: 'GET', url: `https://site${i}.example/app.js`, headers: [] },
      response: { status: 200, headers: [], content: {} },
    }));
    const har = join(dir, 'browsing.har');
    writeFileSync(har, JSON.stringify({ log: { version: '1.2', entries } }));
    const cfg = join(dir, 'overhear.config.json');
    writeFileSync(cfg, JSON.stringify({ maxHostsPerServer: 5 }));
    const db = join(dir, 'c.db');
    assert.equal(runCli(['ingest', '--db', db, '--config', cfg, har]).status, 0);
    const eps = JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as EndpointRecord[];
    assert.equal(new Set(eps.map((e) => e.host)).size, 50 + 1);
    assert.equal(eps.find((e) => e.host === 'hosts-over-cap.invalid')?.hits, 20);
  } finally {
    cleanup();
  }
});

/**
 * Names from traffic (JSON keys used as map keys, query names) must not grow
 * one endpoint without bound either, in a batch or across batches: parameters,
 * sensitive-data places and findings stop at MAX_ROWS_PER_ENDPOINT new rows,
 * and the rows kept go on being counted.
 */
test('one endpoint keeps at most MAX_ROWS_PER_ENDPOINT sensitive places, parameters and findings, across batches', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'c.db');
    // 1,600 distinct names per batch: past the cap in the first, and again in the second
    ingestBatches(dir, db, 2, 40, (b, i) => {
      const from = b * 100_000 + i * 40;
      const body: Record<string, string> = { 'contact-email': 'jane.doe@example.com' };
      for (let k = 0; k < 40; k++) body[`u${from + k}`] = `user${from + k}@example.com`;
      // query names in letters (a finding's key keeps letters, not digits), each carrying an e-mail: one pii-in-url finding per name
      const q = Array.from({ length: 40 }, (_, k) => `${letters(from + k)}=jane%40example.com`).join('&');
      return {
        request: { method: 'POST', url: `https://api.example/submit?${q}`, headers: [{ name: 'Content-Type', value: 'application/json' }], postData: { mimeType: 'application/json', text: JSON.stringify(body) } },
        response: { status: 200, headers: [], content: { size: 2, mimeType: 'text/plain', text: 'ok' } },
      };
    }, ['--analyse-all']);
    assert.equal(count(db, 'SELECT count(*) FROM sensitive'), MAX_ROWS_PER_ENDPOINT);
    assert.equal(count(db, 'SELECT count(*) FROM parameters'), MAX_ROWS_PER_ENDPOINT);
    assert.equal(count(db, 'SELECT count(*) FROM findings'), MAX_ROWS_PER_ENDPOINT);
    assert.equal(count(db, `SELECT count FROM sensitive WHERE name LIKE '%contact-email%'`), 80, 'a place kept before the cap is still counted in later batches');
  } finally {
    cleanup();
  }
});

test('callers of one endpoint stop at MAX_ROWS_PER_ENDPOINT per kind across batches (a client rotating tokens)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'c.db');
    ingestBatches(dir, db, 3, 800, (b, i) => ({
      request: { method: 'GET', url: 'https://api.example/me', headers: [{ name: 'Authorization', value: `Bearer tok-${b}-${i}-q8Zt2LmX9vRk4PbW7nYc1Hs6` }] },
      response: { status: 200, headers: [], content: { size: 2, mimeType: 'text/plain', text: 'ok' } },
    }));
    const [ep] = JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as Array<EndpointRecord & { consumers: { credentials: number } }>;
    assert.equal(ep!.hits, 2400);
    assert.equal(ep!.consumers.credentials, MAX_ROWS_PER_ENDPOINT);
  } finally {
    cleanup();
  }
});

test('auth names and body media types from traffic stop at their caps across batches', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'c.db');
    ingestBatches(dir, db, 2, 700, (b, i) => ({
      request: { method: 'GET', url: 'https://api.example/feed', headers: [{ name: 'Cookie', value: `c${b}x${i}_session=q8Zt2LmX9vRk4PbW7nYc1Hs6` }] },
      response: { status: 200, headers: [{ name: 'Content-Type', value: `application/x-v${b}x${i}+json` }], content: { size: 2, mimeType: `application/x-v${b}x${i}+json`, text: '{}' } },
    }), ['--analyse-all']);
    // the named ones up to the cap, then the bare scheme that counts the rest
    assert.equal(count(db, 'SELECT count(*) FROM endpoint_auth'), MAX_ROWS_PER_ENDPOINT + 1);
    assert.equal(count(db, 'SELECT count(*) FROM bodies'), MAX_BODY_VARIANTS_PER_ENDPOINT);
    assert.equal(count(db, 'SELECT sum(count) FROM endpoint_auth'), 1400, 'every request is counted');
    assert.equal(count(db, `SELECT count FROM endpoint_auth WHERE scheme = 'session-cookie'`), 400);
  } finally {
    cleanup();
  }
});

/** `batches` HAR files of `n` entries each (entry(b, i) gives request and response), ingested one after the other. */
function ingestBatches(dir: string, db: string, batches: number, n: number, entry: (b: number, i: number) => object, args: string[] = []): void {
  for (let b = 0; b < batches; b++) {
    const entries = Array.from({ length: n }, (_, i) => ({ startedDateTime: new Date(Date.UTC(2026, 10, 20, 10 + b, 0, 0, i)).toISOString(), ...entry(b, i) }));
    const f = join(dir, `b${b}.har`);
    writeFileSync(f, JSON.stringify({ log: { version: '1.2', entries } }));
    assert.equal(runCli(['ingest', '--db', db, ...args, f]).status, 0);
  }
}

/** The one number a query on the catalog file returns. */
function count(db: string, sql: string): number | undefined {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).pluck().get() as number | undefined;
  } finally {
    d.close();
  }
}

/** n written in the letters a-z ("a", "b", … "ba", …). */
function letters(n: number): string {
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}
