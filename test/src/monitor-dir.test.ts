import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture, runCli, tempDir } from '@overhear/testkit';
import { Catalog, listCaptureFiles, sensorStatus } from '@overhear/catalog';
import { readEndpoints, killMonitor, startMonitor, totalHits, waitForEndpoints, type Monitor } from './monitor-kit.js';

const key = (db: string): string[] => readEndpoints(db).map((e) => `${e.host} ${e.method} ${e.path} ${e.hits}`).sort();

test('monitor --pcap-dir ingests each rotated file once it is complete, and a restart neither skips nor repeats', { timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir();
  let mon: Monitor | undefined;
  try {
    const watched = join(dir, 'rotated');
    const db = join(dir, 'c.db');
    const ref = join(dir, 'ref.db');
    assert.equal(runCli(['ingest', '-q', '--db', ref, capture('demo.pcap'), capture('demo.pcapng')]).status, 0);

    const { mkdirSync } = await import('node:fs');
    mkdirSync(watched);
    const t0 = Date.now() / 1000 - 60;
    // The first file of the rotation, complete; the second still being written.
    copyFileSync(capture('demo.pcap'), join(watched, 'cap-0001.pcap'));
    utimesSync(join(watched, 'cap-0001.pcap'), t0, t0);
    const ng = readFileSync(capture('demo.pcapng'));
    const half = Math.floor(ng.length / 2);
    writeFileSync(join(watched, 'cap-0002.pcapng'), ng.subarray(0, half));
    writeFileSync(join(watched, 'notes.txt'), 'not a capture\n');
    utimesSync(join(watched, 'notes.txt'), t0 - 10, t0 - 10);
    writeFileSync(join(watched, '.tmp-partial'), 'ignored');

    mon = startMonitor(['--pcap-dir', watched, '--db', db, '--flush-interval', '0.3', '--file-idle', '3']);
    const onePcapHits = Number((await mon.waitFor(/cap-0001\.pcap: pcap, (\d+) exchanges/))[1]);
    await mon.waitFor(/notes\.txt: at byte 0: not a HAR, pcap or pcapng/);
    // The growing file is not ingested while it grows.
    let eps = await waitForEndpoints(db, (e) => totalHits(e) >= onePcapHits, 10_000, readEndpoints);
    assert.equal(totalHits(eps), onePcapHits);
    appendFileSync(join(watched, 'cap-0002.pcapng'), ng.subarray(half, half + 1000));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(totalHits(readEndpoints(db)), onePcapHits, 'a file still growing is not ingested');
    appendFileSync(join(watched, 'cap-0002.pcapng'), ng.subarray(half + 1000));
    // Complete once idle (no newer file).
    await mon.waitFor(/cap-0002\.pcapng: pcapng, \d+ exchanges/, 15_000);
    assert.deepEqual(key(db), key(ref), 'the same inventory as a direct ingest of both files');
    assert.equal(mon.child.exitCode, null);
    assert.equal(await mon.stop(), 0, mon.stderr());
    assert.match(mon.stdout(), /2 files ingested/);

    const c = new Catalog(db, { readonly: true });
    try {
      const files = listCaptureFiles(c.db, watched);
      assert.deepEqual(files.map((f) => `${f.name} ${f.status}`).sort(), ['cap-0001.pcap ingested', 'cap-0002.pcapng ingested', 'notes.txt failed']);
      const s = sensorStatus(c.db).find((x) => x.name === watched)!;
      assert.equal(s.stats.filesIngested, 2);
      assert.equal(s.stats.state, 'stopped');
    } finally {
      c.close();
    }

    // Restart: nothing repeated; a new file (a copy of a known one) is recognised by content; a new real one goes in.
    copyFileSync(capture('demo.pcap'), join(watched, 'cap-0003.pcap'));
    copyFileSync(capture('demo.pcap'), join(watched, 'cap-0004.pcap'));
    writeFileSync(join(watched, 'cap-0004.pcap'), readFileSync(capture('demo.pcap')).subarray(0, 24)); // a header only, then the writer moves on
    const before = key(db);
    mon = startMonitor(['--pcap-dir', watched, '--db', db, '--flush-interval', '0.3', '--file-idle', '1']);
    await mon.waitFor(/cap-0003\.pcap: already ingested/);
    await mon.waitFor(/cap-0004\.pcap/, 10_000);
    assert.equal(await mon.stop(), 0, mon.stderr());
    assert.doesNotMatch(mon.stderr(), /cap-0001|cap-0002/, 'files handled before are not read again');
    assert.deepEqual(key(db), before, 'no hit counted twice');
  } finally {
    await killMonitor(mon);
    cleanup();
  }
});
