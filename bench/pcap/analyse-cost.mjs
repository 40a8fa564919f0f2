// What analysing one exchange costs (Analyzer.add as ingest runs it: a fresh catalog's analyzer,
// detector, sampling), apart from parsing: the bench capture is read as ingest reads it, and only the
// time spent in `add` (and the final drain) is summed. Steadier than end to end for comparing two builds
// of the analysis code; run it a few times (each run is one process, one pass).
// Usage: node bench/pcap/analyse-cost.mjs [capture]
import { openSync, readSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../packages/pcap/dist/src/index.js';
import { openCatalog, AnalysisSampler } from '../../packages/pipeline/dist/src/index.js';
import { catalogAnalyzer } from '../../packages/pipeline/dist/src/catalog-analyzer.js';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? resolve(here, '../out/api-traffic-520mb.pcap');
const dir = mkdtempSync(join(tmpdir(), 'overhear-analyse-cost-'));
const catalog = openCatalog(join(dir, 'c.db'));
const analyzer = catalogAnalyzer(catalog, {}, { sampling: new AnalysisSampler() });

const t0 = performance.now();
const fd = openSync(file);
const src = readCapture({ readInto: (into) => readSync(fd, into, 0, into.length, null), readAt: (into, at) => readSync(fd, into, 0, into.length, at) }, { file });
let n = 0;
let inAdd = 0;
for await (const batch of src.batches()) {
  const t = performance.now();
  for (let i = 0; i < batch.length; i++) analyzer.add(batch[i]);
  inAdd += performance.now() - t;
  n += batch.length;
}
const t = performance.now();
analyzer.drain();
inAdd += performance.now() - t;
closeSync(fd);
const total = performance.now() - t0;
catalog.close();
rmSync(dir, { recursive: true, force: true });
console.log(`analysis ${((inAdd * 1e6) / n).toFixed(0)} ns per exchange (${(inAdd / 1000).toFixed(2)} s of ${(total / 1000).toFixed(2)} s; ${n} exchanges)`);
