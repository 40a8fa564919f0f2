import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, headerValue, type Exchange } from '@overhear/model';
import { corpora } from '@overhear/testkit';
import { readHar } from '../src/index.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

async function readAll(path: string, chunkSize = 64 * 1024): Promise<{ exchanges: Exchange[]; stats: ReturnType<typeof readHar>['stats'] }> {
  const src = readHar(createReadStream(path, { highWaterMark: chunkSize }), { file: path });
  const exchanges: Exchange[] = [];
  for await (const ex of src) exchanges.push(ex);
  return { exchanges, stats: src.stats };
}

async function rejection(path: string): Promise<InputError> {
  try {
    await readAll(path);
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${path} was read without error`);
}

test('quirks: base64, HTTP/2 pseudo-headers, fragments, IDN, form params, status 0, non-HTTP entries', async () => {
  const { exchanges, stats } = await readAll(join(fixtures, 'quirks.har'));
  assert.equal(exchanges.length, 5);
  assert.deepEqual(stats.skipped, { 'scheme-data': 1, 'scheme-blob': 1, 'scheme-chrome-extension': 1, websocket: 1 });

  const [h2, idn, empty, blocked, escaped] = exchanges as [Exchange, Exchange, Exchange, Exchange, Exchange];
  assert.equal(h2.request.method, 'GET');
  assert.equal(h2.request.host, 'api.example.com', 'host lower-cased, default port dropped');
  assert.equal(h2.request.path, '/v1/items/42', 'no query, no fragment');
  assert.deepEqual(h2.request.query, [['sort', 'asc'], ['q', 'café'], ['flag', '']]);
  assert.equal(h2.request.httpVersion, 'HTTP/2');
  assert.ok(!h2.request.headers.some(([n]) => n.startsWith(':')), 'pseudo-headers dropped');
  assert.equal(headerValue(h2.request.headers, 'x-tenant'), 'acme');
  assert.deepEqual(h2.server, { ip: '2001:db8::1', port: 443 });
  assert.equal(h2.scheme, 'https');
  assert.equal(h2.startedAt, Date.parse('2026-01-02T03:04:05.678Z'));
  assert.equal(h2.durationMs, 12.5);
  assert.equal(Buffer.from(h2.response!.body!.bytes).toString(), '{"id":42,"name":"widget"}');

  assert.equal(idn.request.host, 'xn--mnchen-3ya.example', 'IDN as punycode');
  assert.equal(idn.request.path, '/bestellen/%E2%9C%93', 'percent-encoding kept in the path');
  assert.equal(Buffer.from(idn.request.body!.bytes).toString(), 'qty=2&note=a+b', 'form params rebuilt when text is missing');

  assert.equal(empty.request.body, undefined, 'empty postData.text is no body');
  assert.equal(empty.response!.body, undefined);
  assert.equal(blocked.response, undefined, 'status 0 means no response was received');
  assert.equal(escaped.request.path, '/v1/esc%22aped/path', 'backslash is a slash in http URLs, as browsers read them');
  assert.equal(headerValue(escaped.request.headers, 'x-quote'), 'say "hi" \\o/ ]}');
  assert.equal(Buffer.from(escaped.response!.body!.bytes).toString(), '}]]}{');
});

test('the result does not depend on how the input is chunked', async () => {
  const whole = await readAll(join(fixtures, 'quirks.har'), 1 << 20);
  for (const size of [1, 2, 3, 7, 64]) {
    const small = await readAll(join(fixtures, 'quirks.har'), size);
    assert.deepEqual(small.exchanges, whole.exchanges, `chunk size ${size}`);
    assert.deepEqual(small.stats.skipped, whole.stats.skipped);
  }
});

test('a UTF-8 byte-order mark is accepted', async () => {
  const { exchanges } = await readAll(join(fixtures, 'bom.har'));
  assert.equal(exchanges.length, 1);
});

test('a truncated HAR is an error naming the file and the offset where it broke off', async () => {
  const e = await rejection(join(fixtures, 'truncated.har'));
  assert.match(e.message, /truncated\.har/);
  assert.match(e.message, /breaks off|truncated|not valid JSON/);
  assert.ok(e.offset !== undefined && e.offset > 0 && e.offset <= 1800, `offset ${e.offset}`);
});

test('JSON that is not HAR, a binary file and a broken entry are errors', async () => {
  assert.match((await rejection(join(fixtures, 'not-har.json'))).message, /no "log" object/);
  const bin = await rejection(join(fixtures, 'binary.bin'));
  assert.match(bin.message, /not a HAR file/);
  assert.equal(bin.offset, 0);
  const bad = await rejection(join(fixtures, 'bad-entry.har'));
  assert.match(bad.message, /entry 2 is not valid JSON/);
  assert.equal(bad.offset, readFileSync(join(fixtures, 'bad-entry.har'), 'utf8').indexOf('{"request": nope'));
});

test('an entry larger than the cap is skipped and counted, never buffered whole', async () => {
  const big = 'x'.repeat(5000);
  const har = JSON.stringify({ log: { version: '1.2', entries: [
    { startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'GET', url: 'http://a.example/small', headers: [] }, response: { status: 200, headers: [], content: {} } },
    { startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'GET', url: 'http://a.example/big', headers: [] }, response: { status: 200, headers: [], content: { text: big } } },
  ] } });
  const src = readHar([Buffer.from(har)], { file: 'mem', caps: { maxEntryBytes: 1000 } });
  const got: string[] = [];
  for await (const ex of src) got.push(ex.request.path);
  assert.deepEqual(got, ['/small']);
  assert.equal(src.stats.skipped['entry-too-large'], 1);
});

test('bodies are capped but their length is still counted', async () => {
  const text = 'y'.repeat(3000);
  const har = JSON.stringify({ log: { entries: [{ request: { method: 'POST', url: 'http://a.example/u', postData: { text } }, response: { status: 200, content: { text: Buffer.from(text).toString('base64'), encoding: 'base64' } } }] } });
  const src = readHar([Buffer.from(har)], { file: 'mem', caps: { maxBodyBytes: 1000 } });
  const all: Exchange[] = [];
  for await (const e of src) all.push(e);
  const ex = all[0];
  assert.equal(ex!.request.body!.bytes.length, 1000);
  assert.equal(ex!.request.body!.length, 3000);
  assert.equal(ex!.request.body!.truncated, true);
  assert.equal(ex!.response!.body!.bytes.length, 1000);
  assert.equal(ex!.response!.body!.length, 3000);
});

test('every HAR in the shared corpus reads without error, entry counts as indexed', async (t) => {
  const dir = corpora('har');
  if (!dir) return t.skip('corpora absent');
  const index = readFileSync(join(dir, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  let files = 0;
  for (const [file, , , , entries] of index) {
    const path = join(dir, file!);
    if (!existsSync(path)) continue;
    const { exchanges, stats } = await readAll(path);
    const skipped = Object.values(stats.skipped).reduce((a, b) => a + b, 0);
    assert.equal(exchanges.length + skipped, Number(entries), `${file}: ${exchanges.length} exchanges + ${skipped} skipped`);
    files++;
  }
  const onDisk = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.har')).length;
  assert.equal(files, onDisk, 'INDEX.tsv lists every HAR file');
});
