import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange, Header } from '@overhear/model';
import { createRedactor, createScanner, scanExchange, type ScanOptions } from '../src/index.js';

const redactor = createRedactor(new Uint8Array(32).fill(9));
const opts: ScanOptions = { redactor };

function exchange(p: { path?: string; query?: Array<[string, string]>; reqHeaders?: Header[]; reqBody?: string; resHeaders?: Header[]; resBody?: string }): Exchange {
  const body = (s: string | undefined) => (s === undefined ? undefined : { bytes: Buffer.from(s), length: Buffer.byteLength(s), truncated: false });
  return {
    source: 'har',
    startedAt: 0,
    scheme: 'https',
    request: { method: 'POST', host: 'api.example.com', path: p.path ?? '/', query: p.query ?? [], httpVersion: 'HTTP/1.1', headers: p.reqHeaders ?? [], body: body(p.reqBody) },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: p.resHeaders ?? [], body: body(p.resBody) },
  } as Exchange;
}
const summary = (ms: Array<{ location: string; name: string; type: string }>) => ms.map((m) => `${m.location} ${m.name} ${m.type}`).sort();

test('every location: path, query, headers, cookies, JSON and form bodies', () => {
  const jwt = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.c2lnbmF0dXJlYnl0ZXM`;
  const ex = exchange({
    path: '/users/jane%40example.com/orders/100042;jsessionid=q8Zt2LmX9vRk4PbW7nYc1Hs6',
    query: [['phone', '+44 20 7946 0958'], ['page', '2'], ['api_key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']],
    reqHeaders: [['authorization', `Bearer ${jwt}`], ['cookie', 'sid=q8Zt2LmX9vRk4PbW7nYc1Hs6; theme=dark'], ['x-forwarded-for', '203.0.113.7, 10.0.0.2'], ['content-type', 'application/x-www-form-urlencoded']],
    reqBody: 'card_no=4242424242424242&qty=2&password=hunter22',
    resHeaders: [['content-type', 'application/json'], ['set-cookie', 'session=Zk3mP9qLx2Rv7TnB4wYc8HsD; Path=/; HttpOnly']],
    resBody: JSON.stringify({ customer: { name: 'Jane Doe', email: 'jane@example.com', dob: '1990-05-17', address: { line1: '221B Baker Street', city: 'London' } }, items: [{ sku: 'SKU-1', id: 1700000000123 }, { sku: 'SKU-2', id: 1700000000456 }], store: { lat: 51.5074, lon: -0.1278 } }),
  });
  assert.deepEqual(summary(scanExchange(ex, opts)), [
    'path jsessionid session-token',
    'path segment[1] email',
    'query api_key stripe-key',
    'query phone phone',
    'request.body card_no credit-card',
    'request.body password password',
    'request.cookie sid session-token',
    'request.header authorization bearer-token',
    'request.header authorization jwt',
    'request.header x-forwarded-for ip-address',
    'response.body $.customer.address.line1 postal-address',
    'response.body $.customer.dob date-of-birth',
    'response.body $.customer.email email',
    'response.body $.customer.name person-name',
    'response.body $.store geolocation',
    'response.cookie session session-token',
  ]);
});

test('matches carry preview and hash, never the value', () => {
  const ex = exchange({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ user: { email: 'jane.doe@example.com', card: '4242 4242 4242 4242' }, key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' }) });
  const ms = scanExchange(ex, opts);
  const json = JSON.stringify(ms);
  for (const raw of ['jane.doe@example.com', '4242 4242 4242 4242', '4242424242424242', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']) assert.ok(!json.includes(raw), raw);
  const email = ms.find((m) => m.type === 'email')!;
  assert.equal(email.preview, 'j***@e***.com');
  assert.equal(email.hash, redactor.hash('jane.doe@example.com'));
  assert.equal(ms.find((m) => m.type === 'credit-card')!.preview, '**** **** **** 4242');
  assert.equal(ms.find((m) => m.type === 'stripe-key')!.preview, 'sk_live_…p7dc');
  assert.deepEqual(Object.keys(email).sort(), ['hash', 'location', 'name', 'preview', 'type']);
});

test('array indices collapse to [*] and matches de-duplicate per location, name and type', () => {
  const ex = exchange({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ contacts: [{ email: 'a.one@example.com' }, { email: 'b.two@example.com' }, { email: 'c.three@example.com' }] }) });
  const ms = scanExchange(ex, opts);
  assert.deepEqual(summary(ms), ['response.body $.contacts[*].email email']);
});

test('look-alikes in a realistic body produce nothing', () => {
  const ex = exchange({
    resHeaders: [['content-type', 'application/json']],
    resBody: JSON.stringify({ id: '550e8400-e29b-41d4-a716-446655440000', orderNumber: '4155550132', createdAt: 1700000000123, version: '10.0.19041.1', etag: '5d41402abc4b2a76b9719d911017c592', price: 1299.99, zip: '90210', product: { name: 'Blue Cotton Shirt' }, image: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' }),
  });
  assert.deepEqual(scanExchange(ex, opts), []);
});

test('caps: body bytes, JSON depth and values per exchange', () => {
  let deep: unknown = { email: 'deep@example.com' };
  for (let i = 0; i < 40; i++) deep = { n: deep };
  const deepEx = exchange({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify(deep) });
  assert.equal(createScanner({ redactor }).call(null, deepEx).length, 0, 'beyond the default depth of 32');
  assert.equal(createScanner({ redactor, maxDepth: 64 })(deepEx).length, 1);

  const late = JSON.stringify({ pad: 'x'.repeat(2000), email: 'late@example.com' });
  const lateEx = exchange({ resHeaders: [['content-type', 'application/json']], resBody: late });
  assert.equal(createScanner({ redactor, maxBodyBytes: 1024 })(lateEx).length, 0, 'the email is past the body cap');
  assert.equal(createScanner({ redactor })(lateEx).length, 1);

  const many = exchange({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ a: Array.from({ length: 50 }, (_, i) => ({ v: `value-${i}` })), email: 'last@example.com' }) });
  assert.equal(createScanner({ redactor, maxValues: 20 })(many).length, 0);
  assert.equal(createScanner({ redactor })(many).length, 1);
});

test('truncated JSON falls back to the text scan', () => {
  const ex = exchange({ resHeaders: [['content-type', 'application/json']], resBody: '{"user":{"email":"jane@example.com","password":"hunter22","bio":"call me on +44 20 7946 0958' });
  assert.deepEqual(summary(scanExchange(ex, opts)), ['response.body $..email email', 'response.body $..password password', 'response.body (text) phone']);
});

test('binary bodies are skipped, custom types are reported', () => {
  const bin = exchange({ resHeaders: [['content-type', 'image/png']], resBody: 'jane@example.com' });
  assert.deepEqual(scanExchange(bin, opts), []);
  const custom = createScanner({ redactor, customTypes: [{ type: 'employee-id', nameRegex: 'employee', valueRegex: 'E\\d{6}' }] });
  const ex = exchange({ query: [['employeeId', 'E123456']] });
  assert.deepEqual(summary(custom(ex)), ['query employeeId employee-id']);
});
