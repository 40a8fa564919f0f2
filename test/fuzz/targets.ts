import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type Exchange } from '@overhear/model';
import { readHar } from '@overhear/har';
import { fastPathTotals, readCapture } from '@overhear/pcap';
import { importSpec } from '@overhear/spec';
import { SchemaAccumulator, parseBody, credentials, PathTemplater } from '@overhear/infer';
import { createRedactor, createScanner, decodeJwt, evaluateRules } from '@overhear/detect';
import { bytesAsFile, keepAliveConversation, pcapFile, repoRoot } from '@overhear/testkit';
import { openapiSeeds } from './openapi-seeds.js';

/**
 * What the fuzzer feeds: each target takes untrusted bytes the way overhear
 * meets them. An InputError is a correct answer to bad input; anything else
 * thrown is a crash.
 */
export interface Target {
  name: string;
  /** Real inputs to start from: shipped captures and the shared corpora. */
  seeds(): Buffer[];
  run(input: Buffer): Promise<void> | void;
  maxLen: number;
}

const corporaDir = process.env.OVERHEAR_CORPORA ?? join(repoRoot, '..', 'shared', 'corpora');

function files(dir: string, ext: RegExp, maxBytes: number, limit: number): Buffer[] {
  if (!existsSync(dir)) return [];
  const out: Buffer[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (out.length >= limit) return;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (ext.test(name) && st.size > 0 && st.size <= maxBytes) out.push(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

async function drain(src: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of src) void _;
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

function expected(e: unknown): void {
  if (e instanceof InputError) return;
  throw e;
}

const redactor = createRedactor(new Uint8Array(32).fill(7));
const scan = createScanner({ redactor });

function exchangeWith(body: Buffer, mediaType: string, headers: Array<[string, string]> = []): Exchange {
  return {
    source: 'har',
    startedAt: 1_700_000_000_000,
    scheme: 'http',
    request: { method: 'POST', host: 'fuzz.example', path: '/x', query: [], httpVersion: 'HTTP/1.1', headers: [['content-type', mediaType], ...headers], body: { bytes: body, length: body.length, truncated: false } },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [['content-type', mediaType], ...headers], body: { bytes: body, length: body.length, truncated: false } },
  };
}

/** An exchange as plain data, bodies and flags included (their getters read). */
function canonical(ex: Exchange): unknown {
  const body = (b: Exchange['request']['body']): unknown => b && { length: b.length, truncated: b.truncated, bytes: Buffer.from(b.bytes).toString('base64') };
  return { ...ex, flags: ex.flags, request: { ...ex.request, body: body(ex.request.body) }, response: ex.response && { ...ex.response, body: body(ex.response.body) } };
}

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'text/plain'];

export const targets: Target[] = [
  {
    name: 'har',
    maxLen: 256 * 1024,
    seeds: () => [...files(join(repoRoot, 'packages/har/test/fixtures'), /\.(har|json)$/, 64 * 1024, 10), ...files(join(corporaDir, 'har'), /\.har$/, 64 * 1024, 20)],
    run: async (b) => {
      try {
        // Two chunkings: the slicer must agree with itself across chunk boundaries.
        await drain(readHar([b], { file: 'fuzz.har' }));
        const mid = b.length >> 1;
        await drain(readHar([b.subarray(0, mid), b.subarray(mid)], { file: 'fuzz.har' }));
      } catch (e) {
        expected(e);
      }
    },
  },
  {
    name: 'pcap',
    maxLen: 512 * 1024,
    seeds: () => [
      ...files(join(corporaDir, 'zeek/traces'), /\.(pcap|pcapng)$/, 24 * 1024, 40),
      ...files(join(corporaDir, 'pcaps'), /\.(pcap|pcapng)$/, 24 * 1024, 20),
      // IP fragments (inside GTP): the reassembler's input
      ...files(join(corporaDir, 'zeek/traces/tunnels/gtp'), /fragmentation\.pcap$/, 72 * 1024, 1),
    ],
    run: async (b) => {
      try {
        await drain(readCapture(once(b), { file: 'fuzz.pcap' }));
      } catch (e) {
        expected(e);
      }
    },
  },
  {
    // The two capture engines must agree: the WebAssembly fast path and the JS engine, on the same bytes.
    name: 'pcap-engines',
    maxLen: 256 * 1024,
    seeds: () => [
      ...files(join(corporaDir, 'zeek/traces/http'), /\.(pcap|pcapng)$/, 24 * 1024, 20),
      // keep-alive connections: the fast path takes a flow over only once it is quiet
      ...Array.from({ length: 12 }, (_, i) => pcapFile([...keepAliveConversation(1000 + i, 40000), ...keepAliveConversation(2000 + i, 40001)].sort((a, b) => a.tsMs - b.tsMs))),
    ],
    run: async (b) => {
      const read = async (engine: 'js' | 'fast'): Promise<string> => {
        try {
          // as ingest reads a file: into the reader's own memory, the fast path leaving bodies in the file until read;
          // 4 KiB a read, so that it reads into its own memory (and leaves bodies) from the slice after its first flow
          const src = readCapture(bytesAsFile(b, 4096), { file: 'fuzz.pcap', engine });
          const out: unknown[] = [];
          for await (const ex of src) out.push(canonical(ex));
          // every message charged to the budget is let go by the end (a leak would close flows early on long inputs)
          if (src.stats.counters.messageBytes) throw new Error(`${engine}: ${src.stats.counters.messageBytes} message bytes still charged at the end`);
          return JSON.stringify({ out, stats: src.stats });
        } catch (e) {
          expected(e);
          return `InputError: ${(e as Error).message}`;
        }
      };
      const js = await read('js');
      const disagreements = fastPathTotals.disagreements;
      const fast = await read('fast');
      if (js !== fast) throw new Error(`the engines differ:\njs   ${js.slice(0, 2000)}\nfast ${fast.slice(0, 2000)}`);
      // JS recovers from a head the fast path took wrongly, so the outputs agree; the disagreement is still a bug
      if (fastPathTotals.disagreements !== disagreements) throw new Error('the fast path took a head JS frames otherwise');
    },
  },
  {
    // Small inputs (like libFuzzer's -max_len): the demo spec cut into one spec per path, small corpus specs, handwritten ones.
    name: 'openapi',
    maxLen: 8 * 1024,
    seeds: () => openapiSeeds(8 * 1024, files(join(corporaDir, 'har/optic'), /\.ya?ml$/, 8 * 1024, 20)),
    run: async (b) => {
      try {
        await importSpec(b.toString('utf8'), 'fuzz.yaml');
      } catch (e) {
        expected(e);
      }
    },
  },
  {
    // JSON, form and multipart parsing and schema accumulation.
    name: 'bodies',
    maxLen: 64 * 1024,
    seeds: () => {
      const har = JSON.parse(readFileSync(join(repoRoot, 'captures/demo.har'), 'utf8')) as { log: { entries: Array<{ response: { content: { text?: string; encoding?: string } } }> } };
      const json = har.log.entries.slice(0, 30).map((e) => Buffer.from(e.response.content.text ?? '', e.response.content.encoding === 'base64' ? 'base64' : 'utf8'));
      return [...json, Buffer.from('a=1&b=%zz&c=&email=x%40example.com'), Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--b--\r\n')];
    },
    run: (b) => {
      for (const mt of BODY_TYPES) {
        const ex = exchangeWith(b, mt);
        const parsed = parseBody(ex.request.body, ex.request.headers);
        if (parsed?.kind === 'json') new SchemaAccumulator().add(parsed.value);
      }
    },
  },
  {
    // The same inputs through the sensitive-data scanner and every rule: slower, so its own target.
    name: 'detect',
    maxLen: 64 * 1024,
    seeds: () => targets.find((t) => t.name === 'bodies')!.seeds(),
    run: (b) => {
      for (const mt of BODY_TYPES) {
        const ex = exchangeWith(b, mt);
        evaluateRules(ex, scan(ex));
      }
    },
  },
  {
    name: 'headers',
    maxLen: 16 * 1024,
    seeds: () => [
      Buffer.from('sid=abc; Max-Age=157680000; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT; SameSite=None'),
      Buffer.from('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwiZXhwIjoxfQ.'),
      Buffer.from('Basic dXNlcjpwYXNz'),
      Buffer.from('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMiLCJlbWFpbCI6ImFAZXhhbXBsZS5jb20ifQ.c2ln'),
      Buffer.from('https://evil.example.org'),
    ],
    run: (b) => {
      const v = b.toString('latin1');
      decodeJwt(v);
      decodeJwt(v.replace(/^Bearer\s+/i, ''));
      const ex = exchangeWith(Buffer.alloc(0), 'application/json', [
        ['set-cookie', v],
        ['cookie', v],
        ['authorization', v],
        ['origin', v],
        ['access-control-allow-origin', v],
        ['access-control-allow-credentials', 'true'],
      ]);
      credentials(ex);
      evaluateRules(ex, scan(ex));
      new PathTemplater().template('fuzz.example', `/${v.slice(0, 2048)}`);
    },
  },
];
