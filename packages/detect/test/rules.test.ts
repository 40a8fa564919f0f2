import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange, FramingAnomaly, Header, HostAnomaly } from '@overhear/model';
import { createRedactor, createScanner, CredentialStuffingDetector, evaluateRules, EVERY_EXCHANGE_RULES, RULES, type RuleContext } from '../src/index.js';

const scan = createScanner({ redactor: createRedactor(new Uint8Array(32).fill(5)) });
const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

function ex(p: { scheme?: 'http' | 'https'; host?: string; path?: string; query?: Array<[string, string]>; reqHeaders?: Header[]; reqBody?: string; status?: number; resHeaders?: Header[]; resBody?: string; client?: string; server?: string; framing?: FramingAnomaly; hostAnomaly?: HostAnomaly }): Exchange {
  const body = (s?: string) => (s === undefined ? undefined : { bytes: Buffer.from(s), length: Buffer.byteLength(s), truncated: false });
  return {
    source: 'pcap',
    startedAt: T0,
    scheme: p.scheme ?? 'https',
    ...(p.client && { client: { ip: p.client, port: 50000 } }),
    ...(p.server && { server: { ip: p.server, port: 80 } }),
    request: { method: 'GET', host: p.host ?? 'api.example.com', path: p.path ?? '/', query: p.query ?? [], httpVersion: 'HTTP/1.1', headers: p.reqHeaders ?? [], ...(p.reqBody !== undefined && { body: body(p.reqBody) }), ...(p.framing && { framing: p.framing }), ...(p.hostAnomaly && { hostAnomaly: p.hostAnomaly }) },
    response: { status: p.status ?? 200, statusText: '', httpVersion: 'HTTP/1.1', headers: p.resHeaders ?? [], ...(p.resBody !== undefined && { body: body(p.resBody) }) },
  } as Exchange;
}
const run = (e: Exchange, ctx: RuleContext = {}) => evaluateRules(e, scan(e), ctx);
const ids = (e: Exchange, ctx: RuleContext = {}) => run(e, ctx).map((h) => `${h.rule} ${h.severity} ${h.owasp}`).sort();

test('rules have unique ids and OWASP 2023 categories', () => {
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
  for (const r of RULES) assert.match(r.owasp, /^API([1-9]|10):2023$/, r.id);
});

test('pii-in-url and secret-in-url', () => {
  assert.deepEqual(ids(ex({ path: '/users/jane%40example.com', query: [['access_token', 'q8Zt2LmX9vRk4PbW7nYc1Hs6'], ['page', '2']] })), ['pii-in-url medium API8:2023', 'secret-in-url high API2:2023']);
  assert.deepEqual(ids(ex({ path: '/users/12345', query: [['page', '2']] })), []);
  const [h] = run(ex({ query: [['email', 'jane.doe@example.com']] }));
  assert.equal(h!.evidence, 'email in query email (j***@e***.com)');
});

test('cleartext-sensitive outside trusted networks only', () => {
  const e = ex({ scheme: 'http', reqHeaders: [['authorization', 'Basic dXNlcjpwYXNzd29yZA==']], client: '10.1.2.3', server: '10.9.9.9' });
  assert.deepEqual(ids(e), ['cleartext-sensitive high API8:2023']);
  assert.deepEqual(ids(e, { trustedNetworks: ['10.0.0.0/8'] }), []);
  assert.deepEqual(ids({ ...e, scheme: 'https' }), []);
  // One hit per kind of data, naming the types.
  const pii = ex({ scheme: 'http', query: [['email', 'jane.doe@example.com']], reqHeaders: [['authorization', 'Basic dXNlcjpwYXNzd29yZA==']] });
  assert.deepEqual(run(pii).filter((h) => h.rule === 'cleartext-sensitive').map((h) => `${h.severity} ${h.evidence}`).sort(), [
    'high plain HTTP carries credentials: basic-auth',
    'medium plain HTTP carries personal data: email',
  ]);
});

