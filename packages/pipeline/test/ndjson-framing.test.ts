import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '@overhear/model';
import { exchangeToNdjson, readNdjson } from '../src/ndjson.js';

async function* lines(...l: string[]): AsyncGenerator<Uint8Array> {
  yield Buffer.from(l.join('\n') + '\n');
}

test('NDJSON carries a request\'s framing and host anomalies across, and drops values it does not know', async () => {
  const ex: Exchange = {
    source: 'live',
    startedAt: 1_795_000_000_000,
    scheme: 'http',
    request: { method: 'POST', host: 'shop.example', path: '/pay', query: [], httpVersion: '1.1', headers: [], framing: 'content-length-and-transfer-encoding', hostAnomaly: 'several-host-headers' },
  };
  const forged = JSON.parse(exchangeToNdjson(ex)) as { request: { framing: string; hostAnomaly: string; path: string } };
  forged.request.framing = 'made-up';
  forged.request.hostAnomaly = 'made-up';
  forged.request.path = '/other';
  const got: Exchange[] = [];
  for await (const e of readNdjson(lines(exchangeToNdjson(ex), JSON.stringify(forged)), { file: 'x.ndjson' })) got.push(e);
  assert.deepEqual(got.map((e) => `${e.request.path} ${e.request.framing ?? '-'} ${e.request.hostAnomaly ?? '-'}`), ['/pay content-length-and-transfer-encoding several-host-headers', '/other - -']);
});
