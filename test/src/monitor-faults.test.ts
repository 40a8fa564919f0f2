import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDemoApi } from '@overhear/demo-api';
import { cliBin, tempDir } from '@overhear/testkit';
import { Catalog, sensorStatus } from '@overhear/catalog';
import { drive, isRoot, killMonitor, startMonitor, tcpdumpPresent, totalHits, waitForEndpoints, type Monitor } from './monitor-kit.js';

const canCapture = tcpdumpPresent() && isRoot();
const why = 'needs tcpdump and root (scripts/system-deps.sh installs tcpdump)';

test('tcpdump missing: exit 1 with the apt command', async () => {
  const { dir, cleanup } = tempDir();
  let mon: Monitor | undefined;
  try {
    // A PATH with node only: no tcpdump.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    mon = startMonitor(['--interface', 'lo', '--db', join(dir, 'c.db')], { env: { PATH: bin, OVERHEAR_TCPDUMP: '' } });
    assert.equal(await mon.exited, 1);
    assert.match(mon.stderr(), /tcpdump is not installed/);
    assert.match(mon.stderr(), /apt-get install tcpdump/);
    assert.doesNotMatch(mon.stderr(), /\n\s+at /, 'no stack trace');
  } finally {
    await killMonitor(mon);
    cleanup();
  }
});

test('a capture queue larger than the machine can reserve: exit 1 before anything starts', async () => {
  const { dir, cleanup } = tempDir();
  let mon: Monitor | undefined;
  try {
    mon = startMonitor(['--interface', 'lo', '--max-queue-mb', '100000000', '--db', join(dir, 'c.db')]);
    assert.equal(await mon.exited, 1);
    assert.match(mon.stderr(), /--max-queue-mb 100000000: the capture queue is reserved at start, and this is more than a quarter of this machine's memory \(\d+ MiB\)/);
    assert.doesNotMatch(mon.stderr(), /listening on|tcpdump \(pid/, 'tcpdump was not started');
  } finally {
    await killMonitor(mon);
    cleanup();
  }
});

test('unknown interface and bad filter: exit 1 with tcpdump’s reason', { skip: canCapture ? false : why }, async () => {
  const { dir, cleanup } = tempDir();
  let mon: Monitor | undefined;
  try {
    mon = startMonitor(['--interface', 'nosuchif0', '--db', join(dir, 'c.db')]);
    assert.equal(await mon.exited, 1);
    assert.match(mon.stderr(), /interface nosuchif0 does not exist/);
    mon = startMonitor(['--interface', 'lo', '--filter', 'tcp port', '--db', join(dir, 'c.db')]);
    assert.equal(await mon.exited, 1);
    assert.match(mon.stderr(), /tcpdump rejected the filter/);
  } finally {
    await killMonitor(mon);
    cleanup();
  }
});

test('no permission to capture: exit 1 explaining CAP_NET_RAW', { skip: canCapture && spawnSync('setpriv', ['--version']).status === 0 ? false : 'needs root, tcpdump and setpriv' }, () => {
  const { dir, cleanup } = tempDir();
  try {
    // Run the monitor as nobody, without capabilities: tcpdump cannot open the interface.
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', process.execPath, cliBin, 'monitor', '--interface', 'lo', '--emit', 'ndjson'],
      { encoding: 'utf8', cwd: dir, timeout: 20_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /no permission to capture on lo/);
    assert.match(r.stderr, /CAP_NET_RAW/);
    assert.match(r.stderr, /setcap cap_net_raw,cap_net_admin\+eip/);
  } finally {
    cleanup();
  }
});

test('a killed tcpdump is restarted, counted, and capture goes on', { skip: canCapture ? false : why, timeout: 60_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const api = await startDemoApi({ port: 0 });
  let mon: Monitor | undefined;
  try {
    const db = join(dir, 'c.db');
    mon = startMonitor(['--interface', 'lo', '--filter', `tcp port ${api.port}`, '--db', db, '--flush-interval', '0.5']);
    const first = await mon.waitFor(/tcpdump \(pid (\d+)\) listening on lo/);
    await drive(api.port, 6);
    await waitForEndpoints(db, (e) => totalHits(e) >= 6);

    const mark = mon.stderr().length;
    process.kill(Number(first[1]), 'SIGKILL');
    await mon.waitFor(/tcpdump stopped: tcpdump was killed \(SIGKILL\)/, 10_000, mark);
    await mon.waitFor(/restarting tcpdump in 1\.0 s \(restart 1\)/, 10_000, mark);
    const second = await mon.waitFor(/tcpdump \(pid (\d+)\) listening on lo/, 10_000, mark);
    assert.notEqual(second[1], first[1]);

    await drive(api.port, 9);
    const eps = await waitForEndpoints(db, (e) => totalHits(e) >= 15);
    assert.equal(totalHits(eps), 15);
    assert.equal(mon.child.exitCode, null, 'still running');
    await mon.waitFor(/tcpdump restarts 1/, 5000, mark);

    assert.equal(await mon.stop('SIGINT'), 0, mon.stderr());
    assert.match(mon.stdout(), /tcpdump restarts 1/);
    const ro = new Catalog(db, { readonly: true });
    try {
      const s = sensorStatus(ro.db).find((x) => x.name === 'lo')!;
      assert.equal(s.stats.restarts, 1);
      assert.match(String(s.stats.lastError), /killed/);
    } finally {
      ro.close();
    }
  } finally {
    await killMonitor(mon);
    await api.close();
    cleanup();
  }
});
