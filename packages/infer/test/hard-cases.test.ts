// Cases the accuracy bench (bench/accuracy, APIs.guru specs) taught; each names the spec and route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonSchema } from '@overhear/model';
import { PathTemplater, SchemaAccumulator, inferSchema, mergeSchemas, segmentKind, tidySchema, type TemplateEvidence } from '../src/index.js';

const user = (login: string): unknown => ({ login, id: 1, node_id: 'x', avatar_url: 'https://a.example/x', type: 'User', site_admin: false });
const ok = (method: string, body: unknown): TemplateEvidence => ({ method, status: 200, body });

test('version positions stay literal: Trello /1/, Box /2.0/, Asana /api/1.0/, Twilio /2010-04-01/', () => {
  const t = new PathTemplater();
  assert.equal(t.template('trello', '/1/actions/5f1b8c2e00000000000000aa').template, '/1/actions/{actionId}');
  assert.equal(t.template('box', '/2.0/files/12345').template, '/2.0/files/{fileId}');
  assert.equal(t.template('asana', '/api/1.0/tasks/1200000001').template, '/api/1.0/tasks/{taskId}');
  // Twilio: a date as the version, and ids with a fixed ".json" suffix.
  const r = t.template('twilio', '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef.json');
  assert.equal(r.template, '/2010-04-01/Accounts/{accountId}.json');
  assert.deepEqual(r.params, [{ name: 'accountId', value: 'AC0123456789abcdef0123456789abcdef', kind: 'hex' }]);
  // Not at a version position: a date is a parameter (demo: /api/v2/reports/daily/{date}).
  assert.equal(t.template('shop', '/api/v2/reports/daily/2026-11-20').template, '/api/v2/reports/daily/{date}');
});

test('identifier shapes: Stripe prefixed ids without digits; camelCase and snake_case words are not ids (Docker, Slack)', () => {
  assert.equal(segmentKind('cus_NffrFeUfNVHib'), 'token');
  assert.equal(segmentKind('exte_BmzkUOexbROUDZ'), 'token');
  assert.equal(segmentKind('BlkioDeviceReadBps'), 'literal');
  assert.equal(segmentKind('GlobalIPv6PrefixLen'), 'literal');
  assert.equal(segmentKind('organizationBillingEmail'), 'literal');
  assert.equal(segmentKind('oauth.v2.access'), 'literal', 'Slack GET /api/oauth.v2.access');
});

test('GitHub GET /users/{username}: distinct word values with one response shape become one parameter, and earlier templates are merged', () => {
  const t = new PathTemplater();
  const names = ['octocat', 'torvalds', 'gaearon', 'sindresorhus', 'mojombo', 'defunkt'];
  for (const n of names) assert.equal(t.template('gh', `/users/${n}`, ok('GET', user(n))).template, `/users/${n}`, 'undecided: literal for now');
  t.settle();
  const merges = t.takeMerges();
  assert.deepEqual(merges, [{ host: 'gh', from: names.map((n) => `/users/${n}`).sort(), into: '/users/{user}' }]);
  assert.equal(t.template('gh', '/users/wycats', ok('GET', user('wycats'))).template, '/users/{user}', 'a new value goes straight to the parameter');
  assert.equal(t.template('gh', '/users/me', ok('GET', user('me'))).template, '/users/me', '"me" beside a parameter stays literal');
});

test('GitHub /repos/{owner}/{repo}/stargazers|subscribers|assignees: literals with the same response shape that recur stay literal', () => {
  const t = new PathTemplater();
  const list = [user('a'), user('b')];
  for (let i = 0; i < 6; i++) {
    for (const leaf of ['stargazers', 'subscribers', 'assignees', 'watchers']) t.template('gh', `/repos/${1000 + i}/${2000 + i}/${leaf}`, ok('GET', list));
  }
  t.settle();
  assert.deepEqual(t.takeMerges(), []);
  assert.equal(t.template('gh', '/repos/1/2/stargazers', ok('GET', list)).template, '/repos/{repoId}/{id}/stargazers');
});

