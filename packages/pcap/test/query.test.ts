import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, percentDecode } from '../src/http-exchange.js';

/**
 * The query as the obvious reading of it splits it (URLSearchParams's rules
 * but for what it does with '%' that escapes nothing: kept as written): what
 * `parseQuery`, which searches each separator once, must give.
 */
function reference(qs: string): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const part of qs.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [percentDecode(part), ''] : [percentDecode(part.slice(0, eq)), percentDecode(part.slice(eq + 1))]);
  }
  return out;
}

const cases = [
  '',
  'limit=20&offset=5&fields=id,status',
  'a',
  'a=',
  '=b',
  '=',
  '&&a=1&&',
  'a=1=2&b',
  'q=caf%C3%A9+au+lait&x=%zz&y=%4',
  'name=J%C3%B6rg&plus=a+b&pct=100%25',
  'k=%E2%82%AC&k=%E2%82',
  'ü=ö&€=1',
  'token=abc%2Fdef%3D%3D&redirect=https%3A%2F%2Fexample.com%2F%3Fa%3Db',
];

test('query strings: the same pairs as splitting them', () => {
  for (const qs of cases) assert.deepEqual(parseQuery(qs), reference(qs), qs);
});

test('a query read from an offset is the query after it', () => {
  const target = '/orders/7?limit=20&q=a+b';
  assert.deepEqual(parseQuery(target, target.indexOf('?') + 1), [['limit', '20'], ['q', 'a b']]);
});

test('random query strings of separators, escapes and text: the same pairs as splitting them', () => {
  // deterministic, so a failure names its string
  let seed = 20261123;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const alphabet = ['&', '=', '%', '+', 'a', 'b', '2', 'F', 'é', '%41', '%C3%A9', '%E2', '&&', '=='];
  for (let i = 0; i < 5000; i++) {
    let qs = '';
    for (let k = rand(24); k > 0; k--) qs += alphabet[rand(alphabet.length)];
    assert.deepEqual(parseQuery(qs), reference(qs), JSON.stringify(qs));
  }
});
