import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaptureStartError, LiveCapture } from '../src/index.js';

const can = process.getuid?.() === 0 && spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = can ? false : 'needs root and tcpdump (scripts/system-deps.sh)';

async function server(): Promise<{ port: number; close: () => Promise<void> }> {
  const s = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url })));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) };
}

async function drive(port: number, n: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: `/items/${i}`, agent }, (r) => (r.resume(), r.on('end', resolve))).on('error', reject));
  }
  agent.destroy();
}

test('live capture on lo: exchanges as they happen, tcpdump counters, clean stop', { skip, timeout: 30_000 }, async () => {
  const srv = await server();
  const events: string[] = [];
  const cap = new LiveCapture({ interface: 'lo', filter: `tcp port ${srv.port}`, onEvent: (m) => events.push(m) });
  try {
    await cap.started();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const ex of cap) seen.push(`${ex.request.method} ${ex.request.path} ${ex.response?.status}`);
    })();
    await drive(srv.port, 12);
    const until = Date.now() + 5000;
    while (seen.length < 12 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.length, 12, 'exchanges arrive while capturing');
    cap.stop();
    await reading;
    const st = cap.snapshot();
    assert.equal(st.exchanges, 12);
    assert.ok((st.counters.packets ?? 0) > 24);
    assert.equal(cap.sensor.shedPackets, 0);
    assert.equal(cap.sensor.kernel.captured, st.counters.packets, 'tcpdump’s own count at exit matches what was parsed');
    assert.equal(cap.sensor.kernel.droppedByKernel, 0);
    assert.ok(events.some((e) => /listening on lo/.test(e)));
  } finally {
    await cap.close();
    await srv.close();
  }
});

test('a full pipeline sheds whole packets and counts them; the capture is never stalled', { skip, timeout: 30_000 }, async () => {
  const srv = await server();
  // A queue of one byte: every packet record is shed (the file header is kept).
  const cap = new LiveCapture({ interface: 'lo', filter: `tcp port ${srv.port}`, maxQueuedBytes: 1 });
  try {
    await cap.started();
    let n = 0;
    const reading = (async () => {
      for await (const _ of cap) n++;
    })();
    await drive(srv.port, 10);
    await new Promise((r) => setTimeout(r, 200));
    cap.stop();
    await reading;
    assert.equal(n, 0);
    assert.ok(cap.sensor.shedPackets >= 20, `shed ${cap.sensor.shedPackets}`);
    assert.equal(cap.sensor.kernel.captured, cap.sensor.shedPackets, 'every captured packet is accounted as shed');
    assert.equal(cap.sensor.kernel.droppedByKernel, 0, 'tcpdump was kept reading');
  } finally {
    await cap.close();
    await srv.close();
  }
});

test('tcpdump missing: CaptureStartError with the apt command', async () => {
  const cap = new LiveCapture({ interface: 'lo', env: { PATH: '/nonexistent' } });
  try {
    await assert.rejects(cap.started(), (e: unknown) => e instanceof CaptureStartError && e.kind === 'missing' && /apt-get install tcpdump/.test(e.message));
  } finally {
    await cap.close();
  }
});
