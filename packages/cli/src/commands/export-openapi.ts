import { writeFileSync } from 'node:fs';
import { UsageError } from '@overhear/model';
import { Catalog, endpointShapes } from '@overhear/catalog';
import { exportOpenApi } from '@overhear/spec';

export function exportOpenApiCommand(opts: { db: string; host?: string; output?: string }): number {
  const catalog = new Catalog(opts.db, { readonly: true });
  try {
    const shapes = endpointShapes(catalog.db, opts.host ? { host: opts.host } : {});
    if (shapes.length === 0) throw new UsageError(opts.host ? `no endpoints for host ${opts.host}` : 'no endpoints yet: run `overhear ingest FILE` first');
    const httpsHits = new Map<string, number>();
    const httpHits = new Map<string, number>();
    for (const row of catalog.db.prepare('SELECT h.name AS host, sum(e.https_hits) AS s, sum(e.http_hits) AS p FROM endpoints e JOIN hosts h ON h.id = e.host_id GROUP BY h.name').all() as Array<{ host: string; s: number; p: number }>) {
      httpsHits.set(row.host, row.s);
      httpHits.set(row.host, row.p);
    }
    const doc = exportOpenApi(shapes, { schemeOf: (h) => ((httpsHits.get(h) ?? 0) === 0 && (httpHits.get(h) ?? 0) > 0 ? 'http' : 'https') });
    const text = JSON.stringify(doc, null, 2) + '\n';
    if (opts.output && opts.output !== '-') writeFileSync(opts.output, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    catalog.close();
  }
}
