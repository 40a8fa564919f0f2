import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { capture, runCli, tempDir } from '@overhear/testkit';
import { startServer } from '@overhear/server';

/**
 * Files that are valid but hostile, uploaded through the dashboard's API:
 * a HAR whose base64 body is a gzip bomb (1 GiB of zeros in ~1 MB), and a
 * pcap whose first record claims a billion bytes. The server answers, stays
 * within bounded memory, and the catalog holds nothing it should not.
 */
async function gzipBomb(bytes: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const zeros = Buffer.alloc(1 << 20);
  for (let n = 0; n < bytes; n += zeros.length) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

test('hostile uploads: a gzip bomb inside a HAR and a pcap claiming a billion-byte packet', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const db = join(dir, 'c.db');
  assert.equal(runCli(['ingest', '-q', '--db', db, capture('demo.har')]).status, 0);
  const before = runCli(['endpoints', '--json', '--db', db]).stdout;
  const srv = await startServer({ db, port: 0, maxUploadBytes: 64 * 1024 * 1024, pollMs: 200 });
  const base = srv.url.replace(/\/$/, '');
  const post = (name: string, body: Buffer) => fetch(`${base}/api/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', body: new Uint8Array(body), headers: { 'X-Overhear-Request': '1' } });
  try {
    const bomb = await gzipBomb(1 << 30);
    assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const har = Buffer.from(
      JSON.stringify({
        log: {
          version: '1.2',
          entries: [
            {
              startedDateTime: '2026-11-20T10:00:00Z',
              request: { method: 'GET', url: 'http://bomb.example/api/export', headers: [] },
              response: {
                status: 200,
                headers: [{ name: 'Content-Type', value: 'application/json' }, { name: 'Content-Encoding', value: 'gzip' }],
                content: { mimeType: 'application/json', encoding: 'base64', text: bomb.toString('base64') },
              },
            },
          ],
        },
      }),
    );
    const rssBefore = process.memoryUsage().rss;
    const r1 = await post('bomb.har', har);
    assert.equal(r1.status, 200, await r1.clone().text());
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    // HAR bodies are already decoded by the exporter: nothing inflates them (a gigabyte would show here).
    assert.ok(rssGrowth < 256 * 1024 * 1024, `server grew by ${(rssGrowth / 1048576).toFixed(0)} MB`);
    const eps = JSON.parse(runCli(['endpoints', '--json', '--db', db, '--host', 'bomb.example']).stdout) as Array<{ path: string; hits: number }>;
    assert.deepEqual(eps.map((e) => [e.path, e.hits]), [['/api/export', 1]]);

    // A classic pcap whose first record claims 1,000,000,000 bytes.
    const hdr = Buffer.alloc(24);
    hdr.writeUInt32LE(0xa1b2c3d4, 0);
    hdr.writeUInt16LE(2, 4);
    hdr.writeUInt16LE(4, 6);
    hdr.writeUInt32LE(262144, 16);
    hdr.writeUInt32LE(1, 20);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_000_000_000, 8);
    rec.writeUInt32LE(1_000_000_000, 12);
    const r2 = await post('claims.pcap', Buffer.concat([hdr, rec, Buffer.alloc(64)]));
    const body = await r2.text();
    assert.equal(r2.status, 422, body);
    assert.match(body, /claims\.pcap/);
    assert.match(body, /byte 24/);
    // Nothing else changed: the demo's endpoints are as they were.
    const after = JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as Array<{ host: string }>;
    assert.equal(JSON.stringify(after.filter((e) => e.host !== 'bomb.example')), JSON.stringify(JSON.parse(before)));
  } finally {
    await srv.close();
    cleanup();
  }
});
