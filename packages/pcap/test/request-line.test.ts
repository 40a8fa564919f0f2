import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpConversation, pcapFile, tcpConversation } from '@overhear/testkit';
import { ingestBytes } from './helpers.js';

/**
 * Request lines take a fast path when they are "METHOD target HTTP/x.y" with
 * single spaces; anything else goes the lenient way. Both must agree: these
 * lines sit on the border between the two.
 */
const cases: Array<[line: string, method: string, target: string, version: string]> = [
  ['GET /a HTTP/1.1', 'GET', '/a', '1.1'],
  ['get /a HTTP/1.1', 'get', '/a', '1.1'],
  ['PROPFIND /dav/ HTTP/1.1', 'PROPFIND', '/dav/', '1.1'],
  ['GET /a\tb HTTP/1.1', 'GET', '/a\tb', '1.1'],
  ['GET \t/x HTTP/1.1', 'GET', '/x', '1.1'],
  ['GET /x\t HTTP/1.1', 'GET', '/x', '1.1'],
  ['GET /x HTTP/1.1\t', 'GET', '/x', '1.1'],
  ['GET  /x HTTP/1.1', 'GET', '/x', '1.1'],
  ['GET /x  HTTP/1.0', 'GET', '/x', '1.0'],
  ['GET\t/x HTTP/1.1', 'GET', '/x', '1.1'],
  ['DELETE /orders/7 HTTP/1.1', 'DELETE', '/orders/7', '1.1'],
  ['OPTIONS * HTTP/1.1', 'OPTIONS', '*', '1.1'],
];

for (const [line, method, target, version] of cases) {
  test(`request line ${JSON.stringify(line)}`, async () => {
    const raw = Buffer.from(`${line}\r\nHost: fixture.local\r\n\r\n`, 'latin1');
    const { exchanges } = await ingestBytes(pcapFile(httpConversation('', 1_700_000_000_000, 40000, raw)));
    assert.equal(exchanges.length, 1);
    const r = exchanges[0]!.request;
    assert.equal(r.method, method);
    assert.equal(r.path, target);
    assert.equal(r.httpVersion, version);
    assert.equal(r.host, 'fixture.local');
    assert.equal(exchanges[0]!.response?.status, 200);
  });
}

test('a method with a character outside the token set is not a request', async () => {
  const raw = Buffer.from('GE(T /x HTTP/1.1\r\nHost: fixture.local\r\n\r\n', 'latin1');
  const { exchanges } = await ingestBytes(pcapFile(httpConversation('', 1_700_000_000_000, 40000, raw)));
  assert.equal(exchanges.length, 0);
});

test('a value whose lower case is longer ("İ") does not shift the header names after it', async () => {
  // "İ".toLowerCase() is two characters: slicing names out of a lower-cased head lost Content-Length
  // here, and the body was read as the start of the next request (a desync an attacker can cause).
  const raw = Buffer.from('POST /a HTTP/1.1\r\nHost: fixture.local\r\nX-Name: İİİİİİ\r\nContent-Length: 5\r\n\r\nhello', 'utf8');
  const { exchanges } = await ingestBytes(pcapFile(httpConversation('', 1_700_000_000_000, 40000, raw)));
  assert.equal(exchanges.length, 1);
  const r = exchanges[0]!.request;
  assert.deepEqual(r.headers, [['host', 'fixture.local'], ['x-name', 'İİİİİİ'], ['content-length', '5']]);
  assert.equal(Buffer.from(r.body!.bytes).toString(), 'hello');
  assert.equal(exchanges[0]!.response?.status, 200);
});

test('an absolute-form target names the host, over a Host header that says otherwise (RFC 9112 §3.2.2)', async () => {
  // a proxy-style request whose Host disagrees: the server goes by the target, and so must the inventory
  const raw = Buffer.from('GET http://internal.example:8080/admin?x=1 HTTP/1.1\r\nHost: public.example\r\n\r\n', 'latin1');
  const { exchanges } = await ingestBytes(pcapFile(httpConversation('', 1_700_000_000_000, 40000, raw)));
  assert.deepEqual(exchanges.map((e) => `${e.request.host} ${e.request.path}`), ['internal.example:8080 /admin']);
});

test('a request line without version is HTTP/0.9 only if the server answers it before headers follow', async () => {
  // llhttp reads the version-less line and the headers after it as one HTTP/1 request, whatever the segments
  const split = await ingestBytes(pcapFile(tcpConversation([
    [true, Buffer.from('POST /p\r\n', 'latin1')],
    [true, Buffer.from('Host: fixture.local\r\nContent-Length: 5\r\n\r\nhello', 'latin1')],
    [false, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1')],
  ])));
  // (its answer is still read as Zeek reads answers to version-less lines: no status line, all body; Zeek's methods.pcap)
  assert.deepEqual(split.exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.request.host} ${e.request.body?.length ?? 0} ${e.response?.status}`), ['POST /p fixture.local 5 0']);
  // a simple request: the server answers the lone line at once, with no status line
  const simple = await ingestBytes(pcapFile(tcpConversation([
    [true, Buffer.from('GET /old\r\n', 'latin1')],
    [false, Buffer.from('<html>hi</html>', 'latin1')],
  ])));
  assert.deepEqual(simple.exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.request.httpVersion} ${e.response?.body?.length} ${e.flags?.join(',') ?? ''}`), ['GET /old 0.9 15 ']);
});

test('a connection whose client sends a few bytes a segment is still recognised (its first bytes are held until a line ends)', async () => {
  // one byte per segment used to leave the connection undecided, and every request on it unseen
  // (after two empty lines, which servers skip)
  const raw = '\r\n\r\nGET /a HTTP/1.1\r\nHost: fixture.local\r\n\r\nPOST /b HTTP/1.1\r\nHost: fixture.local\r\nContent-Length: 2\r\n\r\nhi';
  const turns: Array<[boolean, Buffer]> = [...raw].map((c) => [true, Buffer.from(c, 'latin1')]);
  const { exchanges } = await ingestBytes(pcapFile(tcpConversation(turns)));
  assert.deepEqual(exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.request.body?.length ?? 0}`), ['GET /a 0', 'POST /b 2']);
  // a request line cut by the end of the connection before its line end is still one
  const cut = await ingestBytes(pcapFile(tcpConversation([[true, Buffer.from('GET /c', 'latin1')]])));
  assert.deepEqual(cut.exchanges.map((e) => e.request.path), ['/c']);
});

test('first bytes held on one side still come first when the other side decides the flow', async () => {
  const { exchanges } = await ingestBytes(pcapFile(tcpConversation([
    [true, Buffer.from('GET /a HT', 'latin1')],
    [false, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1')],
    [true, Buffer.from('TP/1.1\r\nHost: fixture.local\r\n\r\n', 'latin1')],
  ])));
  assert.deepEqual(exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.request.host}`), ['GET /a fixture.local']);
});
