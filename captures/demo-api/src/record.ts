/**
 * Regenerates the shipped captures in one go (`npm run captures`):
 *
 *   1. starts the demo API on 127.0.0.1 (port 8080 if free, so tshark and
 *      Wireshark decode it as HTTP without being told; else any free port),
 *   2. starts `tcpdump -i lo` → captures/demo.pcap (Ethernet link type) and
 *      `dumpcap -i any` → captures/demo.pcapng (Linux cooked link type),
 *   3. runs the scripted client, which writes captures/demo.har itself,
 *   4. closes every connection, lets the captures drain, stops them,
 *   5. prints a summary (and tshark's request counts when tshark is there).
 *
 * Needs tcpdump and dumpcap (Debian: apt-get install tcpdump wireshark-common)
 * and the right to capture (root or CAP_NET_RAW). Installs nothing.
 */
import { chmodSync, chownSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startDemoApi } from './server.js';
import { runScenario, writeHar } from './client.js';
import { startCapture, tsharkRequestCount, which, type RunningCapture } from './capture-tools.js';

const CAPTURES = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = { har: join(CAPTURES, 'demo.har'), pcap: join(CAPTURES, 'demo.pcap'), pcapng: join(CAPTURES, 'demo.pcapng') };
/** Ports Wireshark decodes as HTTP by default; the first free one is used. */
const PREFERRED_PORTS = [8080, 8088, 3128];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function choosePort(): Promise<number> {
  for (const p of PREFERRED_PORTS) if (await portIsFree(p)) return p;
  return 0;
}

function requireTool(tool: string, hint: string): string {
  const bin = which(tool);
  if (!bin) {
    console.error(`record: ${tool} not found on PATH. Install it first (${hint}); this script installs nothing.`);
    process.exit(1);
  }
  return bin;
}

const partial = (file: string): string => `${file}.partial`;

/** Moves a finished capture into place, readable by all and owned like the folder (tcpdump and dumpcap write them as their own users, 0600). */
function publish(file: string): void {
  renameSync(partial(file), file);
  chmodSync(file, 0o644);
  if (process.getuid?.() === 0) {
    const dir = statSync(CAPTURES);
    chownSync(file, dir.uid, dir.gid);
  }
}
const kib = (file: string): string => `${(statSync(file).size / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const tcpdump = requireTool('tcpdump', 'Debian/Ubuntu: apt-get install tcpdump');
  const dumpcap = requireTool('dumpcap', 'Debian/Ubuntu: apt-get install wireshark-common, or tshark');

  const api = await startDemoApi({ port: await choosePort() });
  const filter = `tcp port ${api.port}`;
  const captures: RunningCapture[] = [];
  try {
    captures.push(
      await startCapture('tcpdump', tcpdump, ['-i', 'lo', '-U', '-s', '0', '-w', partial(OUT.pcap), filter], OUT.pcap, /listening on/),
      await startCapture('dumpcap', dumpcap, ['-i', 'any', '-f', filter, '-s', '0', '-n', '-w', partial(OUT.pcapng)], OUT.pcapng, /Capturing on/),
    );
    // Both report "listening" once the socket is bound; a short pause covers the kernel ring set-up.
    await sleep(500);
    const har = await runScenario(api.port);
    writeHar(har, partial(OUT.har));
    await api.close();
    // Let the last FIN/ACKs reach both captures before stopping them.
    await sleep(1000);
    const reports = [];
    for (const c of captures.splice(0)) reports.push(`${c.name}: ${(await c.stop()).trim().split('\n').filter((l) => /captured|dropped|received/i.test(l)).join('; ')}`);
    for (const file of Object.values(OUT)) publish(file);

    const total = Object.values(OUT).reduce((s, f) => s + statSync(f).size, 0);
    console.log(`demo API served on 127.0.0.1:${api.port} (hosts shop.example.com, track.courier.example)`);
    console.log(`${OUT.har}: ${har.log.entries.length} exchanges, ${kib(OUT.har)}`);
    console.log(`${OUT.pcap}: ${kib(OUT.pcap)}  ${OUT.pcapng}: ${kib(OUT.pcapng)}  (all three: ${(total / 1024).toFixed(1)} KiB)`);
    for (const r of reports) console.log(r);
    const tshark = which('tshark');
    if (tshark) {
      for (const file of [OUT.pcap, OUT.pcapng]) {
        const n = tsharkRequestCount(tshark, file, api.port);
        const verdict = n === har.log.entries.length ? 'matches the HAR' : 'DOES NOT match the HAR';
        console.log(`tshark: ${n ?? '?'} HTTP requests in ${file} (${verdict})`);
        if (n !== har.log.entries.length) process.exitCode = 1;
      }
    }
  } finally {
    for (const c of captures) await c.stop().catch(() => undefined);
    await api.close().catch(() => undefined);
    for (const file of Object.values(OUT)) rmSync(partial(file), { force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`record: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
