import { batchHosts, InputError, type ExchangeSource, type ObservationBatch, type SourceStats } from '@overhear/model';
import { readHar } from '@overhear/har';
import { readCapture } from '@overhear/pcap';
import { mergeSchemas } from '@overhear/infer';
import { Catalog } from '@overhear/catalog';
import type { OverhearConfig } from './config.js';
import { reevaluate } from './reevaluate.js';
import type { Detector } from './analyzer.js';
import { catalogAnalyzer } from './catalog-analyzer.js';
import { AnalysisSampler } from './sampler.js';
import { hashFile, openInput, type Input } from './input.js';
import { sniffFormat, type InputFormat } from './sniff.js';
import { readNdjson } from './ndjson.js';

export interface IngestSummary {
  file: string;
  format: InputFormat;
  bytes: number;
  exchanges: number;
  /** Exchanges analysed in full; the others were counted only (see AnalysisSampler). */
  analysed: number;
  endpoints: number;
  skipped: Record<string, number>;
  counters: Record<string, number>;
  tlsHosts: Record<string, number>;
  /** The file was ingested before (same content): nothing was added. */
  alreadyIngested: boolean;
  /** Set when the input ended in a fault after some exchanges; those were kept. */
  fault?: string;
}

export interface IngestOptions {
  /** Defaults to the built-in detector keyed with the catalog's secret. */
  detector?: Detector;
  config?: OverhearConfig;
  /** Called as bytes are read (for progress bars). */
  onBytes?: (bytesRead: number, size: number | undefined) => void;
}

export function openCatalog(file: string): Catalog {
  return new Catalog(file, { mergeSchema: (a, b) => mergeSchemas(a, b) });
}

/**
 * Reads one input into the catalog as one transaction: a source whose
 * structure is broken (a truncated or invalid HAR) adds nothing; a capture
 * that breaks off keeps what was read before the fault and says so.
 */
export async function ingestPath(path: string, catalog: Catalog, opts: IngestOptions = {}): Promise<IngestSummary> {
  let size: number | undefined;
  const input = await openInput(path, (n) => opts.onBytes?.(n, size));
  size = input.size;
  try {
    return await ingestInput(input, catalog, opts);
  } finally {
    input.close();
  }
}

async function ingestInput(input: Input, catalog: Catalog, opts: IngestOptions): Promise<IngestSummary> {
  const format = sniffFormat(input.head);
  if (!format) {
    throw new InputError(input.name, input.head.length === 0 ? 'empty file' : 'not a HAR, pcap or pcapng file (format is told by content, not by name)', 0);
  }
  const cfg = opts.config ?? {};
  const sampling = cfg.sampling === false ? undefined : new AnalysisSampler(cfg.sampling ?? {});
  const summary = (stats: SourceStats, endpoints: number, already: boolean): IngestSummary => {
    const s: IngestSummary = {
      file: input.name,
      format,
      bytes: input.bytesRead(),
      exchanges: stats.exchanges,
      analysed: stats.exchanges - (sampling?.counted ?? 0),
      endpoints,
      skipped: stats.skipped,
      counters: stats.counters,
      tlsHosts: stats.tlsHosts ?? {},
      alreadyIngested: already,
    };
    if (stats.fault) s.fault = stats.fault.offset === undefined ? stats.fault.message : `at byte ${stats.fault.offset}: ${stats.fault.message}`;
    return s;
  };

  // Same size as a known source? Then hash first, and skip a file seen before without parsing it.
  if (input.size !== undefined && catalog.sourcesOfSize(input.size) > 0) {
    const sha = await hashFile(input.name);
    if (catalog.hasSource(sha)) {
      return { ...summary({ bytes: input.size, exchanges: 0, skipped: {}, counters: {} }, 0, true), bytes: input.size };
    }
  }

  const source = openSource(format, input);
  let batch: ObservationBatch | undefined = await analyse(source, catalog, cfg, sampling, opts.detector);
  const stats = source.stats;
  const record = {
    sha256: input.digest(),
    name: input.name,
    format,
    bytes: input.bytesRead(),
    exchanges: stats.exchanges,
    skipped: stats.skipped,
    ...(stats.fault ? { fault: stats.fault.message } : {}),
  };
  // The batch and what it changes in derived state commit together: a kill between them can't leave stale states.
  const endpoints = batch.endpoints.length;
  const hosts = batchHosts(batch);
  const applied = catalog.atomically(() => {
    const ok = catalog.apply(batch!, record);
    // written: let it go before re-evaluation reads the catalog back (a batch of 20,000 endpoints holds ~130 MB)
    batch = undefined;
    if (ok) reevaluate(catalog, cfg, hosts);
    return ok;
  });
  return summary(stats, applied ? endpoints : 0, !applied);
}

/** The source through an Analyzer, into one batch (the analyzer is gone when this returns: only the batch is kept). */
async function analyse(source: ExchangeSource, catalog: Catalog, cfg: OverhearConfig, sampling: AnalysisSampler | undefined, detector: Detector | undefined): Promise<ObservationBatch> {
  const analyzer = catalogAnalyzer(catalog, cfg, { ...(sampling ? { sampling } : {}), ...(detector ? { detector } : {}) });
  if (source.batches) {
    for await (const batch of source.batches()) for (const ex of batch) analyzer.add(ex);
  } else {
    for await (const ex of source) analyzer.add(ex);
  }
  for (const [host, n] of Object.entries(source.stats.tlsHosts ?? {})) analyzer.noteTls(host, n);
  return analyzer.drain();
}

function openSource(format: InputFormat, input: Input): ExchangeSource {
  const name = input.name;
  switch (format) {
    case 'har':
      return readHar(input.chunks, { file: name });
    case 'pcap':
    case 'pcapng':
      return readCapture(input.file ?? input.chunks, { file: name });
    case 'ndjson':
      return readNdjson(input.chunks, { file: name });
  }
}