test('Twitter /2/tweets, /2/users…: one envelope ({data, meta}) for every endpoint does not make literals look alike', () => {
  const t = new PathTemplater();
  for (let i = 0; i < 6; i++) {
    t.template('tw', '/2/tweets', ok('GET', { data: [{ id: '1', text: 'x', author_id: '2', created_at: 'x' }], meta: { result_count: 1 } }));
    t.template('tw', '/2/users', ok('GET', { data: [{ id: '1', name: 'x', username: 'y', verified: false }], meta: { result_count: 1 } }));
    t.template('tw', '/2/spaces', ok('GET', { data: [{ id: '1', state: 'live', host_ids: [], title: 't' }], meta: { result_count: 1 } }));
    t.template('tw', '/2/lists', ok('GET', { data: [{ id: '1', name: 'l', private: false, owner_id: '3' }], meta: { result_count: 1 } }));
  }
  t.settle();
  assert.deepEqual(t.takeMerges(), []);
});

test('GitHub /repos/{owner}/{repo}/…: words at two levels (owners, then repository names) are decided top-down', () => {
  const t = new PathTemplater();
  const owners = ['octocat', 'torvalds', 'gaearon', 'sindresorhus', 'mojombo', 'defunkt', 'wycats', 'matz'];
  const repos = ['hello-world', 'linux', 'react', 'spoon-knife', 'docs', 'website', 'infra', 'cli'];
  const issue = [{ id: 1, number: 2, title: 't', state: 'open', user: {} }];
  const repo = { id: 1, name: 'r', full_name: 'o/r', private: false, owner: {} };
  for (let i = 0; i < 8; i++) {
    t.template('gh', `/repos/${owners[i]}/${repos[i]}`, ok('GET', repo));
    t.template('gh', `/repos/${owners[(i + 3) % 8]}/${repos[(i + 5) % 8]}/issues`, ok('GET', issue));
  }
  t.settle();
  assert.equal(t.template('gh', '/repos/octocat/linux/issues', ok('GET', issue)).template, '/repos/{repo}/{name}/issues');
  assert.equal(t.template('gh', '/repos/dhh/rails', ok('GET', repo)).template, '/repos/{repo}/{name}');
});

