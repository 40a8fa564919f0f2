import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpora } from '@overhear/testkit';
import { ingestFile } from './helpers.js';

const zeek = corpora('zeek');
const pcaps = corpora('pcaps');

describe('link layers, tunnels and protocols in real captures', { skip: !(zeek && pcaps) && 'corpora absent' }, () => {
  const z = (p: string): string => join(zeek!, 'traces', p);
  const paths = async (file: string): Promise<string[]> => (await ingestFile(file)).exchanges.map((e) => `${e.request.method} ${e.request.host}${e.request.path}`);

  it('802.1Q VLAN, QinQ and triple tags', async () => {
    for (const f of ['http-vlan-0.pcap', 'http-qinq-0.pcap', 'vlan-qinqinq.pcap']) {
      const r = await ingestFile(z(f));
      assert.ok(r.exchanges.length >= 1, f);
      assert.ok(r.exchanges.every((e) => e.response?.status), f);
    }
  });

  it('MPLS, VXLAN, GRE-in-UDP, Geneve, Teredo, AYIYA, ERSPAN', async () => {
    assert.equal((await paths(z('mixed-vlan-mpls.pcap'))).length, 2);
    assert.ok((await paths(z('mpls-in-vlan.pcap'))).length >= 1);
    assert.deepEqual(await paths(z('tunnels/vxlan-encapsulated-http.pcap')), (await paths(z('tunnels/vxlan-encapsulated-http.pcap'))).slice(0, 1));
    for (const f of ['tunnels/vxlan-encapsulated-http.pcap', 'tunnels/gre-over-udp-4754.pcap', 'tunnels/geneve-many-options.pcap', 'tunnels/ayiya3.pcap']) {
      assert.ok((await paths(z(f))).length >= 1, f);
    }
    const teredo = await ingestFile(z('tunnels/Teredo.pcap'));
    assert.ok(teredo.exchanges.some((e) => e.request.host === 'ipv6.google.com' && e.client!.ip.startsWith('2001:0:4137:9e50:')));
    const erspan = await ingestFile(join(pcaps!, 'deepflow/decapsulate_erspan1.pcap'));
    assert.ok(erspan.exchanges.some((e) => e.request.path === '/mapi/authorized/token'));
  });

  it('802.11 in radiotap (monitor mode, unencrypted)', async () => {
    const r = await ingestFile(join(pcaps!, 'arkime/80211http.pcap'));
    assert.equal(r.exchanges.length, 7);
    assert.ok(r.exchanges.every((e) => e.request.host === 'qq.com' && e.response));
  });

  it('BSD loopback, raw IPv4, NFLOG, IPv6 and nanosecond pcap', async () => {
    assert.equal((await ingestFile(z('http/connect-with-header.pcap'))).exchanges.length, 1);
    assert.equal((await ingestFile(z('http/261/variant-03-cl_negative.pcap'))).exchanges.length, 2);
    assert.equal((await paths(z('nflog-http.pcap'))).length, 1);
    const v6 = await ingestFile(join(pcaps!, 'arkime/v6-http.pcap'));
    assert.ok(v6.exchanges[0]!.client!.ip.includes(':'));
    const ns = await ingestFile(z('http/get-to-ssh-server.pcap'));
    const t = ns.exchanges[0]!.startedAt;
    assert.ok(t > Date.UTC(2020, 0) && t < Date.UTC(2030, 0), new Date(t).toISOString());
  });

  it('reassembles IP fragments, counts HTTP/2 and other protocols instead of failing', async () => {
    const frag = await ingestFile(z('tunnels/gtp/gtp1_gn_normal_incl_fragmentation.pcap'));
    assert.ok(frag.stats.counters.ipDatagramsReassembled! > 0);
    const h2 = await ingestFile(join(pcaps!, 'arkime/http2-nghttp2.pcap'));
    assert.equal(h2.exchanges.length, 0);
    assert.equal(h2.stats.skipped['http2'], 1);
    const sctp = await ingestFile(join(pcaps!, 'arkime/sctp-www.pcap'));
    assert.equal(sctp.stats.skipped['sctp'], 84);
  });

  it('decodes brotli and stacked gzip codings', async () => {
    const br = await ingestFile(join(pcaps!, 'suricata-verify/http-brotli-ce/input.pcap'));
    const decoded = br.exchanges.filter((e) => e.response?.body && !e.flags?.includes('decode-failed'));
    assert.ok(decoded.length >= 1);
    const stacked = await ingestFile(join(pcaps!, 'suricata-verify/bug-2511/response_identity_identity_gzip_identity_gzip_gzip.pcap'));
    assert.equal(stacked.exchanges[0]?.flags, undefined);
  });

  it('resynchronises after lost segments (gaps) in real traces', async () => {
    for (const f of ['http-gap-simple', 'http-gap-double', 'http-gap-whole-body', 'http-gap-beyond-body', 'http-pipeline-files-with-gap']) {
      const r = await ingestFile(join(pcaps!, `suricata-verify/${f}/input.pcap`));
      assert.equal(r.exchanges.length, 3, f);
      assert.ok(r.stats.counters.gaps! >= 1, f);
    }
    const range = await ingestFile(z('http/concurrent-range-requests.pcap'));
    assert.equal(range.exchanges.length, 3);
  });

  it('reads every capture of both corpora to the end without an internal error', async () => {
    for (const [root, col] of [[zeek!, 1], [pcaps!, 0]] as const) {
      const rows = readFileSync(join(root, 'INDEX.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
      for (const row of rows) {
        const file = join(root, row.split('\t')[col]!);
        const r = await ingestFile(file);
        assert.equal(r.stats.bytes, statSync(file).size, file);
        assert.equal(r.stats.counters.bufferedBytes, 0, file);
      }
    }
  });
});
