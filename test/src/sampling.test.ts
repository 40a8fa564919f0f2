import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { EndpointObservation, EndpointRecord, Exchange, Finding } from '@overhear/model';
import { AnalysisSampler, Analyzer, createDetector } from '@overhear/pipeline';
import { repoRoot, runCli, tempDir } from '@overhear/testkit';

/**
 * Sampling (AnalysisSampler): every exchange is counted, only some are
 * analysed in full. These tests pin what must survive sampling: hits, status
 * codes, auth and callers exactly; rare shapes (a new status, a new query
 * parameter) analysed although deep into a busy endpoint; and the same
 * inventory as analysing everything.
 */

const te = new TextEncoder();
const body = (s: string) => ({ bytes: te.encode(s), length: Buffer.byteLength(s), truncated: false });

function order(i: number, opts: { status?: number; text?: string; query?: Array<[string, string]> } = {}): Exchange {
  const status = opts.status ?? 200;
  const json = JSON.stringify({ id: i, status: ['open', 'paid'][i % 2], customer: { email: `buyer${i % 7}@example.com` }, total: i * 1.5 });
  return {
    source: 'har',
    startedAt: Date.UTC(2026, 10, 22, 10) + i * 1000,
    scheme: 'https',
    client: { ip: `10.0.0.${1 + (i % 5)}`, port: 40000 + i },
    server: { ip: '10.1.0.1', port: 443 },
    request: {
      method: 'GET',
      host: 'shop.example',
      path: `/api/orders/${100000 + i}`,
      query: opts.query ?? [['limit', '20']],
      httpVersion: 'HTTP/1.1',
      headers: [
        ['host', 'shop.example'],
        ['authorization', `Bearer token-of-user-${i % 10}-abcdefghijklmnop`],
        ['user-agent', 'okhttp/4.12'],
      ],
    },
    response: {
      status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: [['content-type', opts.text ? 'text/plain' : 'application/json']],
      body: body(opts.text ?? json),
    },
  };
}

const TRACE = 'Traceback (most recent call last):\n  File "/srv/app/orders.py", line 42, in show\nKeyError: \'total\'\n';

function traffic(): Exchange[] {
  const out: Exchange[] = [];
  for (let i = 0; i < 3000; i++) {
    if (i === 2000) out.push(order(i, { status: 500, text: TRACE }));
    else if (i === 2500) out.push(order(i, { query: [['limit', '20'], ['debug', 'true']] }));
    else out.push(order(i));
  }
  return out;
}

const key = randomBytes(32);

function analyse(sampling: AnalysisSampler | undefined): EndpointObservation {
  const detector = createDetector({ key });
  const a = new Analyzer({ detector, ...(sampling ? { sampling } : {}) });
  for (const ex of traffic()) a.add(ex);
  const batch = a.drain();
  assert.equal(batch.endpoints.length, 1, batch.endpoints.map((e) => e.path).join(', '));
  return batch.endpoints[0]!;
}

test('sampling counts every exchange, analyses rare shapes deep into an endpoint, and keeps what full analysis finds', () => {
  const sampler = new AnalysisSampler();
  const sampled = analyse(sampler);
  const full = analyse(undefined);

  assert.equal(sampled.path, '/api/orders/{orderId}');
  assert.equal(sampled.hits, 3000);
  assert.equal(full.analysed, 3000);
  // Warm-up (128), one in 256 after it, and the first few of each new signature: far fewer than all.
  assert.ok(sampled.analysed >= 128 && sampled.analysed < 300, `analysed ${sampled.analysed}`);
  assert.equal(sampler.counted, 3000 - sampled.analysed);

  // Counted exactly, whatever was sampled.
  assert.deepEqual(sampled.statusCodes, full.statusCodes);
  assert.deepEqual(sampled.auth, full.auth);
  assert.deepEqual(sampled.hourly, full.hourly);
  const callers = (e: EndpointObservation) => e.consumers.map((c) => `${c.kind} ${c.id} ${c.count}`).sort();
  assert.deepEqual(callers(sampled), callers(full));
  assert.equal(sampled.consumers.filter((c) => c.kind === 'credential').length, 10);

  // The one 500 with a stack trace and the one request with ?debug, both past the warm-up, are analysed.
  assert.ok(sampled.findings.some((f) => f.rule === 'verbose-error'), sampled.findings.map((f) => f.rule).join(', '));
  assert.ok(sampled.parameters.some((p) => p.location === 'query' && p.name === 'debug'));
  assert.ok(sampled.bodies.some((b) => b.status === 500 && b.mediaType === 'text/plain'));

  // The same inventory as analysing everything: parameters, bodies, sensitive data, finding rules.
  const names = (e: EndpointObservation) => e.parameters.map((p) => `${p.location} ${p.name} ${JSON.stringify(p.schema)}`).sort();
  assert.deepEqual(names(sampled), names(full));
  // Enum evidence (x-values) counts values in analysed bodies: the values must agree, not their counts.
  const values = (k: string, v: unknown) => (k === 'x-values' && v && typeof v === 'object' ? Object.keys(v).sort() : v);
  const bodies = (e: EndpointObservation) => e.bodies.map((b) => `${b.direction} ${b.status} ${b.mediaType} ${JSON.stringify(b.schema, values)}`).sort();
  assert.deepEqual(bodies(sampled), bodies(full));
  const sensitive = (e: EndpointObservation) => [...new Set(e.sensitive.map((s) => `${s.location} ${s.name} ${s.type}`))].sort();
  assert.deepEqual(sensitive(sampled), sensitive(full));
  assert.deepEqual([...new Set(sampled.findings.map((f) => f.rule))].sort(), [...new Set(full.findings.map((f) => f.rule))].sort());
  // Parameter counts are out of the analysed exchanges: `limit`, in every request, is in every analysed one.
  assert.equal(sampled.parameters.find((p) => p.name === 'limit')?.count, sampled.analysed);
});

