import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '@overhear/model';
import { pcapFile, runCli, tcpConversation, tempDir } from '@overhear/testkit';

const H = 'Host: shop.example\r\n';
const OK = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}');
const client = (s: string): Buffer => Buffer.from(s, 'latin1');

test('request smuggling and host confusion in a capture become findings on their endpoints, and nothing else does', () => {
  const smuggled = '0\r\n\r\nGET /admin/users HTTP/1.1\r\nX: ';
  const pcap = pcapFile([
    // CL.TE: a proxy reading Content-Length forwards everything; the server reads chunked and gets /admin/users
    ...tcpConversation([[true, client(`POST /api/pay HTTP/1.1\r\n${H}Content-Length: ${smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n${smuggled}`)], [false, OK]], { clientPort: 40001 }),
    // a length no server can rely on: the glued "helloGET" must not become a method
    ...tcpConversation([[true, client(`POST /api/cart HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhelloGET /api/cart HTTP/1.1\r\n${H}\r\n`)], [false, OK]], { clientPort: 40002, t0: 1_700_000_001_000 }),
    // a clean request on the same host
    ...tcpConversation([[true, client(`POST /api/orders HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`)], [false, OK]], { clientPort: 40003, t0: 1_700_000_002_000 }),
    // a second Host header for whichever of proxy and server takes the last one
    ...tcpConversation([[true, client(`GET /api/profile HTTP/1.1\r\n${H}Host: internal.shop.example\r\n\r\n`)], [false, OK]], { clientPort: 40004, t0: 1_700_000_003_000 }),
  ]);
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'smuggle.pcap');
    writeFileSync(file, pcap);
    const db = join(dir, 'c.db');
    const ing = runCli(['ingest', file, '--db', db]);
    assert.equal(ing.status, 0, ing.stderr);
    assert.match(ing.stdout + ing.stderr, /http-request-length-unknown/, 'the summary says a request of unknown length was met');

    const findings = JSON.parse(runCli(['findings', '--json', '--db', db]).stdout) as Finding[];
    const framing = findings.filter((f) => f.rule === 'ambiguous-request-framing').map((f) => `${f.method} ${f.path} ${f.severity} ${f.owasp}`);
    assert.deepEqual(framing.sort(), ['POST /api/cart medium API8:2023', 'POST /api/pay high API8:2023']);
    assert.ok(!findings.some((f) => f.path === '/api/orders'), 'the clean endpoint has no finding');
    assert.deepEqual(findings.filter((f) => f.rule === 'ambiguous-host').map((f) => `${f.host} ${f.method} ${f.path} ${f.severity}`), ['shop.example GET /api/profile medium']);

    const endpoints = JSON.parse(runCli(['endpoints', '--json', '--db', db]).stdout) as Array<{ method: string; path: string }>;
    const seen = endpoints.map((e) => `${e.method} ${e.path}`).sort();
    // the server behind the proxy saw GET /admin/users: so does the inventory; "helloGET" is no method
    assert.deepEqual(seen, ['GET /admin/users', 'GET /api/profile', 'POST /api/cart', 'POST /api/orders', 'POST /api/pay']);
  } finally {
    cleanup();
  }
});
