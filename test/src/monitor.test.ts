import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemoApi } from '@overhear/demo-api';
import { tempDir } from '@overhear/testkit';
import { Catalog, sensorStatus } from '@overhear/catalog';
import { drive, endpoints, isRoot, killMonitor, startMonitor, tcpdumpPresent, totalHits, waitForEndpoints, type Monitor } from './monitor-kit.js';

const canCapture = tcpdumpPresent() && isRoot();
const why = 'needs tcpdump and root (scripts/system-deps.sh installs tcpdump)';

test('monitor --interface lo: endpoints and hits are visible while it runs; SIGTERM flushes and exits 0', { skip: canCapture ? false : why, timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const api = await startDemoApi({ port: 0 });
  let mon: Monitor | undefined;
  try {
    const db = join(dir, 'live.db');
    mon = startMonitor(['--interface', 'lo', '--filter', `tcp port ${api.port}`, '--db', db, '--flush-interval', '1']);
    await mon.waitFor(/listening on lo/);
    await drive(api.port, 30);

    // Seen by another process while the monitor still runs.
    const live = await waitForEndpoints(db, (e) => totalHits(e) >= 30);
    assert.equal(mon.child.exitCode, null, 'monitor still running');
    const shop = live.filter((e) => e.host === 'shop.example.com');
    assert.deepEqual(shop.map((e) => `${e.method} ${e.path} ${e.hits}`).sort(), ['GET /api/v2/health 10', 'GET /api/v2/products 10', 'GET /api/v2/products/{productId} 10']);

    // A second wave while running.
    await drive(api.port, 9);
    const more = await waitForEndpoints(db, (e) => totalHits(e) >= 39);
    assert.equal(totalHits(more), 39);
    assert.equal(mon.child.exitCode, null);

    // The sensor's health is in the catalog while it runs.
    const ro = new Catalog(db, { readonly: true });
    try {
      const s = sensorStatus(ro.db).find((x) => x.name === 'lo');
      assert.ok(s, 'sensor_status row for lo');
      assert.equal(s.stats.state, 'running');
      assert.equal(typeof s.stats.packets, 'number');
      assert.equal(s.stats.dropsPipeline, 0);
    } finally {
      ro.close();
    }

    assert.equal(await mon.stop('SIGTERM'), 0, mon.stderr());
    assert.match(mon.stdout(), /lo: \d+ packets, 39 exchanges/);
    assert.match(mon.stderr(), /\[lo\] .*packets.*exchanges.*flows open.*buffered \| drops: kernel 0 pipeline 0 reassembly 0 catalog 0/);
    const after = endpoints(db);
    assert.equal(totalHits(after), 39, 'hits equal the requests sent');
    const ro2 = new Catalog(db, { readonly: true });
    try {
      const s = sensorStatus(ro2.db).find((x) => x.name === 'lo')!;
      assert.equal(s.stats.state, 'stopped');
      assert.equal(s.stats.exchanges, 39);
      assert.equal(s.stats.dropsKernel, 0);
      assert.ok(Number(s.stats.kernelCaptured) > 0, 'tcpdump counters parsed');
    } finally {
      ro2.close();
    }
  } finally {
    await killMonitor(mon);
    await api.close();
    cleanup();
  }
});
