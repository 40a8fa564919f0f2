import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pcapFile, runCli, tempDir, unansweredRequests } from '@overhear/testkit';

/**
 * A capture written to exhaust memory, ingested by the CLI with a JS heap of
 * 160 MB: ten connections pipelining a hundred 60 KB heads of 12,000 headers
 * each, never answered (63 MB on disk). Held until their answers came, those
 * requests took ~900 MB of heap and the ingest died of it; the cap on what
 * parsed messages hold (maxMessageBytes) closes the least active flows and
 * makes their requests exchanges without an answer.
 */
test('requests that are never answered cannot exhaust memory: ingest within a 160 MB heap', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'unanswered.pcap');
    writeFileSync(file, pcapFile(unansweredRequests(10, 100)));
    const r = runCli(['ingest', '--json', '--db', join(dir, 'c.db'), file], { env: { NODE_OPTIONS: '--max-old-space-size=160' } });
    assert.equal(r.status, 0, r.stderr.slice(0, 2000));
    const [s] = JSON.parse(r.stdout) as Array<{ exchanges: number; counters: Record<string, number> }>;
    assert.equal(s!.exchanges, 1000);
    assert.ok(s!.counters.flowsEvicted! > 0, `${s!.counters.flowsEvicted} flows closed`);
    assert.equal(s!.counters.messageBytes, 0);
  } finally {
    cleanup();
  }
});