test('long-lived-session-cookie: lifetime and missing attributes', () => {
  const good = ex({ resHeaders: [['set-cookie', 'sid=q8Zt2LmX9vRk4PbW7nYc1Hs6; Path=/; Secure; HttpOnly; SameSite=Lax']] });
  assert.deepEqual(ids(good), []);
  const long = ex({ resHeaders: [['set-cookie', 'sid=q8Zt2LmX9vRk4PbW7nYc1Hs6; Max-Age=2592000; Secure; HttpOnly; SameSite=Strict']] });
  assert.deepEqual(run(long).map((h) => h.evidence), ['cookie sid lives 30 d (max 8 h)']);
  assert.deepEqual(ids(long, { maxSessionCookieSeconds: 60 * 86400 }), []);
  const bare = ex({ resHeaders: [['set-cookie', `session=Zk3mP9qLx2Rv7TnB4wYc8HsD; Expires=${new Date(T0 + 3600_000).toUTCString()}`]] });
  assert.deepEqual(run(bare).map((h) => h.evidence), ['cookie session set without Secure, HttpOnly, SameSite']);
  const logout = ex({ resHeaders: [['set-cookie', 'sid=; Max-Age=0']] });
  assert.deepEqual(ids(logout), []);
  const theme = ex({ resHeaders: [['set-cookie', 'theme=dark; Max-Age=31536000']] });
  assert.deepEqual(ids(theme), []);
});

test('secret-in-response: keys and passwords, not the tokens a login issues', () => {
  const leak = ex({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ user: { id: 1, password: 'hunter22' }, integration: { stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' } }) });
  assert.deepEqual(ids(leak), ['secret-in-response critical API3:2023', 'secret-in-response high API3:2023']);
  const login = ex({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ access_token: 'q8Zt2LmX9vRk4PbW7nYc1Hs6q8Zt2LmX', token_type: 'Bearer', expires_in: 3600 }) });
  assert.deepEqual(ids(login), []);
});

test('pii-to-third-party needs first-party domains', () => {
  const e = ex({ host: 'collect.tracker.example.net', reqHeaders: [['content-type', 'application/json']], reqBody: JSON.stringify({ email: 'jane@example.com', event: 'signup' }) });
  assert.deepEqual(ids(e), []);
  assert.deepEqual(ids(e, { firstPartyDomains: ['example.com'] }), ['pii-to-third-party medium API3:2023']);
  assert.deepEqual(ids({ ...e, request: { ...e.request, host: 'api.example.com' } }, { firstPartyDomains: ['example.com'] }), []);
});

test('verbose-error: stack traces, SQL errors, debug pages', () => {
  const java = ex({ status: 500, resHeaders: [['content-type', 'text/plain']], resBody: 'java.lang.NullPointerException\n\tat com.shop.OrderService.get(OrderService.java:42)\n\tat com.shop.Api.handle(Api.java:7)' });
  assert.deepEqual(ids(java), ['verbose-error low API8:2023']);
  const sql = ex({ status: 500, resHeaders: [['content-type', 'text/html']], resBody: "<p>You have an error in your SQL syntax; check the manual near ''' at line 1</p>" });
  assert.deepEqual(ids(sql), ['verbose-error medium API8:2023']);
  // A Node trace returned inside a JSON string (the demo API's /reports/daily 500).
  const json = ex({ status: 500, resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ error: 'RangeError', stack: 'RangeError: Invalid time value\n    at buildDailyReport (/srv/shop-api/src/reports/daily.js:42:31)' }) });
  assert.deepEqual(ids(json), ['verbose-error low API8:2023']);
  const fine = ex({ status: 404, resHeaders: [['content-type', 'application/json']], resBody: '{"error":"not found","at":"2026-11-22T12:00:00Z"}' });
  assert.deepEqual(ids(fine), []);
});

test('permissive-cors', () => {
  const star = (body: string, creds = false) => ex({ resHeaders: [['access-control-allow-origin', '*'], ...(creds ? ([['access-control-allow-credentials', 'true']] as Header[]) : []), ['content-type', 'application/json']], resBody: body });
  assert.deepEqual(ids(star('{"status":"ok"}')), [], 'public data under * is fine');
  assert.deepEqual(ids(star('{"email":"jane@example.com"}')), ['permissive-cors medium API8:2023', 'unauthenticated-pii high API2:2023']);
  assert.deepEqual(ids(star('{"status":"ok"}', true)), ['permissive-cors medium API8:2023']);
  const reflect = ex({ reqHeaders: [['origin', 'https://evil.example.org']], resHeaders: [['access-control-allow-origin', 'https://evil.example.org'], ['access-control-allow-credentials', 'true']] });
  assert.deepEqual(ids(reflect, { firstPartyDomains: ['example.com'] }), ['permissive-cors high API8:2023']);
  const own = ex({ reqHeaders: [['origin', 'https://app.example.com']], resHeaders: [['access-control-allow-origin', 'https://app.example.com'], ['access-control-allow-credentials', 'true']] });
  assert.deepEqual(ids(own, { firstPartyDomains: ['example.com'] }), []);
  const nul = ex({ resHeaders: [['access-control-allow-origin', 'null'], ['access-control-allow-credentials', 'true']] });
  assert.deepEqual(ids(nul), ['permissive-cors high API8:2023']);
});

