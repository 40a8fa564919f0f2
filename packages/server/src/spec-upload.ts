import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '@overhear/model';
import { storeSpec, type Catalog } from '@overhear/catalog';
import { importSpec } from '@overhear/spec';
import { reevaluate, type OverhearConfig } from '@overhear/pipeline';
import { HttpError } from './http-util.js';
import type { SpecImportHook } from './uploads.js';

/**
 * Uploaded OpenAPI documents go through the same steps as
 * `overhear spec import FILE [--host H]`: parse and normalise (packages/spec),
 * store (replacing an older version with the same title and host), then
 * re-evaluate endpoint states and drift — one transaction.
 */
export function catalogSpecImport(catalog: Catalog, config: OverhearConfig): SpecImportHook {
  return async (file, name, opts) => {
    const text = readFileSync(file, 'utf8');
    let spec;
    try {
      spec = await importSpec(text, name);
    } catch (e) {
      if (e instanceof InputError) throw new HttpError(422, e.message, { nothingWritten: true });
      throw e;
    }
    const hosts = opts.hosts?.length ? opts.hosts.map((h) => h.toLowerCase()) : spec.hosts;
    if (hosts.length === 0) throw new HttpError(422, `${name}: the spec names no server host; say which host it documents (host=… in the upload URL)`, { nothingWritten: true });
    const { id, replaced } = catalog.atomically(() => {
      const stored = storeSpec(catalog.db, {
        name: `upload:${name}`,
        sha256: createHash('sha256').update(text).digest('hex'),
        title: spec.title,
        version: spec.version,
        hosts,
        basePath: spec.basePath,
        document: JSON.stringify(spec),
        operations: spec.operations.map((o) => ({ method: o.method, path: o.path, deprecated: o.deprecated })),
      });
      reevaluate(catalog, config);
      return stored;
    });
    const label = spec.title ? `"${spec.title}" ${spec.version}` : name;
    return {
      stored: true,
      id,
      replaced,
      hosts,
      operations: spec.operations.length,
      message: `imported ${label} as spec #${id}: ${spec.operations.length} operations for ${hosts.join(', ')}${replaced.length ? ` (replaces #${replaced.join(', #')})` : ''}`,
    };
  };
}
