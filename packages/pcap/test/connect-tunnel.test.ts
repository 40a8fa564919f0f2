import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { corpora, pcapFile, tcpConversation, type Pkt } from '@overhear/testkit';
import { ingestBytes, ingestFile } from './helpers.js';

/** A client talking to a forward proxy on 3128: `turns` of [fromClient, text] after the handshake. */
function proxyConversation(turns: Array<[boolean, string]>): Pkt[] {
  return tcpConversation(
    turns.map(([fromClient, text]) => [fromClient, Buffer.from(text, 'latin1')]),
    { serverPort: 3128 },
  );
}

const CONNECT = 'CONNECT inner.example:80 HTTP/1.1\r\nHost: inner.example:80\r\n\r\n';
const ESTABLISHED = 'HTTP/1.1 200 Connection established\r\n\r\n';

describe('CONNECT tunnels', () => {
  it('reads plain HTTP sent through the tunnel', async () => {
    const r = await ingestBytes(
      pcapFile(
        proxyConversation([
          [true, CONNECT],
          [false, ESTABLISHED],
          [true, 'GET /inner/path?id=7 HTTP/1.1\r\nHost: inner.example\r\n\r\n'],
          [false, 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'],
        ]),
      ),
    );
    assert.deepEqual(
      r.exchanges.map((e) => `${e.request.method} ${e.request.host} ${e.request.path} ${e.response?.status} ${e.flags?.join(',') ?? ''}`),
      ['CONNECT inner.example / 200 connect', 'GET inner.example /inner/path 200 '],
    );
    assert.equal(r.stats.counters.httpFlows, 1, 'one TCP connection');
  });

  it('a refused CONNECT leaves the connection HTTP, and a tunnel of another protocol is not read as HTTP', async () => {
    const refused = await ingestBytes(
      pcapFile(
        proxyConversation([
          [true, CONNECT],
          [false, 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n'],
          [true, 'GET http://inner.example/after HTTP/1.1\r\nHost: inner.example\r\n\r\n'],
          [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
        ]),
      ),
    );
    assert.deepEqual(refused.exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.response?.status}`), ['CONNECT / 407', 'GET /after 200']);
    const smtp = await ingestBytes(
      pcapFile(
        proxyConversation([
          [true, CONNECT],
          [false, ESTABLISHED],
          [false, '220 mail.inner.example ESMTP\r\n'],
          [true, 'EHLO client\r\n'],
        ]),
      ),
    );
    assert.deepEqual(smtp.exchanges.map((e) => e.request.method), ['CONNECT']);
  });

  it('a CONNECT without Host header is filed under its tunnel target, not the proxy (Zeek trace: SMTP through a proxy)', { skip: !corpora('zeek') && 'corpora absent' }, async () => {
    const bare = await ingestBytes(pcapFile(proxyConversation([[true, 'CONNECT mail.inner.example:25 HTTP/1.1\r\n\r\n'], [false, ESTABLISHED]])));
    assert.deepEqual(bare.exchanges.map((e) => `${e.request.host} ${e.request.path}`), ['mail.inner.example:25 /']);
    const r = await ingestFile(join(corpora('zeek')!, 'traces/http/connect-with-smtp.pcap'));
    // its request line is "CONNECT mailin03.sul.t-online.de:25 / HTTP/1.0": the target is the first word
    assert.equal(r.exchanges[0]!.request.host, 'mailin03.sul.t-online.de:25');
  });

  const zeek = corpora('zeek');
  it('records the TLS server name inside an HTTPS tunnel (Zeek trace)', { skip: !zeek && 'corpora absent' }, async () => {
    const r = await ingestFile(join(zeek!, 'traces/http/connect-with-header.pcap'));
    assert.deepEqual(r.exchanges.map((e) => `${e.request.method} ${e.request.host} ${e.response?.status}`), ['CONNECT secure.newegg.com:443 200']);
    assert.deepEqual(r.stats.tlsHosts, { 'secure.newegg.com': 1 });
  });
});
