import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startDemoApi } from '@overhear/demo-api';
import { runCli, tempDir } from '@overhear/testkit';
import { Catalog, sensorStatus } from '@overhear/catalog';
import type { EndpointRecord } from '@overhear/model';
import { drive, endpoints, isRoot, killMonitor, startMonitor, tcpdumpPresent, type Monitor } from './monitor-kit.js';

const canCapture = tcpdumpPresent() && isRoot();

/** What must agree between two catalogs of the same traffic. */
const inventory = (eps: EndpointRecord[]): unknown =>
  eps
    .map((e) => ({ k: `${e.host} ${e.method} ${e.path}`, hits: e.hits, status: e.statusCodes, auth: e.auth, sensitive: e.sensitive.map((s) => `${s.location} ${s.name} ${s.type}`).sort() }))
    .sort((a, b) => (a.k < b.k ? -1 : 1));

let dumpErr = '';
async function tcpdumpTo(file: string, filter: string): Promise<() => Promise<void>> {
  const p = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-B', '32768', '-s', '0', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      dumpErr = err;
      if (err.includes('listening on')) resolve();
    });
    p.on('exit', (c) => reject(new Error(`tcpdump exited ${c}: ${err}`)));
  });
  return () =>
    new Promise<void>((resolve) => {
      p.removeAllListeners('exit');
      if (p.exitCode !== null) return resolve();
      p.on('exit', () => resolve());
      p.kill('SIGTERM');
    });
}

function post(port: number, path: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { host: 'shop.example.com', 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(data);
  });
}

test('NDJSON round trip: monitor --emit ndjson | ingest --ndjson - gives the same inventory as ingesting the same traffic captured to pcap', { skip: canCapture ? false : 'needs tcpdump and root', timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const api = await startDemoApi({ port: 0 });
  let mon: Monitor | undefined;
  let stopDump: (() => Promise<void>) | undefined;
  try {
    const pcap = join(dir, 'same.pcap');
    const nd = join(dir, 'stream.ndjson');
    const filter = `tcp port ${api.port}`;
    stopDump = await tcpdumpTo(pcap, filter);
    const fd = openSync(nd, 'w');
    mon = startMonitor(['--interface', 'lo', '--filter', filter, '--emit', 'ndjson', '--flush-interval', '0.5'], { stdout: fd });
    closeSync(fd);
    await mon.waitFor(/listening on lo/);
    await drive(api.port, 24, ['/api/v2/health', '/api/v2/products?limit=5', '/api/v2/products/7', '/api/v2/users/me', '/api/v2/orders/1001']);
    await post(api.port, '/api/v2/login', { email: 'jane.doe@example.com', password: 'hunter2' });
    await post(api.port, '/api/v2/login', { email: 'bob@example.org', password: 'wrong' });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await mon.stop(), 0, mon.stderr());
    await stopDump();
    stopDump = undefined;
    assert.match(mon.stderr(), /26 exchanges → written as NDJSON to stdout/);

    const text = readFileSync(nd, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.every((l) => l.overhear === 1), 'every line carries the version');
    assert.equal(lines.filter((l) => l.kind === 'exchange').length, 26);
    assert.ok(lines.some((l) => l.kind === 'sensor'), 'sensor records in the stream');
    const login = lines.find((l) => l.kind === 'exchange' && (l.request as { path: string }).path === '/api/v2/login') as { request: { body: { base64: string } } };
    assert.match(Buffer.from(login.request.body.base64, 'base64').toString(), /jane\.doe@example\.com/);

    const viaNdjson = join(dir, 'a.db');
    const r1 = runCli(['ingest', '--ndjson', '-', '--db', viaNdjson], { input: text });
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /<stdin>: ndjson, 26 exchanges/);
    const direct = join(dir, 'b.db');
    const r2 = runCli(['ingest', '--json', pcap, '--db', direct]);
    assert.equal(r2.status, 0, r2.stderr);
    assert.deepEqual(inventory(endpoints(viaNdjson)), inventory(endpoints(direct)), `direct capture: ${r2.stdout}\n${dumpErr}\nmonitor: ${mon.stderr()}`);
    assert.ok(endpoints(direct).length >= 6);

    // The sensor's records reach the collector's catalog.
    const c = new Catalog(viaNdjson, { readonly: true });
    try {
      const s = sensorStatus(c.db).find((x) => x.name === 'lo');
      assert.ok(s, 'sensor status carried over NDJSON');
      assert.equal(s.stats.via, 'ndjson');
    } finally {
      c.close();
    }

    // A file of NDJSON is told by content by plain `ingest`, as one source (de-duplicated).
    const viaFile = join(dir, 'c.db');
    const r3 = runCli(['ingest', nd, '--db', viaFile]);
    assert.equal(r3.status, 0, r3.stderr);
    assert.match(r3.stdout, /ndjson, .*26 exchanges/);
    assert.deepEqual(inventory(endpoints(viaFile)), inventory(endpoints(direct)));
    assert.match(runCli(['ingest', nd, '--db', viaFile]).stdout, /already ingested/);
  } finally {
    await killMonitor(mon);
    await stopDump?.();
    await api.close();
    cleanup();
  }
});

test('a bad NDJSON line: exit 1 naming the line', () => {
  const { dir, cleanup } = tempDir();
  try {
    const good = (path: string): string =>
      JSON.stringify({ overhear: 1, kind: 'exchange', source: 'live', startedAt: 1795370000000, scheme: 'http', request: { method: 'GET', host: 'shop.example.com', path, query: [], httpVersion: '1.1', headers: [['host', 'shop.example.com']] }, response: { status: 200, statusText: 'OK', httpVersion: '1.1', headers: [['content-type', 'application/json']], body: { base64: Buffer.from('{"ok":true}').toString('base64'), length: 11, truncated: false } } });
    const text = [good('/a'), good('/b'), '{"overhear":1,"kind":"exchange","request":{"method":"GET"', good('/c')].join('\n') + '\n';
    const db = join(dir, 'c.db');
    const r = runCli(['ingest', '--ndjson', '-', '--db', db], { input: text });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /<stdin>: line 3: not valid JSON/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);

    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, [good('/a'), '{"overhear":1,"kind":"exchange","startedAt":1,"request":{"method":"GET","host":"h","path":"/x","headers":"no"}}'].join('\n'));
    const db2 = join(dir, 'd.db');
    const r2 = runCli(['ingest', file, '--db', db2]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /bad\.ndjson: line 2: request\.headers must be a list of \[name, value\] string pairs/);
    assert.deepEqual(endpoints(db2), [], 'nothing from a broken file is added');

    const r3 = runCli(['ingest', '--ndjson', '-', '--db', db], { input: '{"overhear":2,"kind":"exchange"}\n' });
    assert.equal(r3.status, 1);
    assert.match(r3.stderr, /line 1: format version 2 is newer/);
  } finally {
    cleanup();
  }
});
