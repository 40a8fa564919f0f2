import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsumerCounts } from '../src/consumer-counts.js';
import { hash53, hashParts, partA } from '../src/string-hash.js';

test('hash53: safe integers, no collision among 300k tokens that differ in one or two characters', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 300_000; i++) {
    const h = hash53(`Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig${i}`);
    assert.ok(Number.isSafeInteger(h) && h >= 0);
    seen.add(h);
  }
  assert.equal(seen.size, 300_000);
  assert.notEqual(hash53('ab'), hash53('ba'));
  assert.notEqual(hash53(''), hash53('\u0000'));
  assert.notEqual(hash53('a'), hash53('a\u0000'));
});

test('ConsumerCounts: credentials counted by value, named once when admitted, bounded', () => {
  const c = new ConsumerCounts(3);
  let named = 0;
  const idOf = (v: string, kind: string): string => `${kind}:${v.length}:${++named}`;
  c.add('client-ip', '10.0.0.1', 5);
  c.addCredential('token-a', 1, idOf, 'authorization');
  c.addCredential('token-a', 9, idOf, 'authorization');
  c.addCredential('token-b', 2, idOf, 'authorization');
  c.addCredential('token-c', 3, idOf, 'authorization'); // over the bound: not counted
  c.addCredential('token-a', 4, idOf, 'authorization');
  assert.equal(named, 2);
  const list = c.list().sort((x, y) => x.id.localeCompare(y.id));
  assert.deepEqual(list, [
    { kind: 'client-ip', id: '10.0.0.1', count: 1, firstSeen: 5, lastSeen: 5 },
    { kind: 'credential', id: 'authorization:7:1', count: 3, firstSeen: 1, lastSeen: 9 },
    { kind: 'credential', id: 'authorization:7:2', count: 1, firstSeen: 2, lastSeen: 2 },
  ]);
  const d = new ConsumerCounts(10);
  d.addCredential('token-a', 20, idOf, 'authorization');
  d.absorb(c);
  assert.equal(d.list().find((x) => x.kind === 'credential' && x.id === 'authorization:7:1'), undefined, 'absorbed by key: token-a keeps the id it was first named with here');
  assert.equal(d.list().filter((x) => x.kind === 'credential').reduce((n, x) => n + x.count, 0), 5);
});

test('ConsumerCounts: two credentials whose key halves collide stay two callers, also when absorbed', () => {
  // find two tokens that share the 30-bit key half (birthday bound: ~2^15 tries)
  const byKey = new Map<number, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; !pair; i++) {
    const v = `tok-${i}`;
    hashParts(v);
    const k = partA >>> 2;
    const other = byKey.get(k);
    if (other !== undefined) pair = [other, v];
    else byKey.set(k, v);
  }
  const idOf = (v: string): string => `id-${v}`;
  const c = new ConsumerCounts(10);
  c.addCredential(pair[0], 1, idOf, null);
  c.addCredential(pair[1], 2, idOf, null);
  c.addCredential(pair[1], 3, idOf, null);
  const counts = (x: ConsumerCounts) => Object.fromEntries(x.list().map((o) => [o.id, o.count]));
  assert.deepEqual(counts(c), { [`id-${pair[0]}`]: 1, [`id-${pair[1]}`]: 2 });
  const d = new ConsumerCounts(10);
  d.addCredential(pair[1], 0, idOf, null);
  d.absorb(c);
  assert.deepEqual(counts(d), { [`id-${pair[0]}`]: 1, [`id-${pair[1]}`]: 3 });
});
