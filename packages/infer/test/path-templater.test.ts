import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathTemplater, segmentKind } from '../src/index.js';
import { LiteralRuns, skeleton } from '../src/path-skeleton.js';

test('segment kinds: identifiers are parameters, words and versions are not', () => {
  const cases: Array<[string, string]> = [
    ['8812', 'integer'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['507f1f77bcf86cd799439011', 'objectid'],
    ['9f86d081884c7d659a2feaa0c55ad015', 'hex'],
    ['2026-11-20', 'date'],
    ['2026-11-20T10:00:00Z', 'datetime'],
    ['jane.doe@example.com', 'email'],
    ['1Z999AA10123456784', 'token'],
    ['NjpTwgmENj11rGdUgpCQ9', 'token'],
    ['order-88123', 'token'],
    ['me', 'literal'],
    ['search', 'literal'],
    ['v2', 'literal'],
    ['v1.2', 'literal'],
    ['oauth2', 'literal'],
    ['page2', 'literal'],
    ['findByStatus', 'literal'],
    ['user-profile', 'literal'],
    ['deadbeef', 'literal'], // a hex-looking English word with no digit
    ['', 'literal'],
  ];
  for (const [seg, kind] of cases) assert.equal(segmentKind(seg), kind, seg);
});

test('ids become named parameters; literals beside them stay', () => {
  const t = new PathTemplater();
  assert.equal(t.template('shop', '/api/v2/orders/8812').template, '/api/v2/orders/{orderId}');
  assert.equal(t.template('shop', '/api/v2/orders/8813').template, '/api/v2/orders/{orderId}');
  assert.equal(t.template('shop', '/api/v2/orders/search').template, '/api/v2/orders/search');
  assert.equal(t.template('shop', '/api/v2/users/me').template, '/api/v2/users/me');
  assert.equal(t.template('shop', '/api/v2/users/17/addresses').template, '/api/v2/users/{userId}/addresses');
  assert.equal(t.template('shop', '/api/v2/categories/3/items/550e8400-e29b-41d4-a716-446655440000').template, '/api/v2/categories/{categoryId}/items/{itemId}');
  assert.equal(t.template('shop', '/api/v2/reports/daily/2026-11-20').template, '/api/v2/reports/daily/{date}');
  const r = t.template('shop', '/api/v2/orders/77/');
  assert.equal(r.template, '/api/v2/orders/{orderId}', 'a trailing slash is the same endpoint');
  assert.deepEqual(r.params, [{ name: 'orderId', value: '77', kind: 'integer' }]);
});

test('parameter names are unique within a template', () => {
  const t = new PathTemplater();
  assert.equal(t.template('h', '/x/7/8').template, '/x/{xId}/{id}');
  assert.equal(t.template('h', '/y/7/8').template, '/y/{yId}/{id}');
  assert.equal(t.template('h', '/files/1/files/2').template, '/files/{fileId}/files/{fileId2}');
});

test('a known template wins, with backtracking from a literal dead end', () => {
  const t = new PathTemplater();
  t.addTemplate('h', '/users/me');
  t.addTemplate('h', '/users/{username}/repos');
  assert.equal(t.template('h', '/users/me').template, '/users/me');
  assert.equal(t.template('h', '/users/me/repos').template, '/users/{username}/repos', 'literal "me" has no "repos" child');
  assert.equal(t.template('h', '/users/octocat/repos').template, '/users/{username}/repos', 'declared parameters accept words');
});

test('templates are per host', () => {
  const t = new PathTemplater();
  t.addTemplate('a', '/things/{thing}');
  assert.equal(t.template('b', '/things/widget').template, '/things/widget');
  assert.equal(t.template('a', '/things/widget').template, '/things/{thing}');
});

/**
 * The fast path (a walk reused for paths of one skeleton: integer and UUID
 * segments taken out) must answer exactly what walking the tree answers.
 * These are the cases where a skeleton alone would be wrong.
 */
test('reused walks answer what walking answers: versions, literal numbers beside a parameter, UUIDs', () => {
  const t = new PathTemplater();
  const ev = { method: 'GET', status: 200 };
  // Known literal "404" beside the integer parameter, learned before the traffic.
  t.learnTemplate('h', '/errors/404');
  for (let i = 0; i < 3000; i++) {
    assert.equal(t.template('h', `/api/v1/orders/${100000 + i}`, ev).template, '/api/v1/orders/{orderId}');
    assert.equal(t.template('h', `/errors/${500 + i}`, ev).template, '/errors/{errorId}');
  }
  // Same skeleton as the numbers above, but a literal the tree knows: not the parameter.
  assert.equal(t.template('h', '/errors/404', ev).template, '/errors/404');
  const r = t.template('h', '/api/v1/orders/7', ev);
  assert.equal(r.template, '/api/v1/orders/{orderId}');
  assert.deepEqual(r.params, [{ name: 'orderId', value: '7', kind: 'integer' }]);
  // Small numbers right after the API prefix are versions: each its own literal, never one parameter.
  for (let i = 0; i < 100; i++) {
    assert.equal(t.template('h', `/api/2/carts/${i + 10}`, ev).template, '/api/2/carts/{cartId}');
    assert.equal(t.template('h', `/api/3/carts/${i + 10}`, ev).template, '/api/3/carts/{cartId}');
  }
  // UUIDs, two in one path, values taken from the right places.
  for (let i = 0; i < 200; i++) {
    const a = `${String(i).padStart(8, '0')}-e29b-41d4-a716-446655440000`;
    const b = `550e8400-e29b-41d4-a716-${String(i).padStart(12, '0')}`;
    const x = t.template('h', `/teams/${a}/members/${b}`, ev);
    assert.equal(x.template, '/teams/{teamId}/members/{memberId}');
    assert.deepEqual(x.params.map((p) => p.value), [a, b]);
  }
});

test('paths whose skeletons share a digest are told apart by their text', () => {
  // Same length and same first, middle and last characters in every literal segment: one digest.
  const a = skeleton('h', '/p/abcde/17')!;
  const b = skeleton('h', '/p/axcde/42')!;
  assert.equal(a.hash, b.hash);
  const runs = new LiteralRuns('/p/abcde/17', a);
  assert.equal(runs.match('/p/abcde/42', skeleton('h', '/p/abcde/42')!), true);
  assert.equal(runs.match('/p/axcde/42', b), false);
  assert.equal(runs.match('/p/abcde/420', skeleton('h', '/p/abcde/420')!), false);
  // Holes of other lengths in one path: other skeletons, other digests (each keeps its reused walk).
  assert.notEqual(skeleton('h', '/u/5/p/1234')!.hash, skeleton('h', '/u/55/p/123')!.hash);
  const t = new PathTemplater();
  t.learnTemplate('h', '/p/abcde/{n}');
  t.learnTemplate('h', '/p/axcde/{m}');
  for (let i = 0; i < 50; i++) {
    assert.equal(t.template('h', `/p/abcde/${10 + i}`).template, '/p/abcde/{n}');
    assert.equal(t.template('h', `/p/axcde/${10 + i}`).template, '/p/axcde/{m}');
  }
});
