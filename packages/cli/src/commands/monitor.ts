import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, UsageError } from '@overhear/model';
import { captureFileDone, recordCaptureFile, writeSensorStatus, type Catalog } from '@overhear/catalog';
import { CaptureStartError, DirFollower, LiveCapture, maxReservableQueueBytes } from '@overhear/capture';
import { EmitClosedError, ingestPath, isRetryableCatalogError, openCatalog, openInput, readNdjson, runLive, type LiveStats, type OverhearConfig } from '@overhear/pipeline';

export interface MonitorCommandOptions {
  db: string;
  interface?: string;
  pcapDir?: string;
  filter?: string;
  flushInterval?: string;
  reevaluateInterval?: string;
  bufferSize?: string;
  immediateMode?: boolean;
  maxQueueMb?: string;
  fileIdle?: string;
  emit?: string;
  name?: string;
  quiet?: boolean;
  config?: OverhearConfig;
}

const DEFAULT_BUFFER_KIB = 32 * 1024;

function seconds(v: string | undefined, name: string, dflt: number, min = 0.05): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} must be a number of seconds ≥ ${min} (got "${v}")`);
  return n;
}

function positive(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number (got "${v}")`);
  return n;
}

const log = (m: string): void => void process.stderr.write(`overhear monitor: ${m}\n`);

/**
 * `overhear monitor`: live capture from an interface (tcpdump), or a directory
 * of rotated captures, into the catalog (or as NDJSON on stdout) until
 * SIGINT/SIGTERM. Returns the exit code.
 */
export async function monitorCommand(o: MonitorCommandOptions): Promise<number> {
  if (!o.interface === !o.pcapDir) throw new UsageError('monitor needs one of --interface IF and --pcap-dir DIR');
  if (o.emit !== undefined && o.emit !== 'ndjson') throw new UsageError(`--emit supports "ndjson" only (got "${o.emit}")`);
  if (o.emit && o.pcapDir) throw new UsageError('--emit ndjson works with --interface (for a directory of captures, run `overhear ingest` where the catalog is)');
  const flushMs = seconds(o.flushInterval, '--flush-interval', 2) * 1000;
  const reevalMs = seconds(o.reevaluateInterval, '--reevaluate-interval', Math.max(10, flushMs / 1000)) * 1000;
  return o.interface ? monitorInterface(o, o.interface, flushMs, reevalMs) : monitorDir(o, o.pcapDir!, flushMs);
}

