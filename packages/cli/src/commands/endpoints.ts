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
      Object.entries(e.statusCodes)
        .map(([k, v]) => `${k}×${v}`)
        .join(' '),
      e.auth.length ? e.auth.join(',') : 'none',
      e.state,
      [...new Set(e.sensitive.map((s) => s.type))].join(','),
    ]);
    process.stdout.write(table(['HOST', 'METHOD', 'PATH', 'HITS', 'STATUS', 'AUTH', 'STATE', 'SENSITIVE'], rows, { 0: 28, 2: 60, 7: 48 }) + '\n');
    const hosts = new Set(list.map((e) => e.host)).size;
    const unseen = list.filter((e) => e.hits === 0).length;
    process.stdout.write(`\n${list.length} endpoints on ${hosts} host${hosts === 1 ? '' : 's'}${unseen ? ` (${unseen} declared but never seen)` : ''}\n`);
    return 0;
  } finally {
    catalog.close();
  }
}
