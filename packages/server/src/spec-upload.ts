import { readFileSync } from 'node:fs';
import { InputError, UsageError } from '@overhear/model';
import type { Catalog } from '@overhear/catalog';
import { importDeclaredSpec, type OverhearConfig } from '@overhear/pipeline';
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
    try {
      const r = await importDeclaredSpec(catalog, readFileSync(file, 'utf8'), `upload:${name}`, { ...(opts.hosts ? { hosts: opts.hosts } : {}), config, howToName: '(host=… in the upload URL)' });
      return { stored: true, id: r.id, replaced: r.replaced, hosts: r.hosts, operations: r.operations, message: r.message.replace(`upload:${name}`, name) };
    } catch (e) {
      if (e instanceof InputError || e instanceof UsageError) throw new HttpError(422, e.message.replace(`upload:${name}`, name), { nothingWritten: true });
      throw e;
    }
  };
}
