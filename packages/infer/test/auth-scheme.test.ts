import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange, Header } from '@overhear/model';
import { authSchemes, credentials } from '../src/index.js';
import { NameSet } from '../src/name-set.js';

function request(headers: Header[], query: Array<[string, string]> = []): Exchange {
  return { source: 'har', startedAt: 0, scheme: 'https', request: { method: 'GET', host: 'api.example', path: '/x', query, httpVersion: '1.1', headers } };
}

test('credentials by scheme, with the header, parameter or cookie that carries a key', () => {
  assert.deepEqual(credentials(request([['authorization', 'Bearer abc.def.ghi']])), [{ scheme: 'bearer' }]);
  assert.deepEqual(credentials(request([['authorization', 'Basic dXNlcjpwYXNz']])), [{ scheme: 'basic' }]);
  assert.deepEqual(credentials(request([['authorization', 'Digest username="u"']])), [{ scheme: 'digest' }]);
  assert.deepEqual(credentials(request([['authorization', 'sk_live_abcdefghijklmnop1234']])), [{ scheme: 'api-key-header', name: 'authorization' }]);
  for (const name of ['x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-auth-token', 'x-access-token', 'x-token', 'x-api-token', 'x-functions-key', 'ocp-apim-subscription-key', 'x-goog-api-key', 'private-token', 'x-client-secret']) {
    assert.deepEqual(credentials(request([['accept', 'application/json'], [name, 'k-123']])), [{ scheme: 'api-key-header', name }], name);
  }
  assert.deepEqual(credentials(request([], [['API_KEY', 'k1'], ['limit', '20']])), [{ scheme: 'api-key-query', name: 'API_KEY' }]);
  assert.deepEqual(credentials(request([['cookie', 'theme=dark; sessionid=abc']])), [{ scheme: 'session-cookie', name: 'sessionid' }]);
  assert.deepEqual(authSchemes(request([['x-api-key', 'k'], ['authorization', 'Bearer t']])), ['api-key-header', 'bearer']);
});

test('look-alikes are not credentials', () => {
  // same lengths as key names, empty values, a generic token in a link, keys named in other places
  const ex = request(
    [['accept', 'application/json'], ['x-api-keys', 'k'], ['x-api-key', ''], ['x-api-kez', 'k'], ['user-agent', 'curl/8'], ['cookie', 'theme=dark']],
    [['token', 'guest-link-token'], ['apikeys', 'k'], ['key', ''], ['limit', '20']],
  );
  assert.deepEqual(credentials(ex), []);
  assert.deepEqual(authSchemes(ex), []);
});

test('NameSet: by length and comparison, case-blind only when asked', () => {
  const s = new NameSet(['api-key', 'key', 'x-token']);
  assert.equal(s.has('api-key'), true);
  assert.equal(s.has('x-token'), true);
  assert.equal(s.has('API-KEY'), false);
  assert.equal(s.hasIgnoringCase('API-Key'), true);
  assert.equal(s.has('api-kez'), false);
  assert.equal(s.has('apikey'), false);
  assert.equal(s.hasIgnoringCase('keys'), false);
  assert.equal(s.has(''), false);
});