test('a client walking ids after the warm-up is seen: ids are noted from every request, not only the sampled ones', () => {
  const a = new Analyzer({ detector: createDetector({ key }), sampling: new AnalysisSampler() });
  let seed = 7;
  const rand = () => (seed = (seed * 48271) % 2147483647);
  for (let i = 0; i < 3000; i++) {
    const ex = order(i);
    // Requests 2000–2039 ask for 70000, 70001, … 70039 in order; the rest for scattered ids.
    const id = i >= 2000 && i < 2040 ? 70000 + (i - 2000) : 1_000_000 + (rand() % 1_000_000) * 3;
    a.add({ ...ex, request: { ...ex.request, path: `/api/orders/${id}` } });
  }
  const ep = a.drain().endpoints[0]!;
  assert.ok(ep.analysed < 300);
  const p = ep.parameters.find((x) => x.location === 'path');
  assert.equal(p?.longestRun, 40);
});

test('a huge page size asked once after the warm-up is found: the rule runs on every exchange, and only once on an analysed one', () => {
  const run = (sampling: AnalysisSampler | undefined) => {
    const a = new Analyzer({ detector: createDetector({ key }), ...(sampling ? { sampling } : {}) });
    for (let i = 0; i < 3000; i++) {
      // same query names throughout: the signature does not change, only the value
      const limit = i === 2222 ? '100000' : i < 3 ? '500' : '20';
      a.add(order(i, { query: [['limit', limit]] }));
    }
    return a.drain().endpoints[0]!;
  };
  const sampled = run(new AnalysisSampler());
  const full = run(undefined);
  assert.ok(sampled.analysed < 300);
  const paging = (e: EndpointObservation) => e.findings.filter((f) => f.rule === 'unbounded-page-size').map((f) => `${f.evidence} ${f.count}`);
  assert.deepEqual(paging(sampled), paging(full));
  // 500 three times in the warm-up (analysed in full, counted once each) and 100000 once, deep in the sampled stretch
  assert.equal(paging(full).length, 1);
  assert.match(paging(full)[0]!, /limit=(100000|500).* 4$/);
  assert.match(paging(full)[0]!, /limit=100000/);
});

test('"sampling": false in the live pipeline: everything analysed, except under overload', () => {
  const s = new AnalysisSampler({ all: true });
  const ex = order(1);
  for (let i = 0; i < 1000; i++) assert.equal(s.full('k', ex), true);
  s.shed(3);
  s.newInterval();
  assert.deepEqual([1, 2, 3, 4, 5].map(() => s.full('k', ex)), [true, true, true, false, false]);
  s.shed(undefined);
  assert.equal(s.full('k', ex), true);
  assert.equal(s.counted, 2);
});

test('sampling is deterministic: the same input gives the same analysis', () => {
  const a = analyse(new AnalysisSampler());
  const b = analyse(new AnalysisSampler());
  assert.equal(a.analysed, b.analysed);
  assert.deepEqual(a.parameters, b.parameters);
  assert.deepEqual(a.bodies, b.bodies);
});

test('a capture ingested with sampling gives the inventory, findings and OpenAPI export of one analysed in full', () => {
  const { dir, cleanup } = tempDir();
  try {
    const pcap = join(dir, 'api.pcap');
    const g = spawnSync(process.execPath, [join(repoRoot, 'bench', 'pcap', 'generate.mjs'), pcap, '6'], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const dbs = { sampled: join(dir, 's.db'), full: join(dir, 'f.db') };
    const r1 = runCli(['ingest', '--db', dbs.sampled, pcap]);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /analysed in full, the rest counted/);
    const r2 = runCli(['ingest', '--db', dbs.full, '--analyse-all', pcap]);
    assert.equal(r2.status, 0, r2.stderr);
    assert.doesNotMatch(r2.stdout, /analysed in full/);

    const eps = (db: string) => JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as EndpointRecord[];
    const s = eps(dbs.sampled);
    const f = eps(dbs.full);
    assert.ok(s.length >= 4);
    const total = (l: EndpointRecord[], k: 'hits' | 'analysed') => l.reduce((a, e) => a + e[k], 0);
    assert.equal(total(s, 'hits'), total(f, 'hits'));
    assert.equal(total(f, 'analysed'), total(f, 'hits'));
    assert.ok(total(s, 'analysed') < total(s, 'hits') / 4, `${total(s, 'analysed')} of ${total(s, 'hits')} analysed`);
    // Everything but the analysed counts (and the sensitive counts out of them) is the same.
    const strip = (l: EndpointRecord[]) => l.map(({ analysed: _a, sensitive, ...e }) => ({ ...e, sensitive: sensitive.map(({ count: _c, ...x }) => x) }));
    assert.deepEqual(strip(s), strip(f));

    const rules = (db: string) => [...new Set((JSON.parse(runCli(['findings', '--json', '--db', db]).stdout) as Finding[]).map((x) => `${x.rule} ${x.method} ${x.path}`))].sort();
    assert.deepEqual(rules(dbs.sampled), rules(dbs.full));

    const spec = (db: string) => runCli(['export', 'openapi', '--db', db]).stdout;
    assert.equal(spec(dbs.sampled), spec(dbs.full));
  } finally {
    cleanup();
  }
});
