import { SingleBar, Presets } from 'cli-progress';
import { InputError } from '@overhear/model';
import { ingestPath, openCatalog, type IngestSummary, type OverhearConfig } from '@overhear/pipeline';
import { formatBytes } from '../table.js';

export interface IngestCommandOptions {
  db: string;
  config?: OverhearConfig;
  json?: boolean;
  quiet?: boolean;
}

/** Ingests each path in turn; a bad file is reported and the others still go in. Returns the exit code. */
export async function ingestCommand(paths: string[], opts: IngestCommandOptions): Promise<number> {
  const catalog = openCatalog(opts.db);
  const results: Array<IngestSummary | { file: string; error: string }> = [];
  let failed = 0;
  try {
    for (const path of paths) {
      const bar = process.stderr.isTTY && !opts.quiet && !opts.json ? new SingleBar({ format: `${path} [{bar}] {percentage}% | {value}/{total} MB`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic) : undefined;
      let started = false;
      try {
        const summary = await ingestPath(path, catalog, {
          ...(opts.config ? { config: opts.config } : {}),
          onBytes: (n, size) => {
            if (!bar || size === undefined || size < 8 * 1024 * 1024) return;
            if (!started) bar.start(Math.ceil(size / 1048576), 0);
            started = true;
            bar.update(Math.floor(n / 1048576));
          },
        });
        results.push(summary);
        if (!opts.json && !opts.quiet) process.stdout.write(describe(summary) + '\n');
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        failed++;
        results.push({ file: e.file, error: e.message });
        process.stderr.write(`overhear: ${e.message}${path === '-' ? '' : ' (nothing from this file was added)'}\n`);
      } finally {
        if (started) bar?.stop();
      }
    }
  } finally {
    catalog.close();
  }
  if (opts.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return failed > 0 ? 1 : 0;
}

function describe(s: IngestSummary): string {
  if (s.alreadyIngested) return `${s.file}: already ingested (same content), nothing added`;
  const sampled = s.analysed < s.exchanges ? ` (${s.analysed} analysed in full, the rest counted)` : '';
  const parts = [`${s.file}: ${s.format}, ${formatBytes(s.bytes)}, ${s.exchanges} exchanges${sampled} → ${s.endpoints} endpoints`];
  const skipped = Object.entries(s.skipped);
  if (skipped.length) parts.push(`  skipped: ${skipped.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const frags = s.counters.ipFragments;
  if (frags) parts.push(`  IP fragments: ${frags}, put back together into ${s.counters.ipDatagramsReassembled ?? 0} packets`);
  const tls = Object.keys(s.tlsHosts).length;
  if (tls) parts.push(`  encrypted (TLS) hosts seen but not readable: ${tls}`);
  if (s.fault) parts.push(`  warning: the input ended in a fault (${s.fault}); exchanges read before it were kept`);
  return parts.join('\n');
}
