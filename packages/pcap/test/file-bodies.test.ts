import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '@overhear/model';
import { InputError } from '@overhear/model';
import { bytesAsFile, keepAliveConversation, pcapFile } from '@overhear/testkit';
import { readCapture } from '../src/index.js';
import { ingestBytes } from './helpers.js';

// Read from a file that can be read back (FileBytes with readAt), the fast
// path leaves bodies in the file until they are first looked at.

/** Interleaved keep-alive connections, as a classic pcap of several input slices (the fast path takes flows over in the first). */
function capture(seed: number): Buffer {
  const conns = Array.from({ length: 24 }, (_, i) => keepAliveConversation(seed + i * 7919, 40000 + i));
  const bytes = pcapFile(conns.flat().sort((a, b) => a.tsMs - b.tsMs));
  assert.ok(bytes.length > 4 * 65_536, `${bytes.length} bytes`);
  return bytes;
}

/** `bytes` as a file, counting the reads back; `readable()` says whether reading back still works. */
function fileOf(bytes: Buffer, readable: () => boolean = () => true) {
  const file = bytesAsFile(bytes);
  const f = {
    readBack: 0,
    readInto: file.readInto,
    readAt(into: Buffer, from: number): number {
      if (!readable()) return 0;
      f.readBack++;
      return file.readAt(into, from);
    },
  };
  return f;
}

async function exchangesOf(input: Parameters<typeof readCapture>[0]): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of readCapture(input, { file: 'kept.pcap', engine: 'fast' })) out.push(ex);
  return out;
}

const bodies = (exs: Exchange[]): string[] => exs.flatMap((ex) => [ex.request.body, ex.response?.body].map((b) => (b ? Buffer.from(b.bytes).toString('base64') : '-')));

describe('bodies left in the file', () => {
  it('are read from it only when looked at, and equal the bodies copied from a stream', async () => {
    const bytes = capture(20261124);
    const file = fileOf(bytes);
    const kept = await exchangesOf(file);
    assert.ok(kept.length > 20, `${kept.length} exchanges`);
    // lengths are known without reading
    const lengths = kept.reduce((n, ex) => n + (ex.request.body?.length ?? 0) + (ex.response?.body?.length ?? 0), 0);
    assert.ok(lengths > 10_000, `${lengths} body bytes`);
    // (a flow handed back to the JS engine inside a body has the part before read back then: the conversations are disturbed on purpose)
    assert.ok(file.readBack < kept.length / 20, `${file.readBack} reads back for ${kept.length} exchanges before any body is looked at`);
    const before = file.readBack;
    const copied = await ingestBytes(bytes, 'kept.pcap', 65_536, undefined, 'js');
    assert.deepEqual(bodies(kept), bodies(copied.exchanges));
    // read back through a window of the file: a read for many bodies
    const reads = file.readBack - before;
    assert.ok(reads > 0 && reads < kept.length / 10, `${reads} reads back for the bodies of ${kept.length} exchanges`);
    const once = file.readBack;
    bodies(kept);
    assert.equal(file.readBack, once, 'each body is read back once');
  });

  it('a file that ended or changed before a body is read: an InputError naming the file and the offset', async () => {
    let readable = true;
    const kept = await exchangesOf(fileOf(capture(7), () => readable));
    readable = false;
    let failed = 0;
    for (const body of kept.flatMap((ex) => [ex.request.body, ex.response?.body])) {
      try {
        void body?.bytes;
      } catch (e) {
        assert.ok(e instanceof InputError && e.file === 'kept.pcap' && typeof e.offset === 'number', String(e));
        assert.match(e.message, /^kept\.pcap: at byte \d+: the file ended or changed before a body in it was read$/);
        failed++;
      }
    }
    assert.ok(failed > kept.length / 4, `${failed} of ${kept.length} exchanges' bodies could not be read`);
  });
});
