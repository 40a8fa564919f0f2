import { readFileSync } from 'node:fs';
import { InputError, UsageError, type EndpointRecord } from '@overhear/model';
import { listEndpoints, listSpecs, removeSpec } from '@overhear/catalog';
import { importDeclaredSpec, openCatalog, reevaluate, type OverhearConfig } from '@overhear/pipeline';
import { table } from '../table.js';

export async function specImportCommand(file: string, opts: { db: string; host?: string[]; config: OverhearConfig }): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`);
  }
  const catalog = openCatalog(opts.db);
  try {
    const imported = await importDeclaredSpec(catalog, text, file, { ...(opts.host ? { hosts: opts.host } : {}), config: opts.config });
    process.stdout.write(`${imported.message}\n`);
    process.stdout.write(summary(listEndpoints(catalog.db).filter((e) => imported.hosts.includes(e.host))) + '\n');
    return 0;
  } finally {
    catalog.close();
  }
}

function summary(eps: EndpointRecord[]): string {
  const n = (s: string): number => eps.filter((e) => e.state === s).length;
  return `  documented ${n('documented')}, shadow ${n('shadow')}, deprecated ${n('deprecated')}, unused ${n('unused')}`;
}

export function specListCommand(opts: { db: string; json?: boolean }): number {
  const catalog = openCatalog(opts.db);
  try {
    const specs = listSpecs(catalog.db);
    if (opts.json) process.stdout.write(JSON.stringify(specs, null, 2) + '\n');
    else if (specs.length === 0) process.stdout.write('no specs imported: `overhear spec import FILE`\n');
    else process.stdout.write(table(['ID', 'TITLE', 'VERSION', 'HOSTS', 'OPERATIONS', 'FILE', 'IMPORTED'], specs.map((s) => [s.id, s.title, s.version, s.hosts.join(','), s.operations, s.name, s.importedAt])) + '\n');
    return 0;
  } finally {
    catalog.close();
  }
}

export function specRemoveCommand(id: string, opts: { db: string; config: OverhearConfig }): number {
  if (!/^\d+$/.test(id)) throw new UsageError(`spec id must be a number (see \`overhear spec list\`), not "${id}"`);
  const catalog = openCatalog(opts.db);
  try {
    catalog.atomically(() => {
      const hosts = removeSpec(catalog.db, Number(id));
      if (!hosts) throw new UsageError(`no spec #${id} (see \`overhear spec list\`)`);
      reevaluate(catalog, opts.config, hosts);
    });
    process.stdout.write(`removed spec #${id}\n`);
    return 0;
  } finally {
    catalog.close();
  }
}

interface DriftReport {
  host: string;
  shadow: Array<{ method: string; path: string; hits: number }>;
  unused: Array<{ method: string; path: string }>;
  deprecatedInUse: Array<{ method: string; path: string; hits: number; reason: string }>;
  drift: Array<{ method: string; path: string; items: unknown[] }>;
}

/** What the spec would need to say to match reality, per host with a spec. */
export function specDiffCommand(opts: { db: string; host?: string; format?: string }): number {
  const catalog = openCatalog(opts.db);
  try {
    const eps = listEndpoints(catalog.db, opts.host ? { host: opts.host } : {});
    const hosts = [...new Set(eps.filter((e) => e.state !== 'undocumented').map((e) => e.host))].sort();
    if (hosts.length === 0) throw new UsageError(opts.host ? `no spec imported for ${opts.host}` : 'no spec imported: `overhear spec import FILE` first');
    const drift = new Map((catalog.db.prepare("SELECT h.name || ' ' || e.method || ' ' || e.path AS k, e.drift FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE e.drift IS NOT NULL").all() as Array<{ k: string; drift: string }>).map((r) => [r.k, JSON.parse(r.drift) as unknown[]]));
    const reports: DriftReport[] = hosts.map((host) => {
      const mine = eps.filter((e) => e.host === host);
      return {
        host,
        shadow: mine.filter((e) => e.state === 'shadow').map((e) => ({ method: e.method, path: e.path, hits: e.hits })),
        unused: mine.filter((e) => e.state === 'unused').map((e) => ({ method: e.method, path: e.path })),
        deprecatedInUse: mine.filter((e) => e.state === 'deprecated' && e.hits > 0).map((e) => ({ method: e.method, path: e.path, hits: e.hits, reason: String(e.stateReason ?? '') })),
        drift: mine.filter((e) => drift.has(`${host} ${e.method} ${e.path}`)).map((e) => ({ method: e.method, path: e.path, items: drift.get(`${host} ${e.method} ${e.path}`)! })),
      };
    });
    if (opts.format === 'json') process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
    else process.stdout.write(reports.map(markdown).join('\n'));
    return 0;
  } finally {
    catalog.close();
  }
}

function markdown(r: DriftReport): string {
  const lines = [`# ${r.host}: spec vs traffic`, ''];
  const section = (title: string, items: string[]): void => {
    if (!items.length) return;
    lines.push(`## ${title}`, '', ...items.map((i) => `- ${i}`), '');
  };
  section('Served but not in the spec (shadow): add them, or stop serving them', r.shadow.map((s) => `\`${s.method} ${s.path}\` — ${s.hits} requests`));
  section('Deprecated but still in use (zombie)', r.deprecatedInUse.map((d) => `\`${d.method} ${d.path}\` — ${d.hits} requests; ${d.reason}`));
  section('In the spec but never called (orphan)', r.unused.map((u) => `\`${u.method} ${u.path}\``));
  if (r.drift.length) {
    lines.push('## Differences between the spec and the traffic', '');
    for (const d of r.drift) {
      lines.push(`### \`${d.method} ${d.path}\``, '');
      for (const item of d.items as Array<{ kind: string; where: string; detail: string }>) lines.push(`- ${item.kind}: ${item.where} — ${item.detail}`);
      lines.push('');
    }
  }
  if (lines.length === 2) lines.push('The traffic matches the spec.', '');
  return lines.join('\n');
}
