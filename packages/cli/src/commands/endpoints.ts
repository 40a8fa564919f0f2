import { Catalog, listEndpoints } from '@overhear/catalog';
import { table } from '../table.js';

export function endpointsCommand(opts: { db: string; json?: boolean; host?: string; sort?: string }): number {
  const catalog = new Catalog(opts.db, { readonly: true });
  try {
    let list = listEndpoints(catalog.db, opts.host ? { host: opts.host } : {});
    if (opts.sort === 'risk') list = [...list].sort((a, b) => Number(b.risk) - Number(a.risk));
    else if (opts.sort === 'hits') list = [...list].sort((a, b) => b.hits - a.hits);
    if (opts.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    if (list.length === 0) {
      process.stdout.write('no endpoints yet: run `overhear ingest FILE` first\n');
      return 0;
    }
    const rows = list.map((e) => [
      e.host,
      e.method,
      e.path,
      e.hits,
      statusSummary(e.statusCodes),
      e.auth.length ? e.auth.join(',') : 'none',
      e.state,
      Number(e.risk),
      [...new Set(e.sensitive.map((s) => s.type))].join(','),
    ]);
    process.stdout.write(table(['HOST', 'METHOD', 'PATH', 'HITS', 'STATUS', 'AUTH', 'STATE', 'RISK', 'SENSITIVE'], rows, { 0: 28, 2: 60, 8: 48 }) + '\n');
    const hosts = new Set(list.map((e) => e.host)).size;
    const unseen = list.filter((e) => e.hits === 0).length;
    process.stdout.write(`\n${list.length} endpoints on ${hosts} host${hosts === 1 ? '' : 's'}${unseen ? ` (${unseen} declared but never seen)` : ''}\n`);
    return 0;
  } finally {
    catalog.close();
  }
}

/** "200×40 404×2", the three most frequent codes and a count of the rest. */
function statusSummary(codes: Record<string, number>): string {
  const sorted = Object.entries(codes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const head = sorted.slice(0, 3).sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}×${v}`);
  return sorted.length > 3 ? `${head.join(' ')} +${sorted.length - 3}` : head.join(' ');
}
