import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { capture, repoRoot, runCli, tempDir } from '@overhear/testkit';

/**
 * The three demo captures were recorded from one run: the HAR by the client,
 * the pcap by tcpdump on lo (Ethernet), the pcapng by dumpcap on any (Linux
 * cooked). Read by two different engines, they must give the same inventory
 * and the same findings. Only the times differ (client clock vs packet
 * clock) and the consumers (a HAR has no client addresses).
 */
function inventory(file: string): { endpoints: unknown[]; findings: unknown[]; summary: string } {
  const { dir, cleanup } = tempDir();
  try {
    const db = join(dir, 'c.db');
    assert.equal(runCli(['spec', 'import', join(repoRoot, 'captures/demo-api/openapi.yaml'), '--db', db]).status, 0);
    const ing = runCli(['ingest', '--db', db, '--config', join(repoRoot, 'captures/demo-api/overhear.config.json'), capture(file)]);
    assert.equal(ing.status, 0, ing.stderr);
    const endpoints = (JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as Array<Record<string, unknown>>).map(({ firstSeen, lastSeen, consumers, ...rest }) => {
      void firstSeen, lastSeen, consumers;
      return rest;
    });
    const findings = (JSON.parse(runCli(['findings', '--json', '--db', db]).stdout) as Array<Record<string, unknown>>).map(({ firstSeen, lastSeen, ...rest }) => {
      void firstSeen, lastSeen;
      return rest;
    });
    return { endpoints, findings, summary: ing.stdout };
  } finally {
    cleanup();
  }
}

test('demo.pcap and demo.pcapng give the same inventory and findings as demo.har', () => {
  const har = inventory('demo.har');
  assert.equal(har.endpoints.length, 20);
  for (const f of ['demo.pcap', 'demo.pcapng']) {
    const cap = inventory(f);
    assert.match(cap.summary, /229 exchanges → 19 endpoints/, f);
    assert.deepEqual(cap.endpoints, har.endpoints, `${f}: endpoints`);
    assert.deepEqual(cap.findings, har.findings, `${f}: findings`);
  }
});
