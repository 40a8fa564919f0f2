import { batchHosts, type Exchange, type ExchangeSource, type ObservationBatch } from '@overhear/model';
import { writeSensorStatus, type Catalog } from '@overhear/catalog';
import type { Analyzer, Detector } from './analyzer.js';
import { catalogAnalyzer } from './catalog-analyzer.js';
import type { OverhearConfig } from './config.js';
import { reevaluate } from './reevaluate.js';
import { exchangeToNdjson, sensorToNdjson } from './ndjson.js';
import { AnalysisSampler } from './sampler.js';

/**
 * The live pipeline: a never-ending exchange source (a capture, an NDJSON
 * stream) → Analyzer → every `flushIntervalMs` one catalog batch (one
 * transaction, so readers in other processes see it at once: WAL) →
 * re-evaluation of states and findings, throttled. Or, with `emit`, the
 * exchanges as NDJSON on a stream instead of a catalog.
 *
 * Catalog faults (locked by another writer, disk full, I/O errors) do not lose
 * data: the drained batch is kept and retried with backoff, and the analyzer
 * keeps aggregating what comes meanwhile (its memory is bounded by distinct
 * endpoints, not by traffic). Only when that backlog passes
 * `maxPendingEndpoints` are new exchanges dropped, and counted (`dropsCatalog`).
 */
export interface LiveOptions {
  /** The sensor's name in `sensor_status` and on the status line (interface, directory). */
  name: string;
  /** Where batches go. Exactly one of `catalog` and `emit`. */
  catalog?: Catalog;
  /** Writes NDJSON exchanges (and a sensor record per interval) here instead. */
  emit?: NodeJS.WritableStream;
  config?: OverhearConfig;
  detector?: Detector;
  /** Default 2000 ms. */
  flushIntervalMs?: number;
  /** Re-evaluation scans the catalog: not more often than this (default 10 000 ms); always once at the end. */
  reevaluateIntervalMs?: number;
  /** How long one write waits for another writer's lock before it is retried later (default 250 ms). */
  busyTimeoutMs?: number;
  /** Endpoints aggregated while the catalog cannot be written, beyond which exchanges are dropped (default 50 000). */
  maxPendingEndpoints?: number;
  /** At the end, how long a failing catalog write is retried before giving up (default 30 000 ms). */
  finalRetryMs?: number;
  /** Numbers the source knows and the pipeline does not (kernel drops, restarts…), merged into the status. */
  sensorStats?: () => Record<string, number | string | boolean | undefined>;
  /**
   * How far behind the source is, 0…1 (a capture's queue of unparsed bytes over its bound).
   * Above 0.1 the pipeline sheds analysis depth rather than packets: every exchange is still
   * counted (hits, status codes, auth schemes, times), but per endpoint and interval only
   * `sampleBudget` exchanges are analysed in full (parameters, schemas, sensitive data,
   * findings); back to full analysis below 0.02. Counted as `analysisSampled`.
   */
  pressure?: () => number;
  /** Exchanges analysed in full per endpoint per interval while shedding (default 50). */
  sampleBudget?: number;
  /** Refreshes the source's stats before they are read (LiveCapture.snapshot). */
  refreshStats?: () => void;
  /** Ends the source (LiveCapture.stop): called when the run must end early (the NDJSON reader went away, a fault). */
  stopSource?: () => void;
  /** Called every interval, after the flush. */
  onTick?: () => void;
  onStatus?: (line: string, stats: LiveStats) => void;
  /** Write the status to `sensor_status` every interval (default true). */
  statusToCatalog?: boolean;
  onWarning?: (message: string) => void;
}

export type LiveStats = Record<string, number | string | boolean>;

export interface LiveSummary {
  exchanges: number;
  batches: number;
  endpointsWritten: number;
  reevaluations: number;
  /** Observations that could not be written at the end (the catalog stayed unwritable). */
  unwrittenEndpoints: number;
  stats: LiveStats;
}

/** The NDJSON output went away (the reader closed the pipe). */
export class EmitClosedError extends Error {
  constructor(cause: Error) {
    super(`cannot write the NDJSON stream (${(cause as NodeJS.ErrnoException).code ?? cause.message}): the reader went away`);
    this.name = 'EmitClosedError';
  }
}

const RETRYABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL|NOMEM)/;

/** A catalog fault that passes (another writer, a full disk that gets space again). */
export function isRetryableCatalogError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE.test(code);
}

export async function runLive(source: ExchangeSource, opts: LiveOptions): Promise<LiveSummary> {
  const catalog = opts.catalog;
  const emit = opts.emit;
  if (!catalog === !emit) throw new Error('runLive needs exactly one of catalog and emit');
  const cfg = opts.config ?? {};
  const flushMs = opts.flushIntervalMs ?? 2000;
  const reevalMs = opts.reevaluateIntervalMs ?? 10_000;
  const maxPending = opts.maxPendingEndpoints ?? 50_000;
  const startedAt = Date.now();

  let analyzer: Analyzer | undefined;
  // Sampling off still needs a sampler for shedding under overload: one that analyses everything otherwise.
  const sampler = new AnalysisSampler(cfg.sampling === false ? { all: true } : (cfg.sampling ?? {}));
  if (catalog) {
    catalog.db.pragma(`busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 250))}`);
    analyzer = catalogAnalyzer(catalog, cfg, { sampling: sampler, ...(opts.detector ? { detector: opts.detector } : {}) });
  }
  const budget = opts.sampleBudget ?? 50;
  let sinceCheck = 0;

  let exchanges = 0;
  let pending: ObservationBatch | undefined;
  let retryAt = 0;
  let failures = 0;
  let failingSince = 0;
  let lastError = '';
  let dropsCatalog = 0;
  let batches = 0;
  let endpointsWritten = 0;
  let reevaluations = 0;
  let lastReeval = Date.now();
  /** Hosts written since the last re-evaluation. */
  const touched = new Set<string>();
  let statusFailures = 0;
  let out = '';
  let lastTls: Record<string, number> = {};
  let lastExchanges = 0;
  let lastTickAt = startedAt;

  const warn = (m: string): void => opts.onWarning?.(m);

  const tryWrite = (what: string, fn: () => void): boolean => {
    try {
      fn();
      if (failures > 0) warn(`catalog writable again after ${Math.round((Date.now() - failingSince) / 1000)} s; ${what} written`);
      failures = 0;
      lastError = '';
      return true;
    } catch (e) {
      if (!isRetryableCatalogError(e)) throw e;
      if (failures === 0) failingSince = Date.now();
      failures++;
      const delay = Math.min(flushMs * 2 ** Math.min(failures - 1, 5), 30_000);
      retryAt = Date.now() + delay;
      const msg = `${(e as { code?: string }).code}: ${(e as Error).message}`;
      if (msg !== lastError || failures === 1) warn(`cannot write the catalog (${msg}); ${what} kept, retrying in ${(delay / 1000).toFixed(1)} s`);
      lastError = msg;
      return false;
    }
  };

  /** Hands what was aggregated to the catalog; false when it must wait. */
  const flushCatalog = (): boolean => {
    if (!catalog || !analyzer) return true;
    if (Date.now() < retryAt) return false;
    if (!pending) {
      // Nothing new: skip the empty transaction.
      const tlsNew = Object.keys(lastTls).length > 0;
      if (analyzer.pendingEndpoints === 0 && !tlsNew) return true;
      pending = analyzer.drain();
      sampler.newInterval();
      for (const [h, n] of Object.entries(lastTls)) pending.tlsHosts[h] = (pending.tlsHosts[h] ?? 0) + n;
      lastTls = {};
    }
    const batch = pending;
    const ok = tryWrite('the batch', () => {
      try {
        catalog.apply(batch);
      } catch (e) {
        throw e;
      }
    });
    if (ok) {
      batches++;
      endpointsWritten += batch.endpoints.length;
      pending = undefined;
      for (const h of batchHosts(batch)) touched.add(h);
    }
    return ok;
  };

  const maybeReevaluate = (force: boolean): void => {
    if (!catalog || pending) return;
    if (!force && (touched.size === 0 || Date.now() - lastReeval < reevalMs)) return;
    if (Date.now() < retryAt) return;
    // only the hosts written since the last one: everything derived is per host
    if (tryWrite('re-evaluation', () => reevaluate(catalog, cfg, touched))) {
      reevaluations++;
      touched.clear();
      lastReeval = Date.now();
    }
  };

  let tlsSeen: Record<string, number> = {};
  const noteTls = (): void => {
    // The source's TLS counts are totals: hand over the increase.
    opts.refreshStats?.();
    const now = source.stats.tlsHosts ?? {};
    for (const [h, n] of Object.entries(now)) {
      const d = n - (tlsSeen[h] ?? 0);
      if (d > 0) lastTls[h] = (lastTls[h] ?? 0) + d;
    }
    tlsSeen = { ...now };
  };

  const collect = (state: string): LiveStats => {
    opts.refreshStats?.();
    const st = source.stats;
    const c = st.counters;
    const sk = st.skipped;
    const extra = opts.sensorStats?.() ?? {};
    const s: LiveStats = {
      state,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      packets: c.packets ?? 0,
      bytes: st.bytes,
      exchanges,
      flowsOpen: c.openFlows ?? 0,
      bufferedBytes: c.bufferedBytes ?? 0,
      dropsKernel: 0,
      dropsPipeline: 0,
      dropsReassembly: (c.evictions ?? 0) + (c.flowsEvicted ?? 0) + (sk['http-pending-overflow'] ?? 0),
      dropsCatalog,
      gaps: c.gaps ?? 0,
      analysisSampled: sampler.counted,
      shedding: sampler.shedding,
    };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) s[k] = v;
    if (catalog) {
      s.batchesWritten = batches;
      s.endpointsWritten = endpointsWritten;
      s.pendingBatch = pending ? 1 : 0;
      s.catalogFailures = failures;
      s.reevaluations = reevaluations;
      if (lastError) s.catalogError = lastError;
      if (statusFailures) s.statusWriteFailures = statusFailures;
    }
    if (st.fault) s.fault = st.fault.message;
    return s;
  };

  const statusLine = (s: LiveStats): string => {
    const now = Date.now();
    const rate = Math.round(((exchanges - lastExchanges) * 1000) / Math.max(1, now - lastTickAt));
    lastExchanges = exchanges;
    lastTickAt = now;
    const n = (k: string): string => Number(s[k] ?? 0).toLocaleString('en-US');
    const drops = ['Kernel', 'Pipeline', 'Reassembly', 'Catalog'].map((k) => `${k.toLowerCase()} ${n(`drops${k}`)}`).join(' ');
    const tail = catalog ? ` | written ${n('endpointsWritten')} endpoint updates${pending ? ' (1 batch waiting for the catalog)' : ''}` : '';
    const restarts = Number(s.restarts ?? 0) ? ` | tcpdump restarts ${n('restarts')}` : '';
    const sampled = sampler.counted ? ` | counted without full analysis ${n('analysisSampled')}${sampler.shedding ? ' (overloaded: shedding now)' : ''}` : '';
    return `[${opts.name}] ${n('packets')} packets ${mb(Number(s.bytes))}, ${n('exchanges')} exchanges (${rate}/s), ${n('flowsOpen')} flows open, ${mb(Number(s.bufferedBytes) + Number(s.queuedBytes ?? 0))} buffered | drops: ${drops}${restarts}${sampled}${tail}`;
  };

  const writeStatus = (s: LiveStats): void => {
    if (catalog) {
      try {
        writeSensorStatus(catalog.db, opts.name, s);
      } catch (e) {
        if (!isRetryableCatalogError(e)) throw e;
        statusFailures++;
      }
    }
  };

  // A reader that went away (EPIPE: the ssh to the collector died) ends the run; nothing waits for a drain that never comes.
  let emitBroken: Error | undefined;
  const onEmitError = (e: Error): void => {
    if (emitBroken) return;
    emitBroken = e;
    opts.stopSource?.();
  };
  emit?.on('error', onEmitError);
  const flushEmit = (): Promise<void> | undefined => {
    if (!emit || !out) return undefined;
    const chunk = out;
    out = '';
    if (emitBroken) return undefined;
    if (!emit.write(chunk)) {
      return new Promise<void>((r) => {
        const done = (): void => {
          emit.off('drain', done);
          emit.off('error', done);
          emit.off('close', done);
          r();
        };
        emit.once('drain', done);
        emit.once('error', done);
        emit.once('close', done);
      });
    }
    return undefined;
  };

  let tickError: unknown;
  const tick = (): void => {
    try {
      noteTls();
      if (catalog) {
        flushCatalog();
        maybeReevaluate(false);
      }
      opts.onTick?.();
      const s = collect('running');
      if (emit) {
        out += sensorToNdjson(opts.name, s) + '\n';
        void flushEmit(); // the consumer sees each interval's exchanges without waiting for a full buffer
      } else if (opts.statusToCatalog !== false) writeStatus(s);
      opts.onStatus?.(statusLine(s), s);
    } catch (e) {
      if (tickError === undefined) {
        tickError = e;
        opts.stopSource?.();
      }
    }
  };
  const timer = setInterval(tick, flushMs);

  let sourceError: unknown;
  try {
    for await (const ex of source as AsyncIterable<Exchange>) {
      if (tickError) throw tickError;
      if (emitBroken) break;
      exchanges++;
      if (emit) {
        out += exchangeToNdjson(ex) + '\n';
        if (out.length >= 256 * 1024) {
          const wait = flushEmit();
          if (wait) await wait;
          if (emitBroken) throw new EmitClosedError(emitBroken);
        }
        continue;
      }
      if (pending && analyzer!.pendingEndpoints >= maxPending) {
        dropsCatalog++;
        continue;
      }
      if (opts.pressure && ++sinceCheck >= 64) {
        sinceCheck = 0;
        const p = opts.pressure();
        if (!sampler.shedding && p > 0.1) {
          sampler.shed(budget);
          warn(`overloaded (${Math.round(p * 100)} % of the capture queue waiting): counting every exchange, analysing ${budget} per endpoint per interval in full`);
        } else if (sampler.shedding && p < 0.02) {
          sampler.shed(undefined);
          warn('caught up: back to the usual analysis');
        }
      }
      analyzer!.add(ex);
    }
    if (tickError) throw tickError;
    if (emitBroken) throw new EmitClosedError(emitBroken);
  } catch (e) {
    // A broken source (a bad NDJSON line): what came before it is still written, then the error is reported.
    if (e === tickError) throw e;
    sourceError = e;
  } finally {
    clearInterval(timer);
  }

  // The end: write what is left (retrying for a while), re-evaluate, final status.
  noteTls();
  let unwritten = 0;
  if (catalog && analyzer) {
    const deadline = Date.now() + (opts.finalRetryMs ?? 30_000);
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    for (;;) {
      retryAt = Math.min(retryAt, Date.now());
      if (flushCatalog() && !pending && analyzer.pendingEndpoints === 0 && Object.keys(lastTls).length === 0) break;
      if (Date.now() >= deadline) {
        unwritten = (pending?.endpoints.length ?? 0) + analyzer.pendingEndpoints;
        warn(`gave up writing the catalog after ${Math.round((opts.finalRetryMs ?? 30_000) / 1000)} s (${lastError}); ${unwritten} endpoint updates were not written`);
        break;
      }
      await sleep(Math.min(500, Math.max(50, retryAt - Date.now())));
    }
    if (!unwritten) {
      for (;;) {
        retryAt = 0;
        maybeReevaluate(true);
        if (failures === 0 || Date.now() >= deadline) break;
        await sleep(500);
      }
    }
  }
  const final = collect('stopped');
  if (unwritten) final.unwrittenEndpoints = unwritten;
  if (emit) {
    out += sensorToNdjson(opts.name, final) + '\n';
    const wait = flushEmit();
    if (wait) await wait;
    emit.off('error', onEmitError);
  } else if (opts.statusToCatalog !== false) writeStatus(final);
  opts.onStatus?.(statusLine(final), final);
  if (sourceError !== undefined) throw sourceError;
  return { exchanges, batches, endpointsWritten, reevaluations, unwrittenEndpoints: unwritten, stats: final };
}

function mb(n: number): string {
  if (!Number.isFinite(n)) return '0 B';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