test('weak-jwt: alg none, missing or far exp, PII in claims', () => {
  const now = Math.floor(T0 / 1000);
  const tok = (h: object, p: object, sig = 'c2lnbmF0dXJlYnl0ZXM') => `${b64u(h)}.${b64u(p)}.${sig}`;
  const good = ex({ reqHeaders: [['authorization', `Bearer ${tok({ alg: 'RS256' }, { sub: '42', iat: now, exp: now + 900 })}`]] });
  assert.deepEqual(run(good).filter((h) => h.rule === 'weak-jwt'), []);
  const none = ex({ reqHeaders: [['authorization', `Bearer ${tok({ alg: 'none' }, { sub: '42', iat: now, exp: now + 900 }, '')}`]] });
  assert.deepEqual(ids(none), ['weak-jwt critical API2:2023']);
  const forever = ex({ reqHeaders: [['authorization', `Bearer ${tok({ alg: 'HS256' }, { sub: '42', email: 'jane@example.com' })}`]] });
  assert.deepEqual(run(forever).map((h) => h.evidence), ['request header authorization: JWT without "exp" (never expires)', 'request header authorization: JWT claims carry personal data (email); JWT payloads are only encoded']);
  const year = ex({ resHeaders: [['content-type', 'application/json']], resBody: JSON.stringify({ data: { id_token: tok({ alg: 'HS256' }, { sub: '1', iat: now, exp: now + 365 * 86400 }) } }) });
  assert.deepEqual(run(year).filter((h) => h.rule === 'weak-jwt').map((h) => h.evidence), ['response.body $.data.id_token: JWT lifetime 8760 h (max 24 h)']);
});

test('evidence never carries the raw value', () => {
  const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
  const e = ex({ scheme: 'http', query: [['key', secret], ['email', 'jane.doe@example.com']], resHeaders: [['content-type', 'application/json'], ['access-control-allow-origin', '*']], resBody: JSON.stringify({ password: 'hunter22', ssn: '536-22-1234' }) });
  const all = JSON.stringify(run(e));
  for (const raw of [secret, 'jane.doe@example.com', 'hunter22', '536-22-1234']) assert.ok(!all.includes(raw), raw);
  assert.ok(run(e).length >= 4);
});

test('unauthenticated-pii: personal data to a request with no credential; a guest-link token is no credential', () => {
  const body = JSON.stringify({ customer: { name: 'Jane Doe', email: 'jane.doe@example.com', phone: '+44 20 7946 0958' } });
  const guest = ex({ path: '/guest/orders/88', query: [['token', '9f2c1e7a4b8d3f6e0a5c2b9d7e1f4a3c']], resHeaders: [['content-type', 'application/json']], resBody: body });
  assert.ok(ids(guest).includes('unauthenticated-pii high API2:2023'));
  const [h] = run(guest).filter((x) => x.rule === 'unauthenticated-pii');
  assert.equal(h!.evidence, 'returns personal data to requests without credentials: email, person-name, phone');
  const bearer = ex({ reqHeaders: [['authorization', 'Bearer q8Zt2LmX9vRk4PbW7nYc1Hs6']], resHeaders: [['content-type', 'application/json']], resBody: body });
  assert.ok(!ids(bearer).includes('unauthenticated-pii high API2:2023'));
  const session = ex({ reqHeaders: [['cookie', 'sid=q8Zt2LmX9vRk4PbW7nYc1Hs6']], resHeaders: [['content-type', 'application/json']], resBody: body });
  assert.ok(!ids(session).includes('unauthenticated-pii high API2:2023'));
  const notFound = ex({ status: 404, resHeaders: [['content-type', 'application/json']], resBody: body });
  assert.ok(!ids(notFound).includes('unauthenticated-pii high API2:2023'));
});