/** Runs `body` until SIGINT/SIGTERM calls `stop`; a second signal forces the exit. */
function onSignals(stop: () => void): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    if (count === 1) {
      log(`${sig}: stopping (flushing what was captured; ${sig} again to quit at once)`);
      stop();
    } else {
      log(`${sig} again: quitting without flushing`);
      process.exit(1);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

async function monitorInterface(o: MonitorCommandOptions, iface: string, flushMs: number, reevalMs: number): Promise<number> {
  const name = o.name ?? iface;
  const bufferKiB = positive(o.bufferSize, '--buffer-size', DEFAULT_BUFFER_KIB);
  const maxQueued = positive(o.maxQueueMb, '--max-queue-mb', 64) * 1024 * 1024;
  if (maxQueued > maxReservableQueueBytes()) {
    throw new UsageError(`--max-queue-mb ${o.maxQueueMb}: the capture queue is reserved at start, and this is more than a quarter of this machine's memory (${Math.floor(maxReservableQueueBytes() / 1048576)} MiB)`);
  }
  const catalog = o.emit ? undefined : openCatalog(o.db);
  const cap = new LiveCapture({
    interface: iface,
    ...(o.filter ? { filter: o.filter } : {}),
    bufferSizeKiB: bufferKiB,
    immediate: o.immediateMode ?? false,
    maxQueuedBytes: maxQueued,
    onEvent: (m) => log(m),
  });
  let stopped = false;
  const off = onSignals(() => {
    stopped = true;
    cap.stop();
  });
  try {
    try {
      await cap.started();
    } catch (e) {
      if (e instanceof CaptureStartError) {
        process.stderr.write(`overhear: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    if (stopped) cap.stop();
    let summary;
    try {
      summary = await runLive(cap, {
        name,
        ...(catalog ? { catalog } : { emit: process.stdout }),
        ...(o.config ? { config: o.config } : {}),
        flushIntervalMs: flushMs,
        reevaluateIntervalMs: reevalMs,
        refreshStats: () => void cap.snapshot(),
        pressure: () => cap.sensor.queuedBytes / maxQueued,
        onTick: () => cap.poll(),
        stopSource: () => cap.stop(),
        sensorStats: () => {
          const s = cap.sensor;
          return {
            source: 'interface',
            interface: iface,
            filter: o.filter ?? '',
            dropsKernel: s.kernel.droppedByKernel,
            dropsInterface: s.kernel.droppedByInterface,
            dropsPipeline: s.shedPackets,
            dropsPipelineBytes: s.shedBytes,
            kernelCaptured: s.kernel.captured,
            kernelReceivedByFilter: s.kernel.receivedByFilter,
            queuedBytes: s.queuedBytes,
            queuedBytesPeak: s.queuedBytesPeak,
            captureBufferBytes: s.poolBytes,
            restarts: s.restarts,
            tcpdumpRunning: s.running,
            ...memory(),
            ...(s.lastError ? { lastError: s.lastError } : {}),
          };
        },
        onStatus: (line) => {
          if (!o.quiet) process.stderr.write(line + '\n');
        },
        onWarning: (m) => log(m),
      });
    } catch (e) {
      if (e instanceof EmitClosedError) {
        process.stderr.write(`overhear: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const st = summary.stats;
    const out = o.emit ? process.stderr : process.stdout;
    out.write(describe(name, st, summary.exchanges, catalog ? `${summary.endpointsWritten} endpoint updates in ${summary.batches} batches` : 'written as NDJSON to stdout') + '\n');
    if (cap.error) {
      process.stderr.write(`overhear: ${cap.error.message}\n`);
      return 1;
    }
    return summary.unwrittenEndpoints > 0 ? 1 : 0;
  } finally {
    off();
    await cap.close();
    catalog?.close();
  }
}

/** The monitor's own memory (the sensor's health: it must stay flat). */
function memory(): Record<string, number> {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
}

function describe(name: string, s: LiveStats, exchanges: number, written: string): string {
  const n = (k: string): string => Number(s[k] ?? 0).toLocaleString('en-US');
  return (
    `${name}: ${n('packets')} packets, ${exchanges.toLocaleString('en-US')} exchanges → ${written}; ` +
    `drops: kernel ${n('dropsKernel')}, pipeline ${n('dropsPipeline')}, reassembly ${n('dropsReassembly')}, catalog ${n('dropsCatalog')}; ` +
    `tcpdump restarts ${n('restarts')}` +
    (Number(s.analysisSampled ?? 0) ? `; ${n('analysisSampled')} exchanges counted without full analysis (sampling${s.shedding ? ', overloaded' : ''})` : '')
  );
}

async function monitorDir(o: MonitorCommandOptions, dirArg: string, flushMs: number): Promise<number> {
  const dir = resolve(dirArg);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new InputError(dirArg, 'no such directory');
  }
  if (!st.isDirectory()) throw new InputError(dirArg, 'not a directory');
  const name = o.name ?? dir;
  const idleMs = seconds(o.fileIdle, '--file-idle', 30) * 1000;
  const catalog = openCatalog(o.db);
  const totals = { ingested: 0, duplicates: 0, failed: 0, exchanges: 0, bytes: 0, endpoints: 0 };
  let lastFile = '';
  const startedAt = Date.now();
  const follower = new DirFollower({
    dir,
    pollMs: Math.min(1000, flushMs),
    idleMs,
    isDone: (f) => captureFileDone(catalog.db, dir, f.name, f.size, f.mtimeMs),
    handle: async (f) => {
      const record = (status: string, exchanges: number, error?: string): void =>
        recordCaptureFile(catalog.db, { dir, name: f.name, size: f.size, mtime: f.mtimeMs, status, exchanges, ...(error ? { error } : {}), doneAt: Date.now() });
      try {
        const s = await ingestPath(f.path, catalog, o.config ? { config: o.config } : {});
        lastFile = f.name;
        if (s.alreadyIngested) {
          totals.duplicates++;
          record('duplicate', 0);
          log(`${f.name}: already ingested (same content), skipped`);
        } else {
          totals.ingested++;
          totals.exchanges += s.exchanges;
          totals.bytes += s.bytes;
          totals.endpoints += s.endpoints;
          record('ingested', s.exchanges, s.fault);
          if (!o.quiet) log(`${f.name}: ${s.format}, ${s.exchanges} exchanges → ${s.endpoints} endpoints${s.fault ? ` (ended in a fault: ${s.fault})` : ''}`);
        }
      } catch (e) {
        if (e instanceof InputError) {
          totals.failed++;
          record('failed', 0, e.message);
          log(`${e.message} (skipped; it is tried again if it changes)`);
          return;
        }
        if (isRetryableCatalogError(e)) {
          log(`${f.name}: cannot write the catalog (${(e as Error).message}); trying again`);
          throw e;
        }
        throw e;
      }
    },
    onError: (f, e) => {
      if (!isRetryableCatalogError(e)) fatal ??= e;
      void f;
    },
  });
  let fatal: unknown;
  const stats = (state: string): LiveStats => ({
    state,
    source: 'pcap-dir',
    dir,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    files: follower.stats.files,
    filesPending: follower.stats.pending,
    filesIngested: totals.ingested,
    filesDuplicate: totals.duplicates,
    filesFailed: totals.failed,
    exchanges: totals.exchanges,
    bytes: totals.bytes,
    lastFile,
  });
  const status = (state: string): void => {
    const s = stats(state);
    try {
      writeSensorStatus(catalog.db, name, s);
    } catch (e) {
      if (!isRetryableCatalogError(e)) throw e;
    }
    if (!o.quiet) process.stderr.write(`[${name}] ${s.files} files, ${s.filesPending} pending, ${s.filesIngested} ingested, ${s.filesDuplicate} duplicates, ${s.filesFailed} failed, ${totals.exchanges.toLocaleString('en-US')} exchanges\n`);
  };
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const off = onSignals(() => stop());
  const timer = setInterval(() => {
    status('running');
    if (fatal) stop();
  }, flushMs);
  try {
    log(`following ${dir} (a file is ingested once it is complete: a newer file exists, or idle ${idleMs / 1000} s)`);
    follower.start();
    await stopped;
    await follower.stop();
    status('stopped');
    if (fatal) throw fatal;
    process.stdout.write(`${name}: ${totals.ingested} files ingested (${totals.exchanges.toLocaleString('en-US')} exchanges), ${totals.duplicates} already ingested, ${totals.failed} not readable, ${follower.stats.pending} incomplete left for later\n`);
    return 0;
  } finally {
    clearInterval(timer);
    off();
    catalog.close();
  }
}

export interface IngestNdjsonOptions {
  db: string;
  config?: OverhearConfig;
  flushInterval?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * `overhear ingest --ndjson PATH|-`: reads an NDJSON exchange stream (a
 * sensor's `monitor --emit ndjson`) as a live source: written to the catalog
 * every interval, so a stream that never ends is visible while it runs. Sensor
 * records in the stream update `sensor_status`. Not de-duplicated by content
 * (a stream has no end to hash); `overhear ingest FILE` (without --ndjson)
 * detects NDJSON files and ingests them once, as one transaction.
 */
export async function ingestNdjsonCommand(paths: string[], o: IngestNdjsonOptions): Promise<number> {
  const flushMs = seconds(o.flushInterval, '--flush-interval', 2) * 1000;
  const catalog = openCatalog(o.db);
  const results: unknown[] = [];
  let failed = 0;
  try {
    for (const path of paths) {
      try {
        const input = await openInput(path);
        const source = readNdjson(input.chunks, { file: input.name, onSensor: (r) => sensorRecord(catalog, r.name, r.stats, r.at) });
        const s = await runLive(source, {
          name: `ndjson ${input.name}`,
          catalog,
          ...(o.config ? { config: o.config } : {}),
          flushIntervalMs: flushMs,
          statusToCatalog: false,
          onWarning: (m) => void process.stderr.write(`overhear: ${input.name}: ${m}\n`),
        });
        results.push({ file: input.name, format: 'ndjson', exchanges: s.exchanges, endpointUpdates: s.endpointsWritten, batches: s.batches });
        if (!o.json && !o.quiet) process.stdout.write(`${input.name}: ndjson, ${s.exchanges} exchanges → ${s.endpointsWritten} endpoint updates in ${s.batches} batches\n`);
        if (s.unwrittenEndpoints) failed++;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        failed++;
        results.push({ file: e.file, error: e.message });
        process.stderr.write(`overhear: ${e.message} (exchanges before this line were kept)\n`);
      }
    }
  } finally {
    catalog.close();
  }
  if (o.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return failed ? 1 : 0;
}

function sensorRecord(catalog: Catalog, name: string, stats: Record<string, unknown>, at: number): void {
  try {
    writeSensorStatus(catalog.db, name, { ...stats, via: 'ndjson' }, at);
  } catch (e) {
    if (!isRetryableCatalogError(e)) throw e;
  }
}
