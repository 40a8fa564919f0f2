import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { capture, repoRoot, runCli, tempDir } from '@overhear/testkit';
import type { EndpointRecord } from '@overhear/model';

interface Route {
  host: string;
  method: string;
  path: string;
}

/** Templates match when equal once parameter names are ignored (/a/{x} = /a/{y}). */
const shape = (r: Route): string => `${r.host} ${r.method} ${r.path.replace(/\{[^}]+\}/g, '{}')}`;

const expected = JSON.parse(readFileSync(join(repoRoot, 'captures/demo-api/expected-endpoints.json'), 'utf8')) as Route[];

function ingestDemo(file: string): { db: string; endpoints: EndpointRecord[]; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'demo.db');
  const r = runCli(['ingest', '--db', db, capture(file)]);
  assert.equal(r.status, 0, r.stderr);
  const out = runCli(['endpoints', '--json', '--db', db]);
  assert.equal(out.status, 0, out.stderr);
  return { db, endpoints: JSON.parse(out.stdout) as EndpointRecord[], cleanup };
}

test('demo.har gives exactly the demo API routes, each once, with no literal ids', () => {
  const { endpoints, cleanup } = ingestDemo('demo.har');
  try {
    const got = endpoints.map(shape).sort();
    assert.deepEqual(got, expected.map(shape).sort());
    assert.equal(new Set(got).size, got.length, 'no route twice');
    for (const e of endpoints) {
      assert.doesNotMatch(e.path, /\/\d+(\/|$)/, `numeric id left in ${e.path}`);
      assert.ok(!e.path.includes('?'));
    }
    const hits = endpoints.reduce((a, e) => a + e.hits, 0);
    assert.equal(hits, 229, 'every request counted once');
    const byPath = new Map(endpoints.map((e) => [`${e.method} ${e.path}`, e]));
    assert.deepEqual(byPath.get('GET /api/v2/orders/{orderId}')?.auth, ['bearer']);
    assert.deepEqual(byPath.get('GET /api/v2/guest/orders/{orderId}')?.auth, [], 'a guest-link token is not a caller credential');
    assert.deepEqual(byPath.get('POST /api/v2/login')?.statusCodes, { '200': 4, '401': 13 });
    assert.deepEqual(byPath.get('GET /api/v2/users/me')?.auth, ['session-cookie']);
  } finally {
    cleanup();
  }
});

test('the demo export is valid OpenAPI 3.1 and describes the demo routes', async () => {
  const { db, cleanup } = ingestDemo('demo.har');
  try {
    const r = runCli(['export', 'openapi', '--db', db, '--host', 'shop.example.com']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { servers: unknown; paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; security?: unknown[] }>> ; components?: { securitySchemes?: Record<string, unknown> } };
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.deepEqual(doc.servers, [{ url: 'http://shop.example.com' }], 'only plain HTTP was seen');
    assert.equal(Object.keys(doc.paths).length, expected.filter((e) => e.host === 'shop.example.com').length);
    const products = doc.paths['/api/v2/products']!.get!;
    assert.ok(products.parameters?.some((p) => p.in === 'query' && p.name === 'limit'));
    assert.deepEqual(doc.components?.securitySchemes?.bearerAuth, { type: 'http', scheme: 'bearer' });
    assert.deepEqual(doc.components?.securitySchemes?.cookie_sid, { type: 'apiKey', in: 'cookie', name: 'sid' });
  } finally {
    cleanup();
  }
});

test('overhear demo runs the main job on the shipped captures', () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = runCli(['demo', '--no-serve', '--db', join(dir, 'demo.db')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /229 exchanges → 19 endpoints/);
    assert.match(r.stdout, /imported "Shop Storefront API" 2\.3\.0 as spec #1: 15 operations for shop\.example\.com/);
    assert.match(r.stdout, /20 endpoints on 2 hosts \(1 declared but never seen\)/);
    assert.match(r.stdout, /unauthenticated-pii/);
  } finally {
    cleanup();
  }
});
