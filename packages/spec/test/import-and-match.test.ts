import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@overhear/model';
import { importSpec, SpecMatcher, versionKey, evaluateStates, driftOf } from '../src/index.js';

async function rejects(text: string, message: RegExp): Promise<void> {
  try {
    await importSpec(text, 'bad.yaml');
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, /^bad\.yaml: /);
    assert.match(e.message, message);
    return;
  }
  assert.fail('accepted');
}

test('import errors name the file and where', async () => {
  await rejects('openapi: 3.0.0\npaths:\n  /a: [\n', /not valid YAML at line \d+, column \d+/);
  await rejects('{"openapi": "3.0.0", "paths": {', /not valid JSON/);
  await rejects('name: not a spec\n', /not an OpenAPI document/);
  await rejects('openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: "#/components/schemas/Missing"}\n', /unresolvable \$ref "#\/components\/schemas\/Missing" at \/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema/);
  await rejects('openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200": {$ref: "other.yaml#/R"}\n', /unresolvable \$ref "other\.yaml#\/R"/);
});

test('YAML: 1.2 core schema, repeated keys override, aliases capped', async () => {
  const head = 'openapi: 3.0.3\ninfo: {title: t, version: 1.10}\n';
  const op = (schema: string): string => `paths:\n  /a:\n    get:\n      responses:\n        "200": {description: ok, content: {application/json: {schema: ${schema}}}}\n`;
  const s = await importSpec(head + 'x-dup: 1\nx-dup: 2\n' + op('{type: string, enum: [on, yes, no, 3.0, 0x1F]}'), 's.yaml');
  assert.equal(s.openapi, '3.0.3');
  assert.equal(s.version, ''); // 1.10 is a number, as before: version strings must be quoted
  assert.deepEqual(s.operations[0]!.responses['200']!['application/json'], { type: 'string', enum: ['on', 'yes', 'no', 3, 31] });
  // Aliases are fine in moderation: 300 uses of a small anchor.
  const uses = Array.from({ length: 300 }, () => '*n').join(', ');
  assert.equal((await importSpec(head + `x-n: &n {type: integer}\nx-uses: [${uses}]\n` + op('*n'), 's.yaml')).operations.length, 1);
  await rejects(head + op('{type: string}') + "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + 'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]\n`).join(''), /not valid YAML: aliases expand the document by more than 100000 nodes/);
  await rejects(head + op('&s {type: object, properties: {self: *s}}'), /not valid YAML: an alias refers to a node that contains it/);
  await rejects(head + op('*missing'), /not valid YAML at line 7, column \d+: unidentified alias "missing"/);
  await rejects('openapi: 3.0.0\n\tpaths: {}\n', /not valid YAML at line 2, column 1: /);
  await rejects('openapi: 3.0.0\n---\nopenapi: 3.0.0\n', /not valid YAML: the file holds more than one document/);
  await rejects('# nothing but a comment\n', /not an OpenAPI document: the top level is not an object/);
});

test('servers give hosts and base paths; 2.0 host + basePath; variables take their defaults', async () => {
  const s3 = await importSpec('openapi: 3.0.0\ninfo: {title: t, version: "1"}\nservers:\n  - url: "https://{region}.api.example.com:8443/v2"\n    variables: {region: {default: eu}}\npaths:\n  /orders/{id}:\n    get: {responses: {"200": {description: ok}}}\n', 's.yaml');
  assert.deepEqual(s3.hosts, ['eu.api.example.com:8443']);
  assert.equal(s3.operations[0]!.path, '/v2/orders/{id}');
  const s2 = await importSpec(JSON.stringify({ swagger: '2.0', info: { title: 't', version: '1' }, host: 'api.example.com:443', basePath: '/api/', paths: { '/x': { post: { parameters: [{ in: 'body', name: 'b', schema: { type: 'object', properties: { a: { type: 'string' } } } }], responses: { '201': { description: 'ok' } } } } } }), 's.json');
  assert.deepEqual(s2.hosts, ['api.example.com']);
  assert.equal(s2.operations[0]!.path, '/api/x');
  assert.deepEqual(s2.operations[0]!.requestBody?.['application/json'], { type: 'object', properties: { a: { type: 'string' } } });
});

test('matching: literals beat parameters, parameter schemas decide, base paths and encodings', () => {
  const m = new SpecMatcher();
  const int = [{ name: 'id', in: 'path' as const, required: true, schema: { type: 'integer' as const } }];
  m.add('h', { method: 'GET', path: '/api/items/{id}', parameters: int });
  m.add('h', { method: 'GET', path: '/api/items/export', parameters: [] });
  m.add('h', { method: 'GET', path: '/api/users/{name}/repos', parameters: [] });
  m.add('h', { method: 'GET', path: '/api/users/me', parameters: [] });
  assert.equal(m.match('h', 'GET', '/api/items/42')?.template, '/api/items/{id}');
  assert.equal(m.match('h', 'GET', '/api/items/export')?.template, '/api/items/export');
  assert.equal(m.match('h', 'GET', '/api/items/abc'), undefined, 'an integer id does not take a word');
  assert.equal(m.match('h', 'GET', '/api/items/42/')?.template, '/api/items/{id}', 'trailing slash');
  assert.equal(m.match('h', 'GET', '/api/users/me/repos')?.template, '/api/users/{name}/repos', 'backtracks from the literal');
  assert.equal(m.match('h', 'GET', '/api/users/j%C3%BCrgen/repos')?.template, '/api/users/{name}/repos');
  assert.deepEqual(m.match('h', 'DELETE', '/api/items/42'), { template: '/api/items/{id}', methodDeclared: false });
  assert.equal(m.match('other', 'GET', '/api/items/42'), undefined);
});

test('versions: a newer version of the same resource makes the older one deprecated', () => {
  assert.deepEqual(versionKey('/api/v1/orders/{orderId}'), { key: '/api/v*/orders/{}', version: 1 });
  assert.equal(versionKey('/api/orders'), undefined);
  const spec = { title: 'S', version: '1', openapi: '3.0.0', hosts: ['h'], basePath: '', operations: [{ method: 'GET', path: '/v2/orders/{id}', deprecated: false, parameters: [], responses: {} }] };
  const obs = (path: string, lastSeen = 1000) => ({ host: 'h', method: 'GET', path, hits: 3, lastSeen, deprecationSignals: 0 });
  const { verdicts, unused } = evaluateStates([obs('/v1/orders/{orderId}'), obs('/v2/orders/{id}')], new Map([['h', [spec]]]));
  assert.deepEqual(verdicts.map((v) => v.state), ['deprecated', 'documented']);
  assert.match(verdicts[0]!.reason, /newer version is documented: \/v2\/orders\/\{id\}/);
  assert.deepEqual(unused, []);
  // Unused is relative to the host's latest traffic, not to today.
  const stale = evaluateStates([obs('/v2/orders/{id}', 0), obs('/other', 90 * 86_400_000)], new Map([['h', [spec]]]));
  assert.equal(stale.verdicts[0]!.state, 'unused');
  assert.equal(stale.verdicts[1]!.state, 'shadow');
});

test('drift: undocumented parameters, statuses, properties; ranges; types', () => {
  const op = {
    method: 'GET',
    path: '/p',
    deprecated: false,
    parameters: [{ name: 'limit', in: 'query' as const, required: false, schema: { type: 'integer' as const, maximum: 100 } }, { name: 'q', in: 'query' as const, required: false, schema: { type: 'string' as const } }],
    responses: { '200': { 'application/json': { type: 'object' as const, required: ['id'], properties: { id: { type: 'integer' as const }, at: { type: 'string' as const, format: 'date-time' } } } } },
  };
  const items = driftOf(
    {
      parameters: [
        { location: 'query', name: 'limit', schema: { type: 'integer' }, max: 500, min: 1 },
        { location: 'query', name: 'q', schema: { type: 'integer' } },
        { location: 'query', name: 'sort', schema: { type: 'string' } },
      ],
      bodies: [{ direction: 'response', status: 200, mediaType: 'application/json', schema: { type: 'object', properties: { id: { type: 'string' }, at: { type: 'string' }, extra: { type: 'boolean' } }, required: ['at', 'extra'] } }],
      statusCodes: { '200': 5, '409': 1 },
    },
    op,
  ).map((d) => `${d.kind} ${d.where}`);
  assert.deepEqual(items.sort(), [
    'format-mismatch response 200 $.at',
    'missing-required-property response 200 $.id',
    'parameter-out-of-range query limit',
    'type-mismatch response 200 $.id',
    'undocumented-query-parameter query sort',
    'undocumented-response-property response 200 $.extra',
    'undocumented-status response 409',
  ]);
});

test('schema keywords of the wrong shape are dropped, not trusted (fuzzer: `required: 5` inside allOf crashed the import)', async () => {
  const spec = await importSpec(
    `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - {type: object, required: 5, properties: {id: {type: integer}}}
                  - {type: {x: 1}, required: [name, 7], enum: 3, minimum: 'low', properties: {name: {type: string, pattern: 9}}}
                required: {a: 1}
`,
    'shapes.yaml',
  );
  const schema = spec.operations[0]!.responses['200']!['application/json'] as Record<string, unknown>;
  assert.equal(schema.type, 'object');
  assert.equal(schema.required, undefined);
  assert.deepEqual(Object.keys(schema.properties as object).sort(), ['id', 'name']);
  const name = (schema.properties as Record<string, Record<string, unknown>>).name!;
  assert.equal(name.pattern, undefined);
  assert.equal(schema.enum, undefined);
  assert.equal(schema.minimum, undefined);
});
