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

// ---- templating rules taught by the accuracy bench (issue 4) ----

const SLUGS = ['hello-world', 'linux', 'spoon-knife', 'react', 'api-docs', 'website', 'infra', 'billing-service', 'mobile-app', 'design-system', 'data-pipeline', 'docs', 'backend', 'frontend', 'payments', 'auth-proxy', 'notifications', 'analytics', 'checkout', 'inventory', 'shipping', 'catalog', 'reports', 'dashboard', 'gateway', 'scheduler', 'mailer', 'blog', 'cli', 'playground'];

test('twitter.com: /2/users/{id}/followers|mentions|owned_lists|tweets… stay literal though some answers share a shape (data omitted)', () => {
  // Each literal is called again and again with nothing after it; its answers vary with optional keys, and one
  // variant ({errors, includes, meta}) is the same for all of them. Calls per concrete continuation, not per
  // shape class, tell a literal: six calls to ".../followers" are one endpoint called six times.
  const t = new PathTemplater();
  const bare = { errors: [{ detail: 'x', title: 't', type: 'y' }], includes: { tweets: [], users: [] }, meta: { result_count: 0 } };
  const full = (leaf: string): unknown => ({ data: [{ id: '1', [`${leaf}_a`]: 1, [`${leaf}_b`]: 2, [`${leaf}_c`]: 3 }], includes: { users: [] }, meta: { result_count: 1 } });
  const partial = (leaf: string): unknown => ({ data: [{ id: '1', [`${leaf}_a`]: 1, [`${leaf}_b`]: 2 }], errors: [{ detail: 'x', title: 't' }] });
  const leaves = ['followers', 'mentions', 'owned_lists', 'pinned_lists', 'tweets', 'list_memberships'];
  let id = 1000;
  for (const leaf of leaves) {
    // Three shape classes per literal, one of them shared by all: by shape classes, six calls over three look like a value's.
    const bodies = [bare, full(leaf), full(leaf), full(leaf), partial(leaf), partial(leaf)];
    for (const b of bodies) t.template('tw', `/2/users/${id++}/${leaf}`, ok('GET', b));
  }
  assert.equal(new Set([t.clusterOf(ok('GET', bare)), t.clusterOf(ok('GET', full('tweets'))), t.clusterOf(ok('GET', partial('tweets')))]).size, 3);
  t.settle();
  assert.deepEqual(t.takeMerges(), []);
  assert.equal(t.template('tw', '/2/users/77/followers', ok('GET', bare)).template, '/2/users/{userId}/followers');
});

test('docker.com: POST /plugins/{name}/enable|push|set|upgrade — a word whose calls all went to endpoints the parameter beside it has joins it', () => {
  const t = new PathTemplater();
  const plugin = { Id: 'x', Name: 'n', Enabled: true, Settings: {}, Config: {} };
  // Enough plugin names with a JSON answer make {name}; its actions answer with no body.
  for (const n of ['analytics', 'auth-proxy', 'catalog', 'dashboard', 'helm-charts', 'playground']) t.template('d', `/v1.33/plugins/${n}/json`, ok('GET', plugin));
  for (const [n, a] of [['analytics', 'disable'], ['dashboard', 'set'], ['catalog', 'upgrade'], ['playground', 'push'], ['auth-proxy', 'enable']] as const) {
    t.template('d', `/v1.33/plugins/${n}/${a}`, { method: 'POST', status: 204 });
  }
  // "mailer" was only ever sent actions (no answer body): four calls, four endpoints, all of them {name}'s.
  for (const a of ['enable', 'push', 'set', 'upgrade']) t.template('d', `/v1.33/plugins/mailer/${a}`, { method: 'POST', status: 204 });
  // "privileges" is a literal: called again and again the same way.
  for (let i = 0; i < 6; i++) t.template('d', '/v1.33/plugins/privileges', ok('GET', [{ Name: 'n', Description: 'd', Value: [] }]));
  t.settle();
  assert.equal(t.template('d', '/v1.33/plugins/mailer/push', { method: 'POST', status: 204 }).template, '/v1.33/plugins/{plugin}/push');
  assert.equal(t.template('d', '/v1.33/plugins/privileges', ok('GET', [])).template, '/v1.33/plugins/privileges');
});