test('unbounded-page-size: a large page size accepted', () => {
  assert.deepEqual(ids(ex({ query: [['limit', '500']] })), ['unbounded-page-size medium API4:2023']);
  assert.deepEqual(ids(ex({ query: [['per_page', '100']] })), []);
  assert.deepEqual(ids(ex({ query: [['limit', '500']], status: 400 })), [], 'refused: the server bounds it');
  assert.deepEqual(ids(ex({ query: [['pageSize', '1000']] }), { maxPageSize: 2000 }), []);
  assert.deepEqual(ids(ex({ query: [['id', '50000']] })), []);
});

test('ambiguous-request-framing: what the capture saw, high for the smuggling shapes, nothing for a clean request', () => {
  const framed = (framing: FramingAnomaly) => ex({ framing });
  assert.deepEqual(ids(framed('content-length-and-transfer-encoding')), ['ambiguous-request-framing high API8:2023']);
  assert.deepEqual(ids(framed('conflicting-content-length')), ['ambiguous-request-framing high API8:2023']);
  assert.deepEqual(ids(framed('transfer-encoding-not-chunked')), ['ambiguous-request-framing high API8:2023']);
  assert.deepEqual(ids(framed('obfuscated-framing-header')), ['ambiguous-request-framing high API8:2023']);
  assert.deepEqual(ids(framed('invalid-content-length')), ['ambiguous-request-framing medium API8:2023']);
  assert.deepEqual(ids(framed('transfer-encoding-in-http-1.0')), ['ambiguous-request-framing medium API8:2023']);
  assert.match(run(framed('content-length-and-transfer-encoding'))[0]!.evidence, /^Content-Length and Transfer-Encoding: chunked in one request/);
  assert.deepEqual(ids(ex({})), []);
  assert.ok(EVERY_EXCHANGE_RULES.some((r) => r.id === 'ambiguous-request-framing'), 'runs on every exchange: sampling must not hide one smuggled request');
});

test('ambiguous-host: several Host headers, or a target naming another host; medium; nothing for a clean request', () => {
  const named = (hostAnomaly: HostAnomaly) => ex({ hostAnomaly });
  assert.deepEqual(ids(named('several-host-headers')), ['ambiguous-host medium API8:2023']);
  assert.deepEqual(ids(named('host-differs-from-target')), ['ambiguous-host medium API8:2023']);
  assert.match(run(named('several-host-headers'))[0]!.evidence, /^two or more Host headers/);
  assert.ok(EVERY_EXCHANGE_RULES.some((r) => r.id === 'ambiguous-host'));
});

test('credential-stuffing: a burst of failed logins across user names, once per window', () => {
  const det = new CredentialStuffingDetector({ windowMs: 600_000, minFailures: 5, minUsers: 3 });
  const login = (i: number, user: string, status = 401): Exchange => {
    const e = ex({ reqHeaders: [['content-type', 'application/json']], reqBody: JSON.stringify({ email: `${user}@example.com`, password: `Winter2026!${i}` }), status });
    (e.request as { method: string }).method = 'POST';
    return { ...e, startedAt: T0 + i * 1000 };
  };
  const fired: number[] = [];
  for (let i = 0; i < 12; i++) {
    const e = login(i, `user${i % 4}`);
    if (det.observe(e, scan(e)).length) fired.push(i);
  }
  assert.deepEqual(fired, [4], 'fires when 5 failures over 3+ names are seen, then stays quiet within the window');
  const one = new CredentialStuffingDetector({ windowMs: 600_000, minFailures: 5, minUsers: 3 });
  let hits = 0;
  for (let i = 0; i < 12; i++) {
    const e = login(i, 'same.user');
    hits += one.observe(e, scan(e)).length;
  }
  assert.equal(hits, 0, 'one user mistyping a password is not stuffing');
  const ok = new CredentialStuffingDetector({ windowMs: 600_000, minFailures: 5, minUsers: 3 });
  for (let i = 0; i < 12; i++) {
    const e = login(i, `user${i}`, 200);
    hits += ok.observe(e, scan(e)).length;
  }
  assert.equal(hits, 0, 'successful logins are not failures');
});
