import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isValidPhoneNumber } from 'libphonenumber-js/min';
import { capture } from '@overhear/testkit';
import { startDemoApi, type DemoApi } from '../src/server.js';
import { runScenario } from '../src/client.js';
import { fixtures, upsCheckDigit } from '../src/fixtures.js';
import { verifyJwt } from '../src/jwt.js';
import type { Har } from '../src/har.js';

interface Route {
  host: string;
  method: string;
  path: string;
}

const demoDir = capture('demo-api');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const expectedEndpoints = readJson<Route[]>(join(demoDir, 'expected-endpoints.json'));
const expectedFindings = readJson<{ findings: (Route & { rule: string })[]; clean: Route[] }>(join(demoDir, 'expected-findings.json'));

let api: DemoApi;
before(async () => {
  api = await startDemoApi({ port: 0 });
});
after(async () => {
  await api.close();
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => any;
}

function call(host: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: '127.0.0.1', port: api.port, method, path, agent: false,
        headers: { Host: host, ...headers, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json: () => JSON.parse(buf.toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function signIn(id: number): Promise<{ token: string; cookie: string }> {
  const c = fixtures().customers.find((x) => x.id === id);
  assert.ok(c);
  const r = await call('shop.example.com', 'POST', '/api/v2/login', {}, { email: c.email, password: c.password });
  assert.equal(r.status, 200);
  return { token: r.json().accessToken, cookie: String(r.headers['set-cookie']?.[0]).split(';')[0] ?? '' };
}

test('dispatches on the Host header, with or without a port in it', async () => {
  const shop = await call('shop.example.com', 'GET', '/api/v2/health');
  assert.equal(shop.status, 200);
  assert.deepEqual(shop.json().status, 'ok');
  assert.equal((await call('shop.example.com:8080', 'GET', '/api/v2/health')).status, 200);
  assert.equal((await call('track.courier.example', 'GET', '/api/v2/health')).status, 404);
  assert.equal((await call('elsewhere.example.net', 'GET', '/api/v2/health')).status, 421);
  const track = await call('track.courier.example', 'GET', '/v1/track/1Z999AA10123456784');
  assert.equal(track.status, 200, 'courier tracking needs no auth');
  assert.ok(track.json().recipient.name && track.json().recipient.phone && track.json().recipient.address.postcode);
});

test('the guest order link returns PII with no credentials, and nothing with a wrong token', async () => {
  const order = fixtures().orders[0];
  assert.ok(order);
  const ok = await call('shop.example.com', 'GET', `/api/v2/guest/orders/${order.id}?token=${order.guestToken}`);
  assert.equal(ok.status, 200);
  const body = ok.json();
  assert.match(body.customer.email, /@example\.(com|org)$/);
  assert.ok(body.customer.phone && body.customer.name && body.shippingAddress.postcode);
  const bad = await call('shop.example.com', 'GET', `/api/v2/guest/orders/${order.id}?token=${'0'.repeat(64)}`);
  assert.equal(bad.status, 404);
});

test('login sets a five-year cookie without flags and issues a weak HS256 JWT', async () => {
  const c = fixtures().customers[0];
  assert.ok(c);
  const r = await call('shop.example.com', 'POST', '/api/v2/login', {}, { email: c.email, password: c.password });
  const cookie = String(r.headers['set-cookie']?.[0]);
  assert.match(cookie, /^sid=[0-9a-f]{32}; Max-Age=157680000; Path=\/$/);
  const claims = verifyJwt(r.json().accessToken, 'secret');
  assert.ok(claims, 'signed with "secret"');
  assert.equal(claims.iss, 'https://shop.example.com');
  assert.equal(claims.sub, String(c.id));
  assert.equal(claims.exp - claims.iat, 365 * 24 * 3600);
  const wrong = await call('shop.example.com', 'POST', '/api/v2/login', {}, { email: c.email, password: 'nope' });
  assert.equal(wrong.status, 401);
});

test('v1 orders still serve any order to any token, marked deprecated', async () => {
  const { token } = await signIn(1);
  const foreign = fixtures().orders.find((o) => o.customerId !== 1);
  assert.ok(foreign);
  const v1 = await call('shop.example.com', 'GET', `/api/v1/orders/${foreign.id}`, { Authorization: `Bearer ${token}` });
  assert.equal(v1.status, 200);
  assert.equal(v1.headers.deprecation, 'true');
  assert.ok(v1.headers.sunset);
  assert.ok(v1.json().order.customer.passwordHash, 'full customer record rides along');
  const v2 = await call('shop.example.com', 'GET', `/api/v2/orders/${foreign.id}`, { Authorization: `Bearer ${token}` });
  assert.equal(v2.status, 404, 'v2 checks ownership');
});

test('CORS reflects any Origin with credentials on /users/me', async () => {
  const { cookie } = await signIn(2);
  const r = await call('shop.example.com', 'GET', '/api/v2/users/me', { Cookie: cookie, Origin: 'http://evil.example.org' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['access-control-allow-origin'], 'http://evil.example.org');
  assert.equal(r.headers['access-control-allow-credentials'], 'true');
});

test('one gzip-encoded and one chunked endpoint; the debug page leaks a marked fake key', async () => {
  const list = await call('shop.example.com', 'GET', '/api/v2/products?limit=500', { 'Accept-Encoding': 'gzip' });
  assert.equal(list.headers['content-encoding'], 'gzip');
  const store = fixtures().stores[0];
  assert.ok(store);
  const inv = await call('shop.example.com', 'GET', `/api/v2/stores/${store.id}/inventory`);
  assert.equal(inv.headers['transfer-encoding'], 'chunked');
  assert.ok(Array.isArray(inv.json()));
  const debug = (await call('shop.example.com', 'GET', '/internal/debug')).json();
  assert.match(debug.env.STRIPE_SECRET_KEY, /^sk_live_0verhearDemo[A-Za-z0-9]{20}$/);
});

test('fake data is format-valid: phones pass libphonenumber, emails are example domains, tracking numbers check', () => {
  const f = fixtures();
  for (const c of f.customers) {
    assert.ok(isValidPhoneNumber(c.phone), `${c.phone} should be valid`);
    assert.match(c.email, /@example\.(com|org)$/);
  }
  for (const o of f.orders) {
    if (!o.trackingNumber) continue;
    assert.match(o.trackingNumber, /^1Z[0-9A-Z]{16}$/);
    assert.equal(Number(o.trackingNumber.slice(-1)), upsCheckDigit(o.trackingNumber.slice(2, 17)));
  }
  assert.ok(f.orders.some((o) => o.trackingNumber === '1Z999AA10123456784'));
});

/** The expected endpoint an URL path belongs to; literal segments win over parameters. */
function endpointOf(host: string, method: string, path: string): Route | undefined {
  const matches = expectedEndpoints.filter((e) => {
    if (e.host !== host || e.method !== method) return false;
    const a = e.path.split('/');
    const b = path.split('/');
    return a.length === b.length && a.every((seg, i) => seg.startsWith('{') || seg === b[i]);
  });
  const literals = (e: Route): number => e.path.split('/').filter((s) => s && !s.startsWith('{')).length;
  return matches.sort((x, y) => literals(y) - literals(x))[0];
}

test('the committed HAR is what the client records today, and covers every expected endpoint', async () => {
  const committed = readJson<Har>(capture('demo.har'));
  assert.equal(committed.log.version, '1.2');
  assert.equal(committed.log.creator.name, 'overhear-demo-recorder');
  // A server of its own, so no other test's requests shift its state (sessions, new tracking numbers).
  const own = await startDemoApi({ port: 0 });
  const fresh = await runScenario(own.port).finally(() => own.close());
  assert.ok(committed.log.entries.length >= 200, 'a few hundred requests');
  assert.equal(committed.log.entries.length, fresh.log.entries.length, 'committed HAR is stale: run `npm run captures`');
  const lines = (h: Har): string[] => h.log.entries.map((e) => `${e.request.method} ${e.request.url}`);
  assert.deepEqual(lines(committed), lines(fresh));

  const seen = new Set<string>();
  for (const e of committed.log.entries) {
    const url = new URL(e.request.url);
    assert.equal(url.port, '', 'no port in the recorded URL');
    const ep = endpointOf(url.hostname, e.request.method, url.pathname);
    assert.ok(ep, `${e.request.method} ${e.request.url} is not an expected endpoint`);
    seen.add(`${ep.host} ${ep.method} ${ep.path}`);
  }
  for (const ep of expectedEndpoints) assert.ok(seen.has(`${ep.host} ${ep.method} ${ep.path}`), `never called: ${ep.method} ${ep.path}`);
  assert.ok(committed.log.entries.some((e) => e.response.content.encoding === 'base64'), 'the gzip response is kept base64');
});

test('the ground truth files agree with each other and with the spec', () => {
  const key = (r: Route): string => `${r.host} ${r.method} ${r.path}`;
  const endpoints = new Set(expectedEndpoints.map(key));
  const spec = readFileSync(join(demoDir, 'openapi.yaml'), 'utf8');
  for (const f of expectedFindings.findings) {
    if (f.rule === 'unused-documented-api') {
      assert.ok(!endpoints.has(key(f)) && spec.includes(`${f.path}:`), `${key(f)} is documented and never called`);
    } else {
      assert.ok(endpoints.has(key(f)), `${f.rule} on an endpoint the client never calls: ${key(f)}`);
    }
  }
  const risky = new Set(expectedFindings.findings.map(key));
  for (const c of expectedFindings.clean) {
    assert.ok(endpoints.has(key(c)));
    assert.ok(!risky.has(key(c)), `${key(c)} is listed as both clean and risky`);
  }
  assert.ok(!spec.includes('/internal/debug'), 'the debug route is a shadow API');
  assert.match(spec, /\/api\/v1\/orders\/\{orderId\}:[\s\S]*?deprecated: true/);
});

test('the three captures exist, are the formats they claim, and stay small', () => {
  const har = capture('demo.har');
  const pcap = capture('demo.pcap');
  const pcapng = capture('demo.pcapng');
  assert.ok(['a1b2c3d4', 'd4c3b2a1'].includes(readFileSync(pcap).subarray(0, 4).toString('hex')), 'classic pcap magic');
  assert.equal(readFileSync(pcapng).subarray(0, 4).toString('hex'), '0a0d0d0a', 'pcapng section header block');
  const total = [har, pcap, pcapng].reduce((s, f) => s + statSync(f).size, 0);
  assert.ok(total < 2 * 1024 * 1024, `captures are ${total} bytes`);
});
