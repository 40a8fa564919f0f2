import { Catalog, listFindings } from '@overhear/catalog';
import { table } from '../table.js';

export function findingsCommand(opts: { db: string; json?: boolean; host?: string }): number {
  const catalog = new Catalog(opts.db, { readonly: true });
  try {
    const list = listFindings(catalog.db, opts.host ? { host: opts.host } : {});
    if (opts.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    if (list.length === 0) {
      process.stdout.write('no findings\n');
      return 0;
    }
    const rows = list.map((f) => [f.severity, f.rule, f.owasp, f.host, `${f.method} ${f.path}`, f.count, f.evidence]);
    process.stdout.write(table(['SEVERITY', 'RULE', 'OWASP', 'HOST', 'ENDPOINT', 'COUNT', 'EVIDENCE'], rows, { 3: 28, 4: 50, 6: 70 }) + '\n');
    return 0;
  } finally {
    catalog.close();
  }
}
