import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bytesAsFile, httpConversation, pcapFile, type Pkt } from '@overhear/testkit';
import { readCapture } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live heap after a full collection. */
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** `n` connections of one exchange each, four a millisecond: all within one sweep period, so none is swept before the end. */
function shortConnections(n: number): Buffer {
  const pkts: Pkt[] = [];
  for (let i = 0; i < n; i++) pkts.push(...httpConversation(`/orders/${i}`, 1_700_000_000_000 + (i >> 2), 20_000 + i));
  // (the packets' objects are garbage once this returns: the heap is measured without them)
  return pcapFile(pkts);
}

describe('closed connections', () => {
  // A closed connection stays in the flow table as a tombstone against stray packets (30 s of
  // capture time). With a connection per exchange there are tens of thousands at once: each
  // must be small. Before its reassemblers were let go on close, one held ~1.2 KB.
  for (const engine of ['fast', 'js'] as const) {
    it(`keep a small tombstone each (${engine} engine)`, async () => {
      const n = 16_000;
      const src = readCapture(bytesAsFile(shortConnections(n)), { file: 'short-connections.pcap', engine });
      let seen = 0;
      let at25: { heap: number; seen: number } | undefined;
      let at90: { heap: number; seen: number } | undefined;
      for await (const batch of src.batches!()) {
        seen += batch.length;
        if (!at25 && seen >= n / 4) at25 = { heap: liveHeap(), seen };
        if (!at90 && seen >= (n * 9) / 10) at90 = { heap: liveHeap(), seen };
      }
      assert.equal(seen, n);
      assert.equal(src.stats.counters?.flows, n);
      const perConnection = (at90!.heap - at25!.heap) / (at90!.seen - at25!.seen);
      console.log(`# ${engine}: ${perConnection.toFixed(0)} bytes per closed connection`);
      assert.ok(perConnection < 700, `${perConnection.toFixed(0)} bytes of heap per closed connection`);
    });
  }
});
