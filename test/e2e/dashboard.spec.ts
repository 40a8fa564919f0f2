/// <reference lib="dom" />
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { capture, repoRoot, tempDir } from '@overhear/testkit';
import { ingest, ingestInBackground, monitor, screenshotDir, seedDemoCatalog, serve, writeHar, writePcap, writeSensor, type Served } from './fixtures.js';

/**
 * The dashboard in a real browser against a real `overhear serve` process
 * and real SQLite catalogs. Each test has its own catalog and server.
 */

let dir: string;
let cleanup: () => void;
let server: Served | undefined;

test.beforeEach(() => {
  ({ dir, cleanup } = tempDir('overhear-e2e-'));
});

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  cleanup();
});

/** Fails the test on any script error, CSP violation or dialog in the page. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  expect(statSync(file).size, `${name}.png under 300 KB`).toBeLessThan(300 * 1024);
}

test('upload the demo HAR and its OpenAPI spec in the page and see its endpoints and states appear; a broken file is refused with a clear error', async ({ page }) => {
  const problems = watch(page);
  const db = join(dir, 'empty.db');
  server = await serve(db);
  await page.goto(`${server.url}#/inventory`);
  await expect(page.locator('.count')).toHaveText('0 endpoints');

  await page.goto(`${server.url}#/upload`);
  await expect(page.locator('label.dropzone')).toBeVisible();
  // A truncated HAR: refused whole, the message names the file, nothing written.
  const broken = join(dir, 'broken.har');
  writeHar(broken, [{ method: 'GET', url: 'http://x.example/a' }]);
  const { readFileSync, writeFileSync } = await import('node:fs');
  writeFileSync(broken, readFileSync(broken, 'utf8').slice(0, 120));
  await page.setInputFiles('#file-input', broken);
  await expect(page.locator('.upload-item.failed [role=alert]')).toContainText('broken.har');
  await expect(page.locator('.upload-item.failed')).toContainText('nothing from this file was added');

  await page.setInputFiles('#file-input', capture('demo.har'));
  await expect(page.locator('.upload-item.ok')).toContainText('229 exchanges → 19 endpoints', { timeout: 30_000 });
  // The shop's published OpenAPI document: imported as the declared inventory (states follow).
  await page.setInputFiles('#file-input', join(repoRoot, 'captures', 'demo-api', 'openapi.yaml'));
  await expect(page.locator('.upload-item.ok', { hasText: 'openapi.yaml' })).toContainText(/imported ".+" .*as spec #1/, { timeout: 30_000 });
  await shot(page, 'upload');
  await page.locator('.upload-item.ok a', { hasText: 'see the inventory' }).first().click();
  await expect(page.locator('a.row', { hasText: '/api/v2/guest/orders/{orderId}' })).toBeVisible();
  const total = Number(((await page.locator('.count').textContent()) ?? '').replace(/\D/g, ''));
  expect(total).toBeGreaterThanOrEqual(19);
  await page.locator('#f-state').selectOption('documented');
  // the list re-renders after the filter: wait for it (the first row was visible before it too)
  await expect(page.locator('a.row .c-state').filter({ hasNotText: /^documented$/ })).toHaveCount(0);
  await expect(page.locator('a.row').first()).toBeVisible();
  for (const s of await page.locator('a.row .c-state').allTextContents()) expect(s).toBe('documented');
  expect(problems).toEqual([]);
});

test('browse from the overview to an endpoint to a finding', async ({ page }) => {
  const problems = watch(page);
  const db = join(dir, 'demo.db');
  const seeded = seedDemoCatalog(db);
  server = await serve(db);
  await page.goto(server.url);
  await expect(page.locator('[data-stat=endpoints] .stat-value')).toHaveText('19');
  await expect(page.locator('[data-stat=shadow] .stat-value')).toHaveText('2');
  await expect(page.locator('[data-stat=zombie] .stat-value')).toHaveText('1');
  await expect(page.locator('svg.chart rect.bar').first()).toBeVisible();
  await shot(page, 'overview');

  // The riskiest endpoint → its page.
  const top = page.locator('section', { hasText: 'Top risks' }).locator('a.ep-link').first();
  const topPath = (await top.locator('.path').textContent())!;
  await top.click();
  await expect(page).toHaveURL(/#\/endpoint\/\d+$/);
  await expect(page.locator('h1.ep-title')).toContainText(topPath);
  await expect(page.locator('.findings-list li').first()).toBeVisible();

  // Its first finding → the finding, with the same redacted evidence and what to do.
  const item = page.locator('.findings-list li').first();
  const rule = (await item.locator('a.finding-link').textContent())!;
  const evidence = (await item.locator('code').textContent())!;
  await item.locator('a.finding-link').click();
  await expect(page).toHaveURL(/#\/findings\/\d+/);
  const detail = page.locator('article.finding-detail');
  await expect(detail.locator('.rule')).toHaveText(rule);
  await expect(detail).toContainText(/API\d+:2023/);
  await expect(detail.locator('pre.evidence')).toHaveText(evidence);
  expect(((await detail.locator('.advice').textContent()) ?? '').length).toBeGreaterThan(20);
  await expect(detail.locator('a.ep-link .path')).toHaveText(topPath);
  await shot(page, 'findings');

  // The seeded finding (its rule's advice) on the guest-order endpoint, reached from the findings filter.
  await page.goto(`${server.url}#/findings?rule=${seeded.finding.rule}`);
  await page.locator('table.findings-table tr', { hasText: seeded.finding.evidence }).locator('a.finding-link').click();
  await expect(page.locator('article.finding-detail pre.evidence')).toContainText(seeded.finding.evidence);
  await expect(page.locator('article.finding-detail .advice')).toContainText('Move personal data out of the path');
  await page.locator('article.finding-detail a.ep-link').click();
  await expect(page.locator('h1.ep-title')).toContainText(seeded.finding.path);
  await expect(page.locator('.tree').first()).toBeVisible();
  await expect(page.locator('.badge-sensitive', { hasText: 'email' }).first()).toBeVisible();
  await shot(page, 'endpoint');

  // The other views render on the same catalog (and go in the README).
  await page.goto(`${server.url}#/sensitive`);
  await expect(page.locator('svg.heatmap rect.cell').first()).toBeVisible();
  await expect(page.locator('table.third-party')).toContainText('track.courier.example');
  await shot(page, 'sensitive');
  await page.goto(`${server.url}#/map`);
  await expect(page.locator('.node-client').first()).toBeVisible();
  await shot(page, 'service-map');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${server.url}#/inventory?sort=risk`);
  await expect(page.locator('[aria-sort=descending] button', { hasText: 'Risk' })).toBeVisible();
  const risks = (await page.locator('a.row .c-num:nth-of-type(9)').allTextContents()).map((s) => Number(s || 0));
  expect(risks).toEqual([...risks].sort((a, b) => b - a));
  await shot(page, 'inventory-dark');
  expect(problems).toEqual([]);
});

test('filter the inventory to shadow endpoints (deep link and menu), sort and search', async ({ page }) => {
  const problems = watch(page);
  const db = join(dir, 'demo.db');
  const seeded = seedDemoCatalog(db);
  server = await serve(db);
  await page.goto(`${server.url}#/inventory`);
  await expect(page.locator('.count')).toHaveText('19 endpoints');
  await shot(page, 'inventory');
  await page.locator('#f-state').selectOption('shadow');
  await expect(page).toHaveURL(/state=shadow/);
  await expect(page.locator('.count')).toHaveText('2 endpoints');
  const paths = await page.locator('a.row .c-path').allTextContents();
  expect(paths.sort()).toEqual([...seeded.shadow].sort());
  for (const s of await page.locator('a.row .c-state').allTextContents()) expect(s).toBe('shadow');

  // The URL is the state: reload keeps the filter.
  await page.reload();
  await expect(page.locator('.count')).toHaveText('2 endpoints');
  await expect(page.locator('#f-state')).toHaveValue('shadow');

  // Sort by hits (descending) with the header button; search with "/".
  await page.goto(`${server.url}#/inventory`);
  await page.getByRole('button', { name: 'Hits' }).click();
  await expect(page).toHaveURL(/sort=hits/);
  const hits = (await page.locator('a.row .c-num:nth-of-type(4)').allTextContents()).slice(0, 5).map((s) => Number(s.replace(/,/g, '')));
  expect(hits).toEqual([...hits].sort((a, b) => b - a));
  await page.locator('body').press('/');
  await page.keyboard.type('courier');
  await expect(page.locator('.count')).toHaveText('3 endpoints');
  // Keyboard: Tab into the rows, arrows move, Enter opens.
  await page.locator('a.row').first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('a.row[data-index="1"]')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/endpoint\/\d+/);
  expect(problems).toEqual([]);
});

test('a process that writes the catalog makes a new endpoint appear in the open page without reload', async ({ page }) => {
  const problems = watch(page);
  const db = join(dir, 'demo.db');
  ingest(db, capture('demo.har'));
  writeSensor(db, 'eth1-mirror', { packets: 1000, bytes: 800000, drops: 0, flows: 12, exchanges: 40 });
  server = await serve(db);
  await page.goto(`${server.url}#/inventory`);
  await expect(page.locator('.count')).toHaveText('19 endpoints');
  await expect(page.locator('#live')).toHaveText('● live');
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const second = writeHar(join(dir, 'second.har'), [
    { method: 'GET', url: 'http://inventory.example.net/api/v3/warehouses/17/stock', body: { sku: 'A-1', level: 3 } },
    { method: 'GET', url: 'http://inventory.example.net/api/v3/warehouses/18/stock', body: { sku: 'B-2', level: 9 } },
  ]);
  expect(await ingestInBackground(db, second)).toBe(0);
  await expect(page.locator('a.row', { hasText: '/api/v3/warehouses/{warehouseId}/stock' })).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('.count')).toHaveText('20 endpoints');
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The sensor view follows the monitor's status row live too.
  await page.goto(`${server.url}#/sensor`);
  await expect(page.locator('[data-sensor="eth1-mirror"]')).toContainText('1,000');
  writeSensor(db, 'eth1-mirror', { packets: 5000, bytes: 4000000, drops: 2, flows: 30, exchanges: 210 });
  await expect(page.locator('[data-sensor="eth1-mirror"]')).toContainText('5,000', { timeout: 10_000 });
  await page.waitForTimeout(1100);
  writeSensor(db, 'eth1-mirror', { packets: 9000, bytes: 7000000, drops: 2, flows: 41, exchanges: 380 });
  await expect(page.locator('[data-sensor="eth1-mirror"]')).toContainText('9,000', { timeout: 10_000 });
  await shot(page, 'sensor');
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  expect(problems).toEqual([]);
});

test('a monitor in another process fills the open inventory and the sensor view, live', async ({ page }) => {
  const problems = watch(page);
  const db = join(dir, 'live.db');
  ingest(db, capture('demo.har'));
  const pcaps = join(dir, 'pcaps');
  mkdirSync(pcaps);
  server = await serve(db);
  await page.goto(`${server.url}#/inventory`);
  await expect(page.locator('.count')).toHaveText('19 endpoints');
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const mon = monitor(db, pcaps, 'span-port-1');
  try {
    // A rotated capture lands in the folder the sensor follows (written aside, then moved in whole).
    const tmp = writePcap(join(dir, 'rot-1.pcap'), 'payments.internal.example', [
      { method: 'GET', path: '/v2/refunds/8812', status: 200, body: { id: 8812, amount: 12.5 } },
      { method: 'GET', path: '/v2/refunds/9921', status: 200, body: { id: 9921, amount: 3 } },
      { method: 'POST', path: '/v2/refunds', status: 201, body: { id: 9922 } },
    ]);
    renameSync(tmp, join(pcaps, 'rot-1.pcap'));
    await expect(page.locator('a.row', { hasText: '/v2/refunds/{refundId}' })).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('.count')).toHaveText('21 endpoints');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await page.locator('a[href="#/sensor"]').click();
    const card = page.locator('[data-sensor="span-port-1"]');
    await expect(card).toContainText('exchanges');
    await expect(card).toContainText('live');
  } finally {
    await mon.stop();
  }
  expect(problems, mon.output()).toEqual([]);
});

test('HTML and script payloads in paths, headers and JSON keys show as text and never run', async ({ page }) => {
  const problems = watch(page);
  const img = '<img src=x onerror=alert(1)>';
  const scr = '"><script>alert(2)</script>';
  const svg = '<svg onload=alert(3)>';
  const db = join(dir, 'xss.db');
  const har = writeHar(join(dir, 'xss.har'), [
    {
      method: 'POST',
      // The last parameter carries an email, so a pii-in-url finding's evidence names the payload too.
      url: `http://xss.example/api/${encodeURIComponent(img)}/items?${encodeURIComponent(scr)}=1&${encodeURIComponent(img)}=2&${encodeURIComponent(svg)}=jane.doe%40example.com`,
      headers: [
        ['X-Payload', scr],
        ['X-Img', img],
      ],
      requestBody: { [img]: 'value', [scr]: { [img]: 1 } },
      body: { [scr]: 'x', nested: { [img]: true }, list: [{ [scr]: 1 }] },
    },
  ]);
  ingest(db, har);
  server = await serve(db);
  const eps = (await (await fetch(`${server.url}api/endpoints`)).json()) as { items: Array<{ id: number; path: string }> };
  expect(eps.items.length).toBe(1);
  const ep = eps.items[0]!;
  const detail = (await (await fetch(`${server.url}api/endpoints/${ep.id}`)).json()) as { parameters: Array<{ name: string }> };

  await page.goto(`${server.url}#/inventory`);
  await expect(page.locator('a.row .c-path')).toHaveText(ep.path);
  await page.goto(`${server.url}#/endpoint/${ep.id}`);
  await expect(page.locator('h1.ep-title')).toContainText(ep.path);
  // JSON keys from request and response bodies, literally, as property names in the schema trees.
  const props = await page.locator('.tree .prop').allTextContents();
  expect(props).toContain(img);
  expect(props).toContain(scr);
  // Query parameter names (decoded) literally.
  for (const p of detail.parameters) await expect(page.locator('table.simple code').getByText(p.name, { exact: true }).first()).toHaveText(p.name);
  expect(detail.parameters.map((p) => p.name)).toContain(scr);
  // Nothing became markup: the page holds no <img>, and only the app's own <script>.
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.innerHTML.includes('<img src=x'))).toBe(false);
  await page.goto(`${server.url}#/overview`);
  await expect(page.locator('[data-stat=endpoints] .stat-value')).toHaveText('1');
  await page.goto(`${server.url}#/map`);
  await expect(page.locator('.node-host')).toHaveCount(1);
  expect(await page.locator('img').count()).toBe(0);
  // Every other view, with the payloads reaching it through findings' evidence and sensitive names.
  const findings = (await (await fetch(`${server.url}api/findings`)).json()) as { items: Array<{ evidence: string }> };
  expect(findings.items.some((f) => f.evidence.includes(svg))).toBe(true);
  for (const view of ['findings', 'sensitive', 'sensor', 'upload', 'inventory?q=img']) {
    await page.goto(`${server.url}#/${view}`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('img').count(), view).toBe(0);
    expect(await page.locator('script').count(), view).toBe(1);
    expect(await page.evaluate(() => /<img src=x|<svg onload/.test(document.documentElement.innerHTML)), view).toBe(false);
  }
  await page.goto(`${server.url}#/findings`);
  await expect(page.locator('body')).toContainText(svg);
  expect(problems).toEqual([]);
});

test('every response carries a strict CSP and the other security headers', async ({ request }) => {
  const db = join(dir, 'demo.db');
  ingest(db, capture('demo.har'));
  server = await serve(db);
  for (const path of ['', 'api/overview', 'api/nope', 'assets/../../package.json']) {
    const r = await request.get(`${server.url}${path}`);
    const hdr = r.headers();
    expect(hdr['content-security-policy'], path).toContain("script-src 'self'");
    expect(hdr['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(hdr['content-security-policy'], path).not.toContain('unsafe-inline');
    expect(hdr['x-content-type-options'], path).toBe('nosniff');
    expect(hdr['referrer-policy'], path).toBe('no-referrer');
    expect(hdr['access-control-allow-origin'], path).toBeUndefined();
  }
});
