import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonSchema } from '@overhear/model';
import { inferSchema, mergeSchemas, tidySchema } from '../src/index.js';

const merged = (values: unknown[]): JsonSchema => values.map((v) => inferSchema(v)).reduce((a, b) => mergeSchemas(a, b));

const tidy = (v: unknown): JsonSchema => tidySchema(inferSchema(v));

test('scalars, formats, integer vs number', () => {
  assert.deepEqual(tidy(3), { type: 'integer' });
  assert.deepEqual(tidy(3.5), { type: 'number' });
  assert.deepEqual(tidySchema(merged([3, 3.5])), { type: 'number' });
  assert.deepEqual(tidy('2026-11-22T10:00:00Z'), { type: 'string', format: 'date-time' });
  assert.deepEqual(tidy('2026-11-22'), { type: 'string', format: 'date' });
  assert.deepEqual(tidy('a@example.com'), { type: 'string', format: 'email' });
  assert.deepEqual(tidy('550e8400-e29b-41d4-a716-446655440000'), { type: 'string', format: 'uuid' });
  assert.deepEqual(tidy('https://example.com/x'), { type: 'string', format: 'uri' });
  assert.deepEqual(tidy('10.0.0.1'), { type: 'string', format: 'ipv4' });
  assert.deepEqual(tidy('2001:db8::1'), { type: 'string', format: 'ipv6' });
  assert.deepEqual(tidySchema(merged(['a@example.com', 'plain'])), { type: 'string' }, 'format kept only when every sample agrees');
});

test('required only when always present; nullable as a type array', () => {
  const s = tidySchema(merged([{ id: 1, name: 'a', note: null }, { id: 2, note: 'x' }]));
  assert.deepEqual(s, {
    type: 'object',
    properties: { id: { type: 'integer' }, name: { type: 'string' }, note: { type: ['string', 'null'] } },
    required: ['id', 'note'],
  });
});

test('arrays merge item-wise, nested objects too', () => {
  const s = tidySchema(merged([{ items: [{ sku: 'a', qty: 1 }, { sku: 'b' }] }, { items: [] }]));
  assert.deepEqual(s, {
    type: 'object',
    properties: { items: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer' }, sku: { type: 'string' } }, required: ['sku'] } } },
    required: ['items'],
  });
});

test('merging is order-independent', () => {
  const samples: unknown[] = [
    { a: 1, b: 'x@example.com', c: [1, 2.5], d: { e: null } },
    { a: 2.5, b: 'plain', d: { e: true, f: 'g' } },
    { a: null, c: [], d: null, h: [{ i: 1 }, { j: 'k' }] },
    { b: '2026-01-01', c: ['s'], h: [{ i: 'str' }] },
    'not an object',
  ];
  const reference = JSON.stringify(merged(samples));
  // All 120 orders of 5 samples give the same schema.
  const permutations = (xs: unknown[]): unknown[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
  const all = permutations(samples);
  assert.equal(all.length, 120);
  for (const p of all) assert.equal(JSON.stringify(merged(p)), reference);
  // And grouping does not matter either (associativity): merge halves, then the halves.
  const left = merged(samples.slice(0, 2));
  const right = merged(samples.slice(2));
  assert.equal(JSON.stringify(mergeSchemas(right, left)), reference);
});

test('depth and property caps bound the schema', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = { x: deep };
  let depth = 0;
  for (let s: JsonSchema | undefined = inferSchema(deep, { maxDepth: 10, maxProperties: 300 }); s; s = s.properties?.x) depth++;
  assert.equal(depth, 11);
  const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
  const s = inferSchema(wide, { maxDepth: 10, maxProperties: 20 });
  assert.equal(Object.keys(s.properties!).length, 20);
  assert.deepEqual(tidySchema(s).additionalProperties, { type: 'integer' });
});