test('nytimes.com/books_api: GET /lists/{date}/{list}.json — words with a ".json" suffix, each seen once, answers alike but for optional keys', () => {
  const t = new PathTemplater();
  // Optional keys come and go: the answers fall into different shape classes (the envelope rule compares the
  // keys one level down only for four top-level keys or fewer), and the first class seen is another endpoint's.
  const review = { copyright: 'c', num_results: 1, results: [{ book_author: 'a', book_title: 't', byline: 'b', summary: 's', url: 'u' }], status: 'OK' };
  for (let i = 0; i < 6; i++) t.template('ny', '/svc/books/v3/reviews.json', ok('GET', review));
  const results = (...keys: string[]): Record<string, unknown> => Object.fromEntries(['books', 'corrections', 'display_name', 'normal_list_ends_at', 'updated', ...keys].map((k) => [k, k === 'books' ? [] : 'x']));
  const five = { copyright: 'c', last_modified: 'm', num_results: 1, results: results('bestsellers_date', 'list_name'), status: 'OK' };
  const bodies = [
    { copyright: 'c', last_modified: 'm', results: results('bestsellers_date', 'published_date'), status: 'OK' },
    five,
    { copyright: 'c', last_modified: 'm', num_results: 1, results: results('list_name', 'published_date') },
    five,
    five,
    { num_results: 1, results: results('bestsellers_date', 'list_name'), status: 'OK' },
  ];
  const names = ['billing-service', 'sdk-go', 'scheduler', 'api-docs', 'design-system', 'inventory'];
  names.forEach((n, i) => t.template('ny', `/svc/books/v3/lists/2023-0${i + 1}-15/${n}.json`, ok('GET', bodies[i])));
  assert.ok(new Set(bodies.map((b) => t.clusterOf(ok('GET', b)))).size >= 3, 'the answers are in several shape classes');
  // Literals beside them recur.
  for (let i = 0; i < 6; i++) t.template('ny', '/svc/books/v3/lists/names.json', ok('GET', { copyright: 'c', num_results: 1, results: [{ list_name: 'x', display_name: 'y', updated: 'u' }], status: 'OK' }));
  t.settle();
  const r = t.template('ny', '/svc/books/v3/lists/2024-01-01/hardcover-fiction.json', ok('GET', five));
  assert.equal(r.template, '/svc/books/v3/lists/{date}/{name}.json');
  assert.equal(r.params[1]!.value, 'hardcover-fiction', 'the value without its suffix');
  assert.equal(t.template('ny', '/svc/books/v3/lists/names.json', ok('GET', {})).template, '/svc/books/v3/lists/names.json');
});

test('GitHub /users/{username}/followers|starred|orgs|events…, each called once: different answers keep them literal', () => {
  // Sparse traffic: one call per sub-resource looks like values by counts alone; the answers differ (users,
  // repositories, organizations, events), so they are not one parameter.
  const t = new PathTemplater();
  const repo = [{ id: 1, name: 'r', full_name: 'o/r', private: false, owner: {}, fork: false, forks_count: 1 }];
  const org = [{ login: 'o', id: 1, url: 'u', repos_url: 'r', events_url: 'e', hooks_url: 'h', description: 'd' }];
  const event = [{ id: '1', type: 'PushEvent', actor: {}, repo: {}, payload: {}, public: true, created_at: 'c' }];
  const gist = [{ id: 'g', files: {}, public: true, created_at: 'c', updated_at: 'u', comments: 0, git_pull_url: 'p' }];
  const leaves: Array<[string, unknown]> = [['followers', [user('a')]], ['starred', repo], ['orgs', org], ['events', event], ['gists', gist], ['repos', repo], ['following', [user('b')]]];
  for (const [leaf, body] of leaves) t.template('gh', `/users/octocat/${leaf}`, ok('GET', body));
  t.settle();
  assert.deepEqual(t.takeMerges(), []);
});

