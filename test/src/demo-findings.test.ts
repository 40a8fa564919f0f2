import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli, tempDir } from '@overhear/testkit';
import type { EndpointRecord, Finding } from '@overhear/model';

interface Expected {
  rule: string;
  host: string;
  method: string;
  path: string;
}

const norm = (p: string): string => p.replace(/\{[^}]+\}/g, '{}');
const key = (f: Expected): string => `${f.rule} ${f.host} ${f.method} ${norm(f.path)}`;
const truth = JSON.parse(readFileSync(join(repoRoot, 'captures/demo-api/expected-findings.json'), 'utf8')) as { findings: Expected[]; clean: Expected[] };
const drift = JSON.parse(readFileSync(join(repoRoot, 'captures/demo-api/expected-drift.json'), 'utf8')) as { differences: Array<{ kind: string; method: string; path: string; name?: string; status?: number; property?: string }> };

/** The demo as the README runs it: spec imported, then the HAR, with the demo's settings. */
function demoCatalog(): { db: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'demo.db');
  const r = runCli(['demo', '--no-serve', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  return { db, cleanup };
}

function json<T>(args: string[]): T {
  const r = runCli(args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

test('the demo raises exactly the findings it was built to show, and none on its clean endpoints', () => {
  const { db, cleanup } = demoCatalog();
  try {
    const findings = json<Finding[]>(['findings', '--json', '--db', db]);
    const got = new Set(findings.map((f) => key(f)));
    const want = new Set(truth.findings.map(key));
    assert.deepEqual([...want].filter((k) => !got.has(k)).sort(), [], 'missing findings');
    assert.deepEqual([...got].filter((k) => !want.has(k)).sort(), [], 'findings nobody planted');
    for (const c of truth.clean) assert.ok(!findings.some((f) => f.host === c.host && f.method === c.method && norm(f.path) === norm(c.path)), `clean ${c.method} ${c.path}`);
    for (const f of findings) {
      assert.match(f.owasp, /^API(10|[1-9]):2023$/);
      assert.ok(['info', 'low', 'medium', 'high', 'critical'].includes(f.severity));
      assert.ok(f.count >= 0 && typeof f.firstSeen === 'string' && typeof f.lastSeen === 'string');
    }
    // One finding per problem per endpoint, however many customers it touched.
    const perEndpointRule = new Map<string, number>();
    for (const f of findings.filter((x) => x.rule === 'pii-in-url' || x.rule === 'secret-in-url' || x.rule === 'unauthenticated-pii')) {
      const k = `${f.rule} ${f.method} ${f.path}`;
      perEndpointRule.set(k, (perEndpointRule.get(k) ?? 0) + 1);
    }
    for (const [k, n] of perEndpointRule) assert.equal(n, 1, k);
  } finally {
    cleanup();
  }
});

test('the demo states: shadow, zombie, orphan, documented', () => {
  const { db, cleanup } = demoCatalog();
  try {
    const eps = json<EndpointRecord[]>(['endpoints', '--json', '--db', db]);
    const state = (m: string, p: string): string | undefined => eps.find((e) => e.method === m && norm(e.path) === norm(p) && e.host === 'shop.example.com')?.state;
    assert.equal(state('GET', '/internal/debug'), 'shadow');
    assert.equal(state('GET', '/api/v2/reports/daily/{date}'), 'shadow');
    assert.equal(state('GET', '/api/v1/orders/{orderId}'), 'deprecated');
    assert.equal(state('DELETE', '/api/v2/cart/items/{itemId}'), 'unused');
    const unused = eps.find((e) => e.state === 'unused')!;
    assert.equal(unused.hits, 0);
    assert.equal(unused.firstSeen, null);
    for (const p of ['/api/v2/health', '/api/v2/products', '/api/v2/orders/{orderId}', '/api/v2/guest/orders/{orderId}']) assert.equal(state('GET', p), 'documented', p);
    assert.ok(eps.filter((e) => e.host === 'track.courier.example').every((e) => e.state === 'undocumented'), 'no spec for the courier');
    // No false shadow: every shop route the spec declares is documented (or the deprecated v1).
    const shadows = eps.filter((e) => e.state === 'shadow').map((e) => `${e.method} ${e.path}`).sort();
    assert.deepEqual(shadows, ['GET /api/v2/reports/daily/{date}', 'GET /internal/debug']);
  } finally {
    cleanup();
  }
});

test('spec diff lists every deliberate difference of the demo spec', () => {
  const { db, cleanup } = demoCatalog();
  try {
    const [report] = json<Array<{ host: string; shadow: Array<{ method: string; path: string }>; unused: Array<{ method: string; path: string }>; deprecatedInUse: Array<{ method: string; path: string }>; drift: Array<{ method: string; path: string; items: Array<{ kind: string; where: string }> }> }>>(['spec', 'diff', '--format', 'json', '--db', db]);
    assert.equal(report!.host, 'shop.example.com');
    for (const d of drift.differences) {
      const at = (list: Array<{ method: string; path: string }>): boolean => list.some((x) => x.method === d.method && norm(x.path) === norm(d.path));
      const items = report!.drift.find((x) => x.method === d.method && norm(x.path) === norm(d.path))?.items ?? [];
      switch (d.kind) {
        case 'undocumented-operation':
          assert.ok(at(report!.shadow), `${d.kind} ${d.path}`);
          break;
        case 'unused-operation':
          assert.ok(at(report!.unused), `${d.kind} ${d.path}`);
          break;
        case 'deprecated-operation-in-use':
          assert.ok(at(report!.deprecatedInUse), `${d.kind} ${d.path}`);
          break;
        case 'undocumented-query-parameter':
          assert.ok(items.some((i) => i.kind === d.kind && i.where === `query ${d.name}`), `${d.kind} ${d.name}`);
          break;
        case 'parameter-out-of-range':
          assert.ok(items.some((i) => i.kind === d.kind && i.where === `query ${d.name}`), `${d.kind} ${d.name}`);
          break;
        case 'undocumented-status':
          assert.ok(items.some((i) => i.kind === d.kind && i.where === `response ${d.status}`), `${d.kind} ${d.status}`);
          break;
        case 'undocumented-response-property':
          assert.ok(items.some((i) => i.kind === d.kind && i.where === `response ${d.status} ${d.property}`), `${d.kind} ${d.property}`);
          break;
        default:
          assert.fail(`unknown difference kind ${d.kind}`);
      }
    }
    const all = report!.drift.flatMap((x) => x.items.map((i) => `${x.method} ${x.path} ${i.kind} ${i.where}`));
    assert.equal(all.length, 4, `no drift beyond the planted ones: ${all.join('; ')}`);
    const md = runCli(['spec', 'diff', '--db', db]);
    assert.equal(md.status, 0);
    assert.match(md.stdout, /## Served but not in the spec \(shadow\)/);
    assert.match(md.stdout, /`GET \/internal\/debug`/);
  } finally {
    cleanup();
  }
});
