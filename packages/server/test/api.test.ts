import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { capture, cliBin, repoRoot, tempDir } from '@overhear/testkit';
import { openCatalog } from '@overhear/pipeline';
import { apiDescription, looksLikeOpenApi, safeResolve, startServer, type RunningServer } from '../src/index.js';

/** Real HTTP against a real server on a real SQLite catalog made by the real CLI. */

let dir: string;
let cleanup: () => void;
let db: string;
let srv: RunningServer;
let base: string;

function cli(...args: string[]): void {
  const r = spawnSync(process.execPath, [cliBin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  ({ dir, cleanup } = tempDir('overhear-server-'));
  db = join(dir, 'demo.db');
  cli('ingest', '-q', '--db', db, capture('demo.har'));
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the web folder');
  srv = await startServer({ db, port: 0, webDir: web, maxUploadBytes: 5 * 1024 * 1024, pollMs: 100 });
  base = srv.url.replace(/\/$/, '');
});

after(async () => {
  await srv?.close();
  cleanup();
});

async function getJson<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await fetch(base + path, init);
  return { status: r.status, body: (await r.json()) as T, headers: r.headers };
}

/** A raw request (fetch would normalise "..", and cannot set Host). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: srv.port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Page<T> {
  total: number;
  items: T[];
}
interface Ep {
  id: number;
  host: string;
  method: string;
  path: string;
  hits: number;
  state: string;
  auth: string[];
  sensitiveTypes: string[];
  findings: number;
}

const upload = (body: string | Buffer, name: string, headers: Record<string, string> = { 'X-Overhear-Request': '1' }) => fetch(`${base}/api/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', body, headers });

test('endpoints: paging, totals, sorting and filters are done by the server', async () => {
  const all = await getJson<Page<Ep>>('/api/endpoints?limit=5');
  assert.equal(all.status, 200);
  assert.equal(all.body.total, 19);
  assert.equal(all.body.items.length, 5);
  const page2 = await getJson<Page<Ep>>('/api/endpoints?limit=5&offset=5');
  assert.notDeepEqual(page2.body.items.map((e) => e.id), all.body.items.map((e) => e.id));

  const byHits = await getJson<Page<Ep>>('/api/endpoints?sort=hits&limit=100');
  const hits = byHits.body.items.map((e) => e.hits);
  assert.deepEqual(hits, [...hits].sort((a, b) => b - a));
  const asc = await getJson<Page<Ep>>('/api/endpoints?sort=hits&order=asc&limit=100');
  assert.deepEqual(asc.body.items.map((e) => e.hits), [...hits].reverse());

  const courier = await getJson<Page<Ep>>('/api/endpoints?host=track.courier.example');
  assert.equal(courier.body.total, 3);
  assert.ok(courier.body.items.every((e) => e.host === 'track.courier.example'));
  const posts = await getJson<Page<Ep>>('/api/endpoints?method=post');
  assert.ok(posts.body.total > 0 && posts.body.items.every((e) => e.method === 'POST'));
  const bearer = await getJson<Page<Ep>>('/api/endpoints?auth=bearer');
  assert.ok(bearer.body.total > 0 && bearer.body.items.every((e) => e.auth.includes('bearer')));
  const search = await getJson<Page<Ep>>('/api/endpoints?q=guest');
  assert.deepEqual(search.body.items.map((e) => e.path), ['/api/v2/guest/orders/{orderId}']);
  // LIKE wildcards in the search are literal.
  assert.equal((await getJson<Page<Ep>>('/api/endpoints?q=%25')).body.total, 0);
  const sens = await getJson<Page<Ep>>('/api/endpoints?sensitive=email');
  assert.ok(sens.body.items.every((e) => e.sensitiveTypes.includes('email')));
});

test('endpoints: state filter (states set in SQLite directly: spec states are another issue)', async () => {
  const cat = openCatalog(db);
  try {
    cat.db.prepare(`UPDATE endpoints SET state = 'shadow' WHERE path IN ('/api/v2/health', '/internal/debug')`).run();
  } finally {
    cat.close();
  }
  const shadow = await getJson<Page<Ep>>('/api/endpoints?state=shadow');
  assert.deepEqual(shadow.body.items.map((e) => e.path).sort(), ['/api/v2/health', '/internal/debug']);
  const o = await getJson<{ states: Record<string, number> }>('/api/overview');
  assert.equal(o.body.states.shadow, 2);
});

test('bad query values are 400 with a message naming the parameter; unknown routes 404; wrong method 405', async () => {
  const r = await getJson<{ error: string }>('/api/endpoints?sort=evil');
  assert.equal(r.status, 400);
  assert.match(r.body.error, /"sort" must be one of/);
  assert.equal((await getJson<{ error: string }>('/api/endpoints?limit=0')).status, 400);
  assert.equal((await getJson<{ error: string }>('/api/endpoints?offset=abc')).status, 400);
  assert.equal((await getJson<{ error: string }>('/api/endpoints/999999')).status, 404);
  assert.equal((await getJson<{ error: string }>('/api/nothing')).status, 404);
  const del = await getJson<{ error: string }>('/api/endpoints', { method: 'DELETE' });
  assert.equal(del.status, 405);
});

test('endpoint detail: parameters, schemas, status codes, auth, traffic, findings, sensitive (masked)', async () => {
  const list = await getJson<Page<Ep>>('/api/endpoints?q=/api/v2/guest/orders');
  const id = list.body.items[0]!.id;
  const d = await getJson<{
    path: string;
    parameters: Array<{ location: string; name: string }>;
    bodies: Array<{ direction: string; status: number; schema: unknown }>;
    statusCodes: Record<string, number>;
    authCounts: Record<string, number>;
    traffic: Array<{ hits: number }>;
    findingList: Array<{ id: number; rule: string; endpointId: number }>;
    sensitive: Array<{ type: string; preview: string }>;
    drift: unknown[];
  }>(`/api/endpoints/${id}`);
  assert.equal(d.status, 200);
  assert.equal(d.body.path, '/api/v2/guest/orders/{orderId}');
  assert.ok(d.body.parameters.some((p) => p.location === 'path' && p.name === 'orderId'));
  assert.ok(d.body.bodies.some((b) => b.direction === 'response' && b.status === 200 && b.schema));
  assert.deepEqual(d.body.statusCodes, { '200': 26, '404': 2 });
  assert.equal(d.body.authCounts.none, 28);
  assert.equal(d.body.traffic.reduce((a, t) => a + t.hits, 0), 28);
  assert.ok(Array.isArray(d.body.drift));
  for (const f of d.body.findingList) assert.equal(f.endpointId, id);
  // Whatever the detectors stored, the API never returns a raw email address.
  assert.doesNotMatch(JSON.stringify(d.body), /[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9-]+\.[A-Za-z]{2,}/);
});

test('findings: filters by severity, rule and OWASP; facets; one finding by id', async () => {
  const all = await getJson<Page<{ id: number; rule: string; severity: string; owasp: string; evidence: string }> & { facets: { rule: Record<string, number>; severity: Record<string, number> } }>('/api/findings?limit=1000');
  assert.equal(all.status, 200);
  const total = all.body.total;
  assert.equal(Object.values(all.body.facets.severity).reduce((a, b) => a + b, 0), total);
  if (total === 0) return;
  const sevOrder = ['critical', 'high', 'medium', 'low', 'info'];
  const ranks = all.body.items.map((f) => sevOrder.indexOf(f.severity));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'most severe first');
  const first = all.body.items[0]!;
  const bySev = await getJson<Page<{ severity: string }>>(`/api/findings?severity=${first.severity}`);
  assert.ok(bySev.body.items.every((f) => f.severity === first.severity));
  const byRule = await getJson<Page<{ rule: string }>>(`/api/findings?rule=${encodeURIComponent(first.rule)}`);
  assert.equal(byRule.body.total, all.body.facets.rule[first.rule]);
  const byOwasp = await getJson<Page<{ owasp: string }>>(`/api/findings?owasp=${encodeURIComponent(first.owasp)}`);
  assert.ok(byOwasp.body.items.every((f) => f.owasp === first.owasp));
  const one = await getJson<{ id: number; rule: string }>(`/api/findings/${first.id}`);
  assert.deepEqual([one.body.id, one.body.rule], [first.id, first.rule]);
  assert.equal((await getJson<unknown>('/api/findings?severity=catastrophic')).status, 400);
});

test('overview, hosts, facets, traffic, sensitive matrix, service map, sensor status, sources', async () => {
  const o = await getJson<{ hosts: number; endpoints: number; hits: number; findingsBySeverity: Record<string, number>; topRisks: unknown[]; traffic: Array<{ hits: number }>; newEndpoints: number }>('/api/overview?since=0');
  assert.equal(o.body.hosts, 2);
  assert.equal(o.body.endpoints, 19);
  assert.equal(o.body.hits, 229);
  assert.equal(o.body.newEndpoints, 19, 'everything is new since the epoch');
  assert.equal(o.body.traffic.reduce((a, t) => a + t.hits, 0), 229);
  assert.deepEqual(Object.keys(o.body.findingsBySeverity), ['critical', 'high', 'medium', 'low', 'info']);
  const hosts = await getJson<Array<{ host: string; endpoints: number }>>('/api/hosts');
  assert.deepEqual(hosts.body.map((h) => [h.host, h.endpoints]).sort(), [['shop.example.com', 16], ['track.courier.example', 3]]);
  const facets = await getJson<{ methods: Record<string, number> }>('/api/facets');
  assert.deepEqual(facets.body.methods, { GET: 16, POST: 3 });
  const tr = await getJson<Array<{ hits: number }>>('/api/traffic?host=track.courier.example');
  assert.equal(tr.body.reduce((a, t) => a + t.hits, 0), 50);
  const m = await getJson<{ types: unknown[]; endpoints: Array<{ id: number }>; cells: Array<{ endpointId: number }>; firstPartyDomains: string[] }>('/api/sensitive');
  assert.deepEqual(m.body.firstPartyDomains, ['example.com']);
  const ids = new Set(m.body.endpoints.map((e) => e.id));
  assert.ok(m.body.cells.every((c) => ids.has(c.endpointId)));
  const g = await getJson<{ nodes: Array<{ id: string; kind: string }>; links: Array<{ source: string; target: string }> }>('/api/service-map');
  const nodeIds = new Set(g.body.nodes.map((n) => n.id));
  assert.ok(g.body.nodes.some((n) => n.kind === 'host'));
  assert.ok(g.body.links.every((l) => nodeIds.has(l.source) && nodeIds.has(l.target)));
  const s0 = await getJson<{ sensors: unknown[] }>('/api/sensor');
  assert.deepEqual(s0.body.sensors, []);
  const cat = openCatalog(db);
  try {
    cat.db.prepare('INSERT INTO sensor_status (name, updated_at, stats) VALUES (?, ?, ?)').run('eth1', Date.now(), JSON.stringify({ packets: 10, drops: 0 }));
  } finally {
    cat.close();
  }
  const s1 = await getJson<{ sensors: Array<{ name: string; stats: { packets: number } }> }>('/api/sensor');
  assert.equal(s1.body.sensors[0]?.name, 'eth1');
  assert.equal(s1.body.sensors[0]?.stats.packets, 10);
  const src = await getJson<Array<{ format: string }>>('/api/sources');
  assert.equal(src.body[0]?.format, 'har');
});

test('OpenAPI export downloads as an attachment; unknown host is 404', async () => {
  const r = await fetch(`${base}/api/export/openapi?host=shop.example.com`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition') ?? '', /attachment; filename="shop\.example\.com\.openapi\.json"/);
  const doc = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/api/v2/guest/orders/{orderId}']);
  assert.equal((await fetch(`${base}/api/export/openapi?host=nobody.example`)).status, 404);
});

test('uploads: HAR ingested with the CLI code; same file again adds nothing; broken, empty and too large files refused with clear errors; specs imported', async () => {
  const second = join(dir, 'second.har');
  const har = JSON.parse(readFileSync(capture('demo.har'), 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } };
  har.log.entries = har.log.entries.slice(0, 3).map((e) => ({ ...e, request: { ...e.request, url: e.request.url.replace(/^http:\/\/[^/]+/, 'http://upload.example.org') } }));
  writeFileSync(second, JSON.stringify(har));
  const ok = await upload(readFileSync(second), 'second.har');
  assert.equal(ok.status, 200);
  const okBody = (await ok.json()) as { kind: string; summary: { file: string; format: string; exchanges: number; endpoints: number; alreadyIngested: boolean } };
  assert.equal(okBody.kind, 'capture');
  assert.deepEqual([okBody.summary.file, okBody.summary.format, okBody.summary.exchanges, okBody.summary.alreadyIngested], ['second.har', 'har', 3, false]);
  const hosts = await getJson<Array<{ host: string }>>('/api/hosts');
  assert.ok(hosts.body.some((h) => h.host === 'upload.example.org'));
  const sources = await getJson<Array<{ name: string }>>('/api/sources');
  assert.ok(sources.body.some((s) => s.name === 'upload:second.har'), 'recorded under the name the user gave');

  const again = (await (await upload(readFileSync(second), 'again.har')).json()) as { summary: { alreadyIngested: boolean } };
  assert.equal(again.summary.alreadyIngested, true);

  const before = (await getJson<Page<Ep>>('/api/endpoints')).body.total;
  const broken = readFileSync(capture('demo.har')).subarray(0, 5000);
  const bad = await upload(broken, 'broken.har');
  assert.equal(bad.status, 422);
  const badBody = (await bad.json()) as { error: string; nothingWritten: boolean };
  assert.match(badBody.error, /^broken\.har: at byte \d+: /, 'names the file as uploaded, not the temporary path');
  assert.equal(badBody.nothingWritten, true);
  assert.equal((await getJson<Page<Ep>>('/api/endpoints')).body.total, before, 'nothing written');

  const notCapture = await upload('hello, world', 'notes.txt');
  assert.equal(notCapture.status, 422);
  assert.match(((await notCapture.json()) as { error: string }).error, /notes\.txt: .*not a HAR, pcap or pcapng/);
  assert.equal((await upload('', 'empty.har')).status, 422);

  const big = await upload(Buffer.alloc(6 * 1024 * 1024, 0x20), 'big.har');
  assert.equal(big.status, 413);
  assert.match(((await big.json()) as { error: string }).error, /too large/);

  // OpenAPI documents are imported as `overhear spec import` does; one naming no host needs host=….
  const noHost = await upload('openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\npaths: {}\n', 'api.yaml');
  assert.equal(noHost.status, 422);
  assert.match(((await noHost.json()) as { error: string }).error, /api\.yaml: the spec names no server host/);
  const specDoc = {
    openapi: '3.1.0',
    info: { title: 'Upload API', version: '1.0' },
    servers: [{ url: 'http://upload.example.org' }],
    paths: { '/never/called': { get: { responses: { '200': { description: 'ok' } } } } },
  };
  const spec = await upload(JSON.stringify(specDoc), 'upload-api.json');
  assert.equal(spec.status, 200);
  const specBody = (await spec.json()) as { kind: string; result: { message: string; hosts: string[] } };
  assert.equal(specBody.kind, 'spec');
  assert.match(specBody.result.message, /imported "Upload API" 1\.0 as spec #\d+: 1 operations for upload\.example\.org/);
  const unused = await getJson<Page<Ep>>('/api/endpoints?host=upload.example.org&state=unused');
  assert.deepEqual(unused.body.items.map((e) => e.path), ['/never/called'], 'states re-evaluated: the declared, never-called operation is unused');
  const brokenSpec = await upload('openapi: 3.0.3\ninfo: [\n', 'bad.yaml');
  assert.ok([422, 501].includes(brokenSpec.status));
});

test('a server without spec import answers spec uploads 501 with a message', async () => {
  const s = await startServer({ db, port: 0, webDir: null, specImport: null });
  try {
    const r = await fetch(`${s.url}api/uploads?name=api.json`, { method: 'POST', body: JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} }), headers: { 'X-Overhear-Request': '1' } });
    assert.equal(r.status, 501);
    assert.match(((await r.json()) as { error: string }).error, /api\.json: looks like an OpenAPI document/);
  } finally {
    await s.close();
  }
});

test('state-changing calls need X-Overhear-Request and refuse other origins (no CORS)', async () => {
  const noHeader = await upload('{}', 'x.har', {});
  assert.equal(noHeader.status, 403);
  const cross = await upload('{}', 'x.har', { 'X-Overhear-Request': '1', Origin: 'http://evil.example' });
  assert.equal(cross.status, 403);
  const pre = await fetch(`${base}/api/uploads`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
});

test('server-sent events: a write by another process is announced', async () => {
  const ac = new AbortController();
  const r = await fetch(`${base}/api/events`, { signal: ac.signal });
  assert.equal(r.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = r.body!.getReader();
  let text = '';
  const until = async (re: RegExp, ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!re.test(text)) {
      if (Date.now() > deadline) return false;
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((res) => setTimeout(() => res(undefined), ms))]);
      if (chunk?.value) text += Buffer.from(chunk.value).toString();
    }
    return true;
  };
  try {
    assert.ok(await until(/event: hello/, 3000), text);
    const third = join(dir, 'third.har');
    const har = JSON.parse(readFileSync(capture('demo.har'), 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } };
    har.log.entries = har.log.entries.slice(0, 2).map((e) => ({ ...e, request: { ...e.request, url: e.request.url.replace(/^http:\/\/[^/]+/, 'http://sse.example.org') } }));
    writeFileSync(third, JSON.stringify(har));
    cli('ingest', '-q', '--db', db, third);
    assert.ok(await until(/event: catalog/, 5000), `no catalog event; got: ${text}`);
  } finally {
    ac.abort();
  }
});

test('security headers on every response, API and static alike', async () => {
  for (const p of ['/', '/api/health', '/api/nothing', '/assets/app.js', '/nope']) {
    const r = await raw(p);
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/, p);
    assert.match(csp, /script-src 'self'/, p);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', p);
    assert.equal(r.headers['x-frame-options'], 'DENY', p);
    assert.equal(r.headers['access-control-allow-origin'], undefined, p);
  }
});

test('static files: the dashboard is served, nothing outside its folder is', async () => {
  const index = await raw('/');
  assert.equal(index.status, 200);
  assert.match(index.body, /<title>t<\/title>/);
  assert.equal((await raw('/assets/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%5c%2e%2e%5csecret.txt', '/..%00/secret.txt', '/.env', '//etc/passwd', '/assets/../../secret.txt']) {
    const r = await raw(p);
    assert.notEqual(r.status, 200, p);
    assert.doesNotMatch(r.body, /outside the web folder/, p);
  }
  assert.equal(safeResolve('/srv/web', '/a/../../etc/passwd'), undefined);
  assert.equal(safeResolve('/srv/web', '/%2e%2e/x'), undefined);
  assert.equal(safeResolve('/srv/web', '/assets/app.js'), '/srv/web/assets/app.js');
  assert.equal((await raw('/', {}, 'POST')).status, 405);
});

test('a loopback server refuses other Host names (DNS rebinding)', async () => {
  const r = await raw('/api/health', { Host: 'evil.example:80' });
  assert.equal(r.status, 421);
  assert.equal((await raw('/api/health', { Host: `localhost:${srv.port}` })).status, 200);
});

test('with a token, the API needs it (bearer or the session cookie); health and the description stay open', async () => {
  const token = 'test-token-0123456789abcdef';
  const s = await startServer({ db, port: 0, token, webDir: null });
  try {
    const u = s.url.replace(/\/$/, '');
    assert.equal((await fetch(`${u}/api/endpoints`)).status, 401);
    assert.equal((await fetch(`${u}/api/endpoints`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    assert.equal((await fetch(`${u}/api/endpoints`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(`${u}/api/health`)).status, 200);
    assert.equal((await fetch(`${u}/api/openapi.json`)).status, 200);
    assert.equal((await fetch(`${u}/api/uploads?name=x.har`, { method: 'POST', body: '{}', headers: { 'X-Overhear-Request': '1' } })).status, 401, 'uploads need the token');
    const login = await fetch(`${u}/api/session`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'X-Overhear-Request': '1' } });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.equal((await fetch(`${u}/api/endpoints`, { headers: { Cookie: cookie.split(';')[0]! } })).status, 200);
  } finally {
    await s.close();
  }
});

test('binding a non-loopback address generates a token when none is given', async () => {
  const s = await startServer({ db, port: 0, bind: '0.0.0.0', webDir: null });
  try {
    assert.ok(s.token && s.token.length >= 24);
    assert.match(s.openUrl, /#token=/);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/api/endpoints`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/api/endpoints`, { headers: { Authorization: `Bearer ${s.token}` } })).status, 200);
  } finally {
    await s.close();
  }
});

test('the API describes itself, and every GET route it lists answers', async () => {
  const doc = (await getJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/api/openapi.json')).body;
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc, JSON.parse(JSON.stringify(apiDescription())));
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (!ops.get || p === '/api/events') continue;
    const path = p.replace('{id}', '1');
    const r = await fetch(base + path);
    assert.ok(r.status === 200 || (p.includes('{id}') && r.status === 404), `${p} → ${r.status}`);
    await r.arrayBuffer();
  }
});

test('OpenAPI documents are told apart from HAR files', () => {
  assert.equal(looksLikeOpenApi('{"openapi": "3.1.0", "info": {}}'), true);
  assert.equal(looksLikeOpenApi('{"info": {"title": "x"}, "swagger": "2.0"}'), true);
  assert.equal(looksLikeOpenApi('openapi: 3.0.0\ninfo:\n'), true);
  assert.equal(looksLikeOpenApi('{"log": {"entries": [{"response": {"content": {"text": "{\\"openapi\\": \\"3.0.0\\"}"}}}]}}'), false);
  assert.equal(looksLikeOpenApi('{"log": {"version": "1.2"}}'), false);
});