test('netlify.com: /api/v1/{account_slug}/members/{member_id} — every word beside the parameter joins it in one settle', () => {
  // The parameter is made from the words seen together on one continuation; words left beside it, each seen
  // on one more of its continuations, join it — all of them, however many continuations (there used to be
  // a bound on the merges per node and settle, which left literal slugs behind on APIs with many routes).
  const t = new PathTemplater();
  const routes = ['members', 'sites', 'hooks', 'env', 'audit', 'builds', 'deploys', 'forms', 'dns', 'keys', 'snippets', 'assets'];
  const body = (r: string): unknown => [{ id: 1, [`${r}_a`]: 1, [`${r}_b`]: 2, [`${r}_c`]: 3 }];
  const core = SLUGS.slice(0, 6);
  for (const r of routes) for (const s of core) t.template('nf', `/api/v1/${s}/${r}`, ok('GET', body(r)));
  const left = SLUGS.slice(6, 6 + routes.length);
  routes.forEach((r, i) => t.template('nf', `/api/v1/${left[i]}/${r}`, ok('GET', body(r))));
  t.settle();
  const into = new Set(t.takeMerges().map((m) => m.into));
  assert.deepEqual([...into].sort(), routes.map((r) => `/api/v1/{name}/${r}`).sort());
  for (const [i, r] of routes.entries()) assert.equal(t.template('nf', `/api/v1/${left[i]}/${r}`, ok('GET', body(r))).template, `/api/v1/{name}/${r}`);
});

test('box.com: /files/{file_id}/metadata/global/{template_key} — a few words spread over four methods, alike answers, beside a recurring literal', () => {
  const t = new PathTemplater();
  const instance = (i: number): unknown => ({ $id: 'x', $type: 't', $parent: 'p', $version: 1, $typeVersion: 2, $template: 'tk', $scope: 'global', ...(i % 2 ? { $canEdit: true } : {}) });
  // The literal template "boxSkillsCards" is called again and again with every method.
  let id = 100;
  for (const m of ['GET', 'POST', 'PUT', 'DELETE']) for (let i = 0; i < 6; i++) t.template('box', `/2.0/files/${id++}/metadata/global/boxSkillsCards`, ok(m, instance(i)));
  // Seven template keys, each called once or twice, over four methods: no continuation has enough of them.
  const calls: Array<[string, string]> = [['scheduler', 'POST'], ['blog', 'POST'], ['frontend', 'GET'], ['frontend', 'PUT'], ['billing-service', 'GET'], ['benchmarks', 'PUT'], ['notifications', 'GET'], ['design-system', 'DELETE']];
  calls.forEach(([k, m], i) => t.template('box', `/2.0/files/${id++}/metadata/global/${k}`, m === 'DELETE' ? { method: m, status: 204 } : ok(m, instance(i))));
  t.settle();
  assert.equal(t.template('box', '/2.0/files/1/metadata/global/marketing', ok('GET', instance(0))).template, '/2.0/files/{fileId}/metadata/global/{globalName}');
  assert.equal(t.template('box', '/2.0/files/1/metadata/global/boxSkillsCards', ok('GET', instance(0))).template, '/2.0/files/{fileId}/metadata/global/boxSkillsCards');
});

test('launchdarkly.com: GET /api/v2/flag-status/{projectKey}/{featureFlagKey} — keys at two levels; a word left at the first joins once the second is decided', () => {
  const t = new PathTemplater();
  const status = { name: 'active', lastRequested: 't', default: {}, _links: { self: {}, parent: {} } };
  const other = { _links: { self: {} }, default: 1, variations: [], evaluated: {} };
  const keys: Array<[string, string]> = [['analytics', 'changelog'], ['linux', 'terraform-modules'], ['spoon-knife', 'notifications'], ['reports', 'react'], ['ml-models', 'benchmarks']];
  for (const [p, f] of keys) t.template('ld', `/api/v2/flag-status/${p}/${f}`, ok('GET', status));
  // One call answered in another shape class: nothing at the first level ties "blog" to the others, until the
  // second level is a parameter and "blog"'s only endpoint is one the parameter's subtree has.
  t.template('ld', '/api/v2/flag-status/blog/sdk-python', ok('GET', other));
  t.settle();
  const into = new Set(t.takeMerges().map((m) => m.into));
  assert.ok(into.has('/api/v2/flag-status/{flagStatus}/{name}'));
  assert.equal(t.template('ld', '/api/v2/flag-status/blog/sdk-python', ok('GET', other)).template, '/api/v2/flag-status/{flagStatus}/{name}');
});
