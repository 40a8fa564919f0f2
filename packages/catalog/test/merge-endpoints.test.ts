import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { EndpointObservation, JsonSchema } from '@overhear/model';
import { tempDir } from '@overhear/testkit';
import { Catalog, listEndpoints, endpointShapes } from '../src/index.js';

/** A small merger for the test: unions properties (the real one is @overhear/infer's mergeSchemas). */
const merge = (a: JsonSchema, b: JsonSchema): JsonSchema => ({ ...a, ...b, properties: { ...(a.properties ?? {}), ...(b.properties ?? {}) } });

function obs(path: string, method: string, hits: number, extra: Partial<EndpointObservation> = {}): EndpointObservation {
  const t = Date.UTC(2026, 10, 22, 10) + hits;
  return {
    host: 'api.example', method, path, hits, analysed: hits, firstSeen: t, lastSeen: t + 1000,
    scheme: { http: 0, https: hits }, statusCodes: { '200': hits }, auth: { bearer: hits }, hourly: { [String(Date.UTC(2026, 10, 22, 10))]: hits },
    parameters: [{ location: 'query', name: 'page', schema: { type: 'integer' }, count: hits }],
    bodies: [{ direction: 'response', status: 200, mediaType: 'application/json', schema: { type: 'object', properties: { [path.split('/')[2] ?? 'x']: { type: 'string' } } }, count: hits }],
    sensitive: [{ type: 'email', location: 'response.body', name: '$.email', preview: 'j***@e***.com', hash: 'h1', count: hits, firstSeen: t, lastSeen: t }],
    findings: [{ rule: 'pii-in-response', key: 'k', severity: 'low', owasp: 'API3:2023', evidence: 'email', count: hits, firstSeen: t, lastSeen: t }] as EndpointObservation['findings'],
    consumers: [{ kind: 'client-ip', id: '10.0.0.1', count: hits, firstSeen: t, lastSeen: t }],
    servers: [], deprecationSignals: 0,
    ...extra,
  };
}

test('mergeEndpoints moves everything onto the target and deletes the merged rows, in one transaction, on a real SQLite file', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'c.db');
    let c = new Catalog(file, { mergeSchema: merge });
    c.apply({
      endpoints: [
        obs('/users/alice', 'GET', 3),
        obs('/users/bob', 'GET', 2),
        obs('/users/bob', 'DELETE', 1),
        obs('/users/{user}', 'GET', 5, { parameters: [{ location: 'path', name: 'user', schema: { type: 'string' }, count: 5 }] }),
        obs('/users/alice/repos/{repoId}', 'GET', 4, { parameters: [{ location: 'path', name: 'repoId', schema: { type: 'integer' }, count: 4 }] }),
        obs('/users/me', 'GET', 9),
      ],
      tlsHosts: {},
    });
    assert.equal(c.mergeEndpoints('api.example', ['/users/alice', '/users/bob'], '/users/{user}'), 3);
    assert.equal(c.mergeEndpoints('api.example', ['/users/alice/repos/{repoId}'], '/users/{user}/repos/{id}'), 1);
    c.close();

    c = new Catalog(file, { readonly: true }); // what a reader of the file sees
    const eps = listEndpoints(c.db, { host: 'api.example' });
    assert.deepEqual(eps.map((e) => `${e.method} ${e.path}`).sort(), ['DELETE /users/{user}', 'GET /users/me', 'GET /users/{user}', 'GET /users/{user}/repos/{id}']);
    const get = eps.find((e) => e.method === 'GET' && e.path === '/users/{user}')!;
    assert.equal(get.hits, 10);
    assert.deepEqual(get.statusCodes, { '200': 10 });
    assert.deepEqual(get.auth, ['bearer']);
    assert.equal(get.sensitive[0]!.count, 10);
    const shapes = endpointShapes(c.db, { host: 'api.example' });
    const s = shapes.find((e) => e.method === 'GET' && e.path === '/users/{user}')!;
    assert.equal(s.parameters.find((p) => p.name === 'page')!.count, 3 + 2, 'moved from the merged rows');
    assert.equal(s.parameters.find((p) => p.location === 'path' && p.name === 'user')!.count, 10, 'the literals became values of {user}');
    assert.deepEqual(Object.keys(s.bodies[0]!.schema!.properties!).sort(), ['alice', 'bob', '{user}'], 'schemas merged with the injected merger');
    assert.equal(s.bodies[0]!.count, 10);
    const repos = shapes.find((e) => e.path === '/users/{user}/repos/{id}')!;
    assert.deepEqual(repos.parameters.filter((p) => p.location === 'path').map((p) => `${p.name}:${p.count}`).sort(), ['id:4', 'user:4'], 'path parameters renamed by position');
    const n = (sql: string): number => (c.db.prepare(sql).get() as { n: number }).n;
    assert.equal(n(`SELECT count(*) AS n FROM endpoints WHERE path IN ('/users/alice', '/users/bob')`), 0, 'no duplicates left behind');
    assert.equal(n('SELECT sum(count) AS n FROM findings'), 3 + 2 + 1 + 5 + 4 + 9);
    assert.equal(n('SELECT sum(count) AS n FROM consumers'), 3 + 2 + 1 + 5 + 4 + 9);
    assert.equal(n('SELECT sum(hits) AS n FROM traffic'), 3 + 2 + 1 + 5 + 4 + 9);
    assert.equal(n('SELECT count(*) AS n FROM endpoint_status s LEFT JOIN endpoints e ON e.id = s.endpoint_id WHERE e.id IS NULL'), 0, 'no orphans');
    c.close();

    // Merges carried by a batch are applied first, before its endpoints.
    c = new Catalog(file, { mergeSchema: merge });
    c.apply({ merges: [{ host: 'api.example', from: ['/users/me'], into: '/users/{user}' }], endpoints: [obs('/users/{user}', 'GET', 1)], tlsHosts: {} });
    const after = listEndpoints(c.db, { host: 'api.example' }).find((e) => e.method === 'GET' && e.path === '/users/{user}')!;
    assert.equal(after.hits, 10 + 9 + 1);
    c.close();
  } finally {
    cleanup();
  }
});
