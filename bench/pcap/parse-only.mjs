// Parses a capture to exchanges and counts them (what the benchmark times), as ingest reads a file:
// synchronously into the reader's own memory (FileBytes, with bodies left in the file until read), exchanges in batches.
// The package is loaded as ingest loads it: its one-file bundle (dist/src/bundle.js). PCAP_DIST=dir reads
// with another build of @overhear/pcap (see ab.mjs): its bundle, or its modules when it has none.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = resolve(process.env.PCAP_DIST || fileURLToPath(new URL('../../packages/pcap/dist', import.meta.url)));
const bundle = join(dist, 'src/bundle.js');
const entry = existsSync(bundle) ? bundle : join(dist, 'src/index.js');
// `tsc -b` alone rebuilds this tree's modules, not the bundle: a stale one would time the code before the change
// (another build, PCAP_DIST, is a copy, whose files' times say nothing)
if (entry === bundle && !process.env.PCAP_DIST) {
  const newest = Math.max(...readdirSync(join(dist, 'src')).filter((f) => f.endsWith('.js') && f !== 'bundle.js').map((f) => statSync(join(dist, 'src', f)).mtimeMs));
  if (newest > statSync(bundle).mtimeMs) {
    console.error(`${bundle} is older than the modules beside it: build the package (npm run build -w @overhear/pcap)`);
    process.exit(1);
  }
}
const { readCapture } = await import(pathToFileURL(entry).href);
const file = process.argv[2];
const t0 = process.hrtime.bigint();
const fd = openSync(file);
const src = readCapture({ readInto: (into) => readSync(fd, into, 0, into.length, null), readAt: (into, at) => readSync(fd, into, 0, into.length, at) }, { file });
let n = 0;
for await (const batch of src.batches()) n += batch.length;
closeSync(fd);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cu = process.cpuUsage();
const cpuMs = (cu.user + cu.system) / 1000;
console.log(JSON.stringify({ exchanges: n, ms, cpuMs, bytes: src.stats.bytes, stats: src.stats }));
// as the CLI ends (packages/cli/bin/overhear.js): without node's heap teardown
process.exit(0);
