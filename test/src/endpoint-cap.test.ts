import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '@overhear/testkit';
import type { EndpointRecord, Finding } from '@overhear/model';

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
    // Other hosts are unaffected.
    const other = JSON.parse(runCli(['endpoints', '--json', '--db', db, '--host', 'other.example']).stdout) as EndpointRecord[];
    assert.deepEqual(other.map((e) => e.path), ['/ok']);
  } finally {
    cleanup();
  }
});