test('a template learned from the catalog is re-decided: new evidence merges it (no duplicates left behind)', () => {
  const t = new PathTemplater();
  t.learnTemplate('h', '/teams/alpha/members');
  t.learnTemplate('h', '/teams/bravo/members');
  const members = [{ id: 1, login: 'x', role: 'member' }];
  for (const team of ['charlie', 'delta', 'echo', 'foxtrot', 'golf']) t.template('h', `/teams/${team}/members`, ok('GET', members));
  t.settle();
  const m = t.takeMerges();
  assert.deepEqual([...new Set(m.map((x) => x.into))], ['/teams/{team}/members']);
  // The catalog's rows (no evidence of their own, same shape as the new parameter's subtree) are merged too.
  assert.deepEqual(m.flatMap((x) => x.from).sort(), ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'].map((x) => `/teams/${x}/members`));
});

test('declared templates (addTemplate) always win and are never merged', () => {
  const t = new PathTemplater();
  t.addTemplate('h', '/users/{username}');
  t.addTemplate('h', '/users/search');
  assert.equal(t.template('h', '/users/alice', ok('GET', user('alice'))).template, '/users/{username}');
  assert.equal(t.template('h', '/users/search', ok('GET', [])).template, '/users/search');
  t.settle();
  assert.deepEqual(t.takeMerges(), []);
});

// ---- schemas ----

const fields = (s: JsonSchema): string => JSON.stringify(tidySchema(s));

test('Docker /containers/{id}/json: camelCase keys stay properties; Slack thumb_160 too; id/date/hash keys make a map', () => {
  const s = tidySchema(inferSchema({ BlkioDeviceReadBps: [], GlobalIPv6PrefixLen: 64, thumb_160: 'https://x.example/a' }));
  assert.deepEqual(Object.keys(s.properties!).sort(), ['BlkioDeviceReadBps', 'GlobalIPv6PrefixLen', 'thumb_160']);
  const map = tidySchema(inferSchema({ stats: { '2026-11-20': 3, '2026-11-21': 4 }, byId: { '8812': { n: 1 }, '8813': { n: 2 } }, byHash: { '9f86d081884c': true } }));
  assert.deepEqual(map.properties!.stats, { type: 'object', properties: {}, additionalProperties: { type: 'integer' } });
  assert.deepEqual(map.properties!.byId!.additionalProperties, { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });
  assert.deepEqual(map.properties!.byHash!.additionalProperties, { type: 'boolean' });
});

test('low-cardinality codes become enum with strong evidence only; never for personal or free-text fields', () => {
  const samples = Array.from({ length: 30 }, (_, i) => ({ status: ['open', 'closed', 'draft'][i % 3], email: `u${i % 2}@example.com`, name: ['Ann', 'Bob'][i % 2], note: 'same text' }));
  const acc = new SchemaAccumulator();
  for (const x of samples) acc.add(x);
  const s = tidySchema(acc.toSchema());
  assert.deepEqual(s.properties!.status, { type: 'string', enum: ['closed', 'draft', 'open'] });
  assert.equal(s.properties!.email!.enum, undefined);
  assert.equal(s.properties!.name!.enum, undefined, 'a name is personal data: its values are never kept');
  assert.equal(s.properties!.note!.enum, undefined);
  assert.equal(JSON.stringify(acc.toSchema()).includes('Ann'), false, 'not even in the bookkeeping');
  const few = new SchemaAccumulator();
  for (const x of samples.slice(0, 5)) few.add(x);
  assert.equal(tidySchema(few.toSchema()).properties!.status!.enum, undefined, 'five samples are not enough evidence');
  const many = new SchemaAccumulator();
  for (let i = 0; i < 60; i++) many.add({ code: `c${i % 20}x` });
  assert.equal(tidySchema(many.toSchema()).properties!.code!.enum, undefined, 'too many distinct values');
});

test('SchemaAccumulator and mergeSchemas agree, whatever the order and grouping (enum and map bookkeeping included)', () => {
  const samples: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    samples.push({ state: ['active', 'paused'][i % 2], kind: i % 5 === 0 ? null : 'plan', counts: { [`2026-11-${10 + (i % 9)}`]: i }, items: [{ sku: `SKU-${i}`, qty: i }], n: i % 3 ? i : i + 0.5 });
  }
  samples.push('not an object', { extra: true });
  const viaMerge = (xs: unknown[]): JsonSchema => xs.map((v) => inferSchema(v)).reduce((a, b) => mergeSchemas(a, b));
  const viaAcc = (xs: unknown[]): JsonSchema => {
    const a = new SchemaAccumulator();
    for (const x of xs) a.add(x);
    return a.toSchema();
  };
  const reference = fields(viaMerge(samples));
  assert.equal(fields(viaAcc(samples)), reference, 'accumulator = merge of inferred samples');
  const rng = ((seed) => () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff))(7);
  for (let round = 0; round < 20; round++) {
    const xs = [...samples].sort(() => rng() - 0.5);
    assert.equal(fields(viaMerge(xs)), reference);
    assert.equal(fields(viaAcc(xs)), reference);
    const cut = 1 + Math.floor(rng() * (xs.length - 2));
    // Batches merged by the catalog: two accumulators' schemas merged, or accumulators merged.
    assert.equal(fields(mergeSchemas(viaAcc(xs.slice(cut)), viaAcc(xs.slice(0, cut)))), reference);
    const a = new SchemaAccumulator();
    const b = new SchemaAccumulator();
    xs.slice(0, cut).forEach((x) => a.add(x));
    xs.slice(cut).forEach((x) => b.add(x));
    assert.equal(fields(b.merge(a).toSchema()), reference);
  }
  const s = tidySchema(viaMerge(samples));
  assert.deepEqual(s.properties!.state, { type: 'string', enum: ['active', 'paused'] });
  assert.deepEqual(s.properties!.kind, { type: ['string', 'null'], enum: ['plan', null] });
});
