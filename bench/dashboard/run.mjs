#!/usr/bin/env node
// Dashboard benchmark: a catalog of 20,000 endpoints (written through the
// catalog's own batch API, as ingest does), the real server, and Debian's
// chromium driven by Playwright. Prints:
//  - API: time for one page of endpoints (100 rows), per sort and filter, median and p95 over N calls;
//  - page: time from navigation start until the inventory shows its rows and answers (a sort click
//    and a jump to the middle of the list), median over several fresh loads.
// Usage: npm run build && node bench/dashboard/run.mjs [--endpoints 20000] [--runs 5] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCatalog } from '@overhear/pipeline';
import { startServer } from '@overhear/server';
import { chromium } from '@playwright/test';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('endpoints', 20000);
const RUNS = arg('runs', 5);
const CALLS = arg('calls', 60);
const keep = process.argv.includes('--keep');

const dir = mkdtempSync(join(tmpdir(), 'overhear-bench-dashboard-'));
const db = join(dir, 'bench.db');

// ---- 1. the catalog -------------------------------------------------------
const t0 = performance.now();
const cat = openCatalog(db);
const HOUR = 3600_000;
const start = Date.parse('2026-11-01T00:00:00Z');
const types = ['email', 'phone', 'person-name', 'postal-address', 'credit-card', 'jwt', 'ip-address'];
const rules = [
  ['pii-in-url', 'medium', 'API8:2023'],
  ['secret-in-url', 'high', 'API2:2023'],
  ['cleartext-sensitive', 'high', 'API8:2023'],
  ['verbose-error', 'low', 'API8:2023'],
];
const resources = ['orders', 'users', 'products', 'carts', 'invoices', 'shipments', 'payments', 'reviews', 'stores', 'coupons'];
const endpoints = [];
for (let i = 0; i < N; i++) {
  const host = `svc${String(i % 50).padStart(2, '0')}.corp.example`;
  const r = resources[i % resources.length];
  const path = `/api/v${1 + (i % 3)}/${r}${Math.floor(i / 30)}/{${r}Id}/${['items', 'history', 'notes'][i % 3]}`;
  const hits = 1 + ((i * 7919) % 5000);
  const first = start + (i % 500) * HOUR;
  const hourly = {};
  for (let h = 0; h < 4; h++) hourly[String(first + h * HOUR)] = Math.max(1, Math.floor(hits / 4));
  const ep = {
    host,
    method: ['GET', 'POST', 'PUT', 'DELETE'][i % 4],
    path,
    hits,
    firstSeen: first,
    lastSeen: first + 4 * HOUR,
    scheme: { http: i % 10 === 0 ? hits : 0, https: i % 10 === 0 ? 0 : hits },
    statusCodes: { 200: hits - Math.floor(hits / 10), 404: Math.floor(hits / 10) },
    auth: i % 5 === 0 ? { none: hits } : { 'bearer': hits },
    parameters: [{ location: 'path', name: `${r}Id`, schema: { type: 'integer' }, count: hits }],
    bodies: [{ direction: 'response', status: 200, mediaType: 'application/json', schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } }, count: hits }],
    hourly,
    sensitive: i % 4 === 0 ? [{ type: types[i % types.length], location: 'response.body', name: '$.data.value', preview: 'x***', hash: `h${i}`, count: hits, firstSeen: first, lastSeen: first }] : [],
    findings:
      i % 6 === 0
        ? [{ rule: rules[i % rules.length][0], key: `k${i}`, severity: rules[i % rules.length][1], owasp: rules[i % rules.length][2], evidence: 'redacted example', count: 3, firstSeen: first, lastSeen: first }]
        : [],
    consumers: [{ kind: 'user-agent', id: ['chrome', 'firefox', 'curl', 'python', 'go'][i % 5], count: hits, firstSeen: first, lastSeen: first }],
    servers: [],
    deprecationSignals: 0,
  };
  endpoints.push(ep);
}
cat.apply({ endpoints, tlsHosts: {} });
cat.db.prepare(`UPDATE endpoints SET state = CASE id % 5 WHEN 0 THEN 'shadow' WHEN 1 THEN 'documented' WHEN 2 THEN 'deprecated' ELSE 'undocumented' END, risk = (id * 37) % 100 / 10.0`).run();
const count = cat.db.prepare('SELECT count(*) AS n FROM endpoints').get().n;
cat.close();
const buildMs = performance.now() - t0;

