import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pcapFile, tcpConversation, type Pkt } from '@overhear/testkit';
import { ingestBytes } from './helpers.js';

/**
 * `n` connections open at once. Each sends its request; once every request is
 * in, the answers come in the reverse order, each delimited by its
 * connection's close, which never comes: the answers are looked up in a table
 * that grew while they waited (past 1,024 and 2,048 flows), and every
 * exchange is finished when the input ends.
 */
function manyOpen(n: number): Buffer {
  const t0 = 1_700_000_000_000;
  const requests: Pkt[] = [];
  const answers: Pkt[] = [];
  for (let i = 0; i < n; i++) {
    const pkts = tcpConversation(
      [
        [true, Buffer.from(`GET /c/${i} HTTP/1.1\r\nHost: h\r\n\r\n`)],
        [false, Buffer.from(`HTTP/1.1 200 OK\r\n\r\nanswer ${i}`)],
      ],
      { t0, clientPort: 10_000 + i },
    );
    // SYN, SYN-ACK, ACK and the request; the answer; the closing packets are left out
    requests.push(...pkts.slice(0, 4).map((p) => ({ ...p, tsMs: t0 + i })));
    answers.unshift({ ...pkts[4]!, tsMs: t0 + 2 * n - i });
  }
  return pcapFile([...requests, ...answers]);
}

describe('flow table', () => {
  const n = 2_500;
  const file = manyOpen(n);
  for (const engine of ['fast', 'js'] as const) {
    it(`finds each connection after it grew, and ends them in the order they began (${engine} engine)`, async () => {
      const r = await ingestBytes(file, 'many-open.pcap', 65_536, undefined, engine);
      assert.equal(r.stats.counters.flows, n, 'one flow per connection: no answer missed its own');
      assert.equal(r.exchanges.length, n);
      // ended at the end of input, when the flows are closed: in the order the connections began, not the answers' order nor the table's
      assert.deepEqual(
        r.exchanges.map((ex) => ex.request.path),
        Array.from({ length: n }, (_, i) => `/c/${i}`),
      );
      r.exchanges.forEach((ex, i) => assert.equal(Buffer.from(ex.response!.body!.bytes).toString('latin1'), `answer ${i}`, `connection ${i}'s answer`));
    });
  }
});
