import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture, tempDir } from '@overhear/testkit';
import { classifyTcpdumpError, DirFollower, findTcpdump, parseCounterLine, PcapFramer, tcpdumpArgs, type DirFile, type Frame } from '../src/index.js';

test('tcpdump command line', () => {
  assert.deepEqual(tcpdumpArgs({ interface: 'eth1' }), ['-i', 'eth1', '-U', '-s', '0', '-w', '-']);
  assert.deepEqual(tcpdumpArgs({ interface: 'any', filter: 'tcp port 80', bufferSizeKiB: 32768, immediate: true }), ['-i', 'any', '--immediate-mode', '-U', '-s', '0', '-w', '-', '-B', '32768', 'tcp port 80']);
});

test('tcpdump counters: the SIGUSR1 line and the exit lines', () => {
  assert.deepEqual(parseCounterLine('tcpdump: 46 packets captured, 92 packets received by filter, 3 packets dropped by kernel'), { captured: 46, receivedByFilter: 92, droppedByKernel: 3 });
  assert.deepEqual(parseCounterLine('1 packet captured'), { captured: 1 });
  assert.deepEqual(parseCounterLine('7 packets dropped by interface'), { droppedByInterface: 7 });
  assert.equal(parseCounterLine('tcpdump: listening on lo, link-type EN10MB'), undefined);
});

test('tcpdump faults are told apart', () => {
  const perm = classifyTcpdumpError("tcpdump: eth0: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n", 'eth0');
  assert.equal(perm.kind, 'permission');
  assert.match(perm.message, /CAP_NET_RAW/);
  assert.match(perm.message, /setcap cap_net_raw,cap_net_admin\+eip/);
  const dev = classifyTcpdumpError('tcpdump: nosuch: No such device exists\n(No such device exists)\n', 'nosuch');
  assert.equal(dev.kind, 'no-such-interface');
  assert.match(dev.message, /interface nosuch does not exist \(nosuch: No such device exists\)/);
  assert.equal(classifyTcpdumpError("tcpdump: can't parse filter expression: syntax error\n", 'lo').kind, 'bad-filter');
  assert.equal(classifyTcpdumpError('tcpdump: pcap_loop: The interface disappeared\n', 'eth1').kind, 'interface-down');
});

test('tcpdump is looked up on PATH or $OVERHEAR_TCPDUMP', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(findTcpdump({ PATH: dir }), undefined);
    assert.equal(findTcpdump({ PATH: '/usr/bin:/usr/sbin', OVERHEAR_TCPDUMP: join(dir, 'nope') }), undefined);
    mkdirSync(join(dir, 'bin'));
    symlinkSync('/bin/true', join(dir, 'bin', 'tcpdump'));
    assert.equal(findTcpdump({ PATH: `relative:${join(dir, 'bin')}` }), join(dir, 'bin', 'tcpdump'));
  } finally {
    cleanup();
  }
});

test('framer: whole records whatever the chunking; the header is never sheddable', () => {
  const pcap = readFileSync(capture('demo.pcap'));
  for (const size of [1, 7, 100, 4096, 65536]) {
    const f = new PcapFramer();
    const frames: Frame[] = [];
    for (let i = 0; i < pcap.length; i += size) frames.push(...f.push(pcap.subarray(i, i + size)));
    assert.equal(f.held, 0);
    assert.deepEqual(Buffer.concat(frames.map((x) => x.bytes)), pcap, `chunks of ${size}`);
    assert.equal(frames[0]!.sheddable, false);
    assert.equal(frames[0]!.bytes.length, 24);
    // Every sheddable frame starts at a record boundary: dropping any keeps a valid capture.
    let packets = 0;
    for (const fr of frames.slice(1)) {
      assert.ok(fr.sheddable);
      let off = 0;
      while (off < fr.bytes.length) {
        off += 16 + fr.bytes.readUInt32LE(off + 8);
        packets++;
      }
      assert.equal(off, fr.bytes.length);
    }
    assert.equal(packets, frames.reduce((a, x) => a + x.packets, 0));
  }
});

test('framer passes pcapng through unframed (never shed)', () => {
  const ng = readFileSync(capture('demo.pcapng'));
  const f = new PcapFramer();
  const frames = [...f.push(ng.subarray(0, 10)), ...f.push(ng.subarray(10))];
  assert.deepEqual(Buffer.concat(frames.map((x) => x.bytes)), ng);
  assert.ok(frames.every((x) => !x.sheddable));
});

test('directory follower: complete when a newer file exists or idle; growing files wait; done files are skipped', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const handled: string[] = [];
    const done = new Set<string>();
    const key = (f: DirFile): string => `${f.name}:${f.size}:${f.mtimeMs}`;
    const fol = new DirFollower({ dir, idleMs: 60_000, isDone: (f) => done.has(key(f)), handle: async (f) => void (handled.push(f.name), done.add(key(f))) });
    const t = Date.now() / 1000 - 100;
    writeFileSync(join(dir, 'a.pcap'), 'aaaa');
    utimesSync(join(dir, 'a.pcap'), t, t);
    writeFileSync(join(dir, 'b.pcap'), 'bb');
    writeFileSync(join(dir, '.hidden'), 'x');
    await fol.poll(false);
    assert.deepEqual([...handled], [], 'first sight: nothing is stable yet');
    await fol.poll(false);
    assert.deepEqual([...handled], ['a.pcap'], 'a is stable and b is newer');
    appendFileSync(join(dir, 'b.pcap'), 'more');
    await fol.poll(false);
    await fol.poll(false);
    assert.deepEqual([...handled], ['a.pcap'], 'b is the newest and not idle');
    const idle = new DirFollower({ dir, idleMs: 0, isDone: (f) => done.has(key(f)), handle: async (f) => void (handled.push(f.name), done.add(key(f))) });
    await idle.poll(false);
    await idle.poll(false);
    assert.deepEqual([...handled], ['a.pcap', 'b.pcap'], 'idle long enough: complete; a is done already');
    assert.equal(idle.stats.pending, 0);
  } finally {
    cleanup();
  }
});
