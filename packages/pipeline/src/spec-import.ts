import { createHash } from 'node:crypto';
import { UsageError } from '@overhear/model';
import { storeSpec, type Catalog } from '@overhear/catalog';
import { importSpec } from '@overhear/spec';
import type { OverhearConfig } from './config.js';
import { reevaluate } from './reevaluate.js';

export interface ImportedSpec {
  id: number;
  replaced: number[];
  hosts: string[];
  operations: number;
  /** "imported "Shop API" 2.3.0 as spec #1: 15 operations for shop.example.com" */
  message: string;
}

/**
 * A declared spec into the catalog, as `overhear spec import` and the
 * dashboard's upload both do it: parse and normalise, store (replacing an
 * older version with the same title and host), re-evaluate states and drift —
 * one transaction. Bad documents throw InputError (from importSpec); a spec
 * that names no host and gets none throws UsageError.
 */
export async function importDeclaredSpec(catalog: Catalog, text: string, name: string, opts: { hosts?: string[]; config?: OverhearConfig; howToName?: string } = {}): Promise<ImportedSpec> {
  const spec = await importSpec(text, name);
  const hosts = opts.hosts?.length ? opts.hosts.map((h) => h.toLowerCase()) : spec.hosts;
  if (hosts.length === 0) throw new UsageError(`${name}: the spec names no server host; say which host it documents ${opts.howToName ?? 'with --host'}`);
  const { id, replaced } = catalog.atomically(() => {
    const stored = storeSpec(catalog.db, {
      name,
      sha256: createHash('sha256').update(text).digest('hex'),
      title: spec.title,
      version: spec.version,
      hosts,
      basePath: spec.basePath,
      document: JSON.stringify(spec),
      operations: spec.operations.map((o) => ({ method: o.method, path: o.path, deprecated: o.deprecated })),
    });
    // only the hosts whose declared operations changed
    reevaluate(catalog, opts.config ?? {}, stored.hosts);
    return stored;
  });
  const label = spec.title ? `"${spec.title}" ${spec.version}` : name;
  const message = `imported ${label} as spec #${id}: ${spec.operations.length} operations for ${hosts.join(', ')}${replaced.length ? ` (replaces #${replaced.join(', #')})` : ''}`;
  return { id, replaced, hosts, operations: spec.operations.length, message };
}