// ---- 2. the API -----------------------------------------------------------
const server = await startServer({ db, port: 0 });
const base = server.url.replace(/\/$/, '');
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs) => pct(xs, 50);
const queries = [
  ['sort=path (default)', '/api/endpoints?limit=100'],
  ['sort=hits', '/api/endpoints?limit=100&sort=hits'],
  ['sort=risk', '/api/endpoints?limit=100&sort=risk'],
  ['sort=lastSeen, offset 10000', '/api/endpoints?limit=100&sort=lastSeen&offset=10000'],
  ['state=shadow&sort=hits', '/api/endpoints?limit=100&state=shadow&sort=hits'],
  ['q=orders1 (search)', '/api/endpoints?limit=100&q=orders1'],
  ['sensitive=email', '/api/endpoints?limit=100&sensitive=email'],
  ['auth=none&method=GET', '/api/endpoints?limit=100&auth=none&method=GET'],
];
const api = [];
for (const [label, path] of queries) {
  for (let i = 0; i < 5; i++) await (await fetch(base + path)).arrayBuffer(); // warm-up
  const times = [];
  let total = 0;
  for (let i = 0; i < CALLS; i++) {
    const a = performance.now();
    const r = await fetch(base + path);
    const body = await r.json();
    times.push(performance.now() - a);
    total = body.total;
  }
  api.push({ label, median: median(times), p95: pct(times, 95), total });
}
const other = [];
for (const path of ['/api/overview', '/api/facets', '/api/findings?limit=100', '/api/sensitive', '/api/service-map']) {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const a = performance.now();
    await (await fetch(base + path)).arrayBuffer();
    times.push(performance.now() - a);
  }
  other.push({ path, median: median(times) });
}

// ---- 3. the page ----------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.OVERHEAR_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/#/inventory`);
    // Rows shown and the total known: measured in the page, from navigation start.
    await p.waitForFunction(() => document.querySelectorAll('a.row').length > 10 && /20,000|endpoints/.test(document.querySelector('.count')?.textContent ?? ''));
    const shown = await p.evaluate(() => performance.now());
    // Interactive: a sort click is answered (first row re-sorted by hits).
    const sortMs = await p.evaluate(async () => {
      const a = performance.now();
      const btn = document.querySelector('button[data-sort="hits"]');
      btn.click();
      await new Promise((resolve) => {
        const check = () => (location.hash.includes('sort=hits') && document.querySelector('a.row .c-num')?.textContent === '5,000' ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - a;
    });
    // Jump to the middle of the 20,000 rows: the rows there are fetched and drawn.
    const jumpMs = await p.evaluate(async () => {
      const a = performance.now();
      const sc = document.querySelector('.scroller');
      sc.scrollTop = 10000 * 34;
      await new Promise((resolve) => {
        const check = () => (document.querySelector('a.row[data-index="10005"]') ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - a;
    });
    const total = await p.locator('.count').textContent();
    page.push({ shown, sortMs, jumpMs, total, interactive: shown + sortMs });
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const f = (ms) => `${ms.toFixed(1)} ms`;
console.log(`overhear dashboard bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
console.log(`catalog: ${count} endpoints on 50 hosts, built through Catalog.apply in ${f(buildMs)}`);
console.log('');
console.log(`API, one page of 100 endpoints (${CALLS} calls each, HTTP over loopback, JSON parsed):`);
for (const a of api) console.log(`  ${a.label.padEnd(32)} median ${f(a.median).padStart(9)}   p95 ${f(a.p95).padStart(9)}   (total ${a.total})`);
console.log('other routes (median of 10):');
for (const o of other) console.log(`  ${o.path.padEnd(32)} median ${f(o.median).padStart(9)}`);
console.log('');
console.log(`inventory page in chromium (${RUNS} fresh loads; times from navigation start):`);
for (const [i, r] of page.entries()) console.log(`  load ${i + 1}: rows shown at ${f(r.shown)}, sort click answered in ${f(r.sortMs)}, jump to row 10,000 in ${f(r.jumpMs)} (${r.total})`);
console.log(`  median: rows shown ${f(median(page.map((r) => r.shown)))}; shown + a sort answered ${f(median(page.map((r) => r.interactive)))}; jump ${f(median(page.map((r) => r.jumpMs)))}`);
const apiOk = api.every((a) => a.median < 50);
const pageOk = median(page.map((r) => r.interactive)) < 1000;
console.log('');
console.log(`budgets: API page < 50 ms: ${apiOk ? 'met' : 'MISSED'}; inventory interactive < 1 s: ${pageOk ? 'met' : 'MISSED'}`);
if (!keep) rmSync(dir, { recursive: true, force: true });
else console.log(`catalog kept at ${db}`);
