import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { captureFiles, corpora, pcapFile, tcpConversation } from '@overhear/testkit';
import { ingestBytes, ingestFile } from './helpers.js';

/**
 * Requests whose length is stated ambiguously (RFC 9112 §6): each is kept,
 * marked with what was ambiguous, and parsing goes on as a server that
 * follows the RFC would (Transfer-Encoding wins; an unknown length ends
 * parsing until a request line starts a line).
 */
async function requests(clientBytes: string): Promise<{ lines: string[]; skipped: Record<string, number> }> {
  const r = await ingestBytes(pcapFile(tcpConversation([[true, Buffer.from(clientBytes, 'latin1')]])));
  return {
    lines: r.exchanges.map((e) => `${e.request.method} ${e.request.path} ${e.request.body?.length ?? 0} ${e.request.framing ?? 'clean'}`),
    skipped: r.stats.skipped,
  };
}

const H = 'Host: api.example\r\n';
const NEXT = `GET /next HTTP/1.1\r\n${H}\r\n`;

describe('ambiguous request framing', () => {
  it('Content-Length beside Transfer-Encoding: read as chunked, as the server behind a proxy that reads Content-Length does, and marked', async () => {
    // The classic CL.TE smuggle: the proxy forwards Content-Length's 35 bytes as one body; the server
    // reads the chunked body (empty) and takes the rest for the start of the next request, the
    // victim's "GET /next" line becoming the value of X.
    const smuggled = '0\r\n\r\nGET /admin HTTP/1.1\r\nX: ';
    const r = await requests(`POST /pay HTTP/1.1\r\n${H}Content-Length: ${smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n${smuggled}` + NEXT);
    assert.deepEqual(r.lines, ['POST /pay 0 content-length-and-transfer-encoding', 'GET /admin 0 clean']);
  });

  it('Content-Length values that differ, or one that is no number: the length is unknown, nothing after it is taken for a method', async () => {
    for (const [cl, anomaly] of [
      ['Content-Length: 5\r\nContent-Length: 7', 'conflicting-content-length'],
      ['Content-Length: 5, 7', 'conflicting-content-length'],
      ['Content-Length: +5', 'invalid-content-length'],
      ['Content-Length: 1e1', 'invalid-content-length'],
      ['Content-Length: 99999999999999999999', 'invalid-content-length'],
    ] as const) {
      const r = await requests(`POST /p HTTP/1.1\r\n${H}${cl}\r\n\r\nhelloGET /glued HTTP/1.1\r\n${H}\r\n` + NEXT);
      // "helloGET" used to become a method, "/glued" an endpoint
      assert.deepEqual(r.lines, [`POST /p 0 ${anomaly}`, 'GET /next 0 clean'], cl);
      assert.equal(r.skipped['http-request-length-unknown'], 1, cl);
    }
  });

  it('Transfer-Encoding that does not end in chunked, and Transfer-Encoding in HTTP/1.0', async () => {
    const notChunked = await requests(`POST /p HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n` + NEXT);
    assert.deepEqual(notChunked.lines, ['POST /p 0 transfer-encoding-not-chunked', 'GET /next 0 clean']);
    const http10 = await requests(`POST /p HTTP/1.0\r\n${H}Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n` + NEXT);
    assert.deepEqual(http10.lines, ['POST /p 5 transfer-encoding-in-http-1.0', 'GET /next 0 clean']);
  });

  it('a framing header some servers do not see: white space before the colon, or folded', async () => {
    const r = await requests(
      `POST /a HTTP/1.1\r\n${H}Content-Length : 5\r\n\r\nhello` +
        `POST /b HTTP/1.1\r\n${H}Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n` +
        // Zeek's multi_value_te trace; one header naming identity after chunked used to switch chunked off
        `POST /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n` +
        `POST /d HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n` +
        NEXT,
    );
    // read as the lenient servers read them, and marked
    assert.deepEqual(r.lines, ['POST /a 5 obfuscated-framing-header', 'POST /b 5 obfuscated-framing-header', 'POST /c 5 obfuscated-framing-header', 'POST /d 5 obfuscated-framing-header', 'GET /next 0 clean']);
  });

  it('what the RFC allows is not marked: repeated equal lengths, case, white space, empty list elements', async () => {
    const r = await requests(
      `POST /a HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello` +
        `POST /b HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello` +
        `POST /c HTTP/1.1\r\n${H}Transfer-Encoding:\t, Chunked ,\r\n\r\n5\r\nhello\r\n0\r\n\r\n` +
        NEXT,
    );
    assert.deepEqual(r.lines, ['POST /a 5 clean', 'POST /b 5 clean', 'POST /c 5 clean', 'GET /next 0 clean']);
    assert.deepEqual(r.skipped, {});
  });

  it('a host named two ways: several Host headers, or a target naming another host than Host', async () => {
    const hosts = async (client: string): Promise<string[]> => {
      const r = await ingestBytes(pcapFile(tcpConversation([[true, Buffer.from(client, 'latin1')]])));
      return r.exchanges.map((e) => `${e.request.host} ${e.request.hostAnomaly ?? 'clean'}`);
    };
    assert.deepEqual(await hosts('GET /a HTTP/1.1\r\nHost: public.example\r\nHost: internal.example\r\n\r\n'), ['public.example several-host-headers']);
    assert.deepEqual(await hosts('GET http://internal.example/admin HTTP/1.1\r\nHost: public.example\r\n\r\n'), ['internal.example host-differs-from-target']);
    // the same host but for case, a trailing dot or a default port is one host
    assert.deepEqual(
      await hosts('GET http://API.example:80/a HTTP/1.1\r\nHost: api.example.\r\n\r\nGET https://api.example/b HTTP/1.1\r\nHost: api.example:443\r\n\r\nGET /c HTTP/1.1\r\nHost: api.example\r\n\r\n'),
      ['api.example clean', 'api.example clean', 'api.example clean'],
    );
  });

  it('a chunked body broken off by a line that is no chunk size: parsing resumes at that line, wherever the segments split it', async () => {
    // "2POST /next …" is no size line: the body is given up, and the line is read again from its first byte
    const stream = `PUT /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n2POST /next HTTP/1.1\r\n${H}\r\n${NEXT}`;
    const read = async (cuts: number[]): Promise<string[]> => {
      const parts: Array<[boolean, Buffer]> = [];
      let from = 0;
      for (const c of [...cuts, stream.length]) {
        parts.push([true, Buffer.from(stream.slice(from, c), 'latin1')]);
        from = c;
      }
      const r = await ingestBytes(pcapFile(tcpConversation(parts)), 'split.pcap', 65_536, undefined, 'js');
      return r.exchanges.map((e) => `${e.request.method} ${e.request.path}${e.flags?.includes('request-interrupted') ? ' interrupted' : ''}`);
    };
    const whole = await read([]);
    assert.deepEqual(whole, ['PUT /a interrupted', 'GET /next']);
    const at = stream.indexOf('2POST');
    // split right after the "2", and right after "2P": the same requests (the first split used to find a POST)
    assert.deepEqual(await read([at + 1]), whole);
    assert.deepEqual(await read([at + 2]), whole);
    assert.deepEqual(await read([at - 3, at + 1, at + 7]), whole);
  });

  it('in every capture of the corpora, only the smuggling tests are marked (Zeek\'s 261 variants, Suricata\'s Qlik exploit)', { skip: !corpora() && 'corpora absent' }, async () => {
    const root = corpora()!;
    const files = captureFiles(root);
    const marked: string[] = [];
    let exchanges = 0;
    for (const f of files) {
      let r;
      try {
        r = await ingestFile(f);
      } catch {
        continue; // the corpora's broken captures are the bad-input tests' business
      }
      exchanges += r.exchanges.length;
      for (const e of r.exchanges) if (e.request.framing || e.request.hostAnomaly) marked.push(`${relative(root, f)} ${e.request.method} ${e.request.framing ?? e.request.hostAnomaly}`);
    }
    assert.ok(files.length >= 200 && exchanges >= 1500, `${files.length} captures, ${exchanges} exchanges`);
    assert.deepEqual(marked, [
      // CVE-2023-41265: "Content-Length: 0" with "Transfer-Encoding: ,\tchunked,"
      'pcaps/suricata-verify/http-chunked/input.pcap HEAD content-length-and-transfer-encoding',
      'zeek/traces/http/261/variant-02-cl_uint64max.pcap POST invalid-content-length',
      'zeek/traces/http/261/variant-03-cl_negative.pcap POST invalid-content-length',
      'zeek/traces/http/261/variant-04-te_cl_desync.pcap POST content-length-and-transfer-encoding',
      'zeek/traces/http/261/variant-09-te_obs_fold.pcap POST obfuscated-framing-header',
      'zeek/traces/http/261/variant-10-multi_value_te.pcap POST obfuscated-framing-header',
    ]);
  });
});
