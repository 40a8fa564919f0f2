import type Database from 'better-sqlite3';

/** Declared specs as stored: the normalised document (JSON) and its operations per host. */
export interface StoredSpec {
  id: number;
  name: string;
  title: string;
  version: string;
  hosts: string[];
  basePath: string;
  operations: number;
  importedAt: string;
}

export interface SpecToStore {
  name: string;
  sha256: string;
  title: string;
  version: string;
  hosts: string[];
  basePath: string;
  /** The normalised declared spec, JSON. */
  document: string;
  operations: Array<{ method: string; path: string; deprecated: boolean }>;
}

/**
 * Stores a declared spec. A spec with the same title for one of the same
 * hosts is an older version of it and is replaced. Returns the new id and
 * the ids it replaced.
 */
/** Stores a spec, replacing older versions of it; `hosts`: every host whose declared operations changed (the new spec's and the replaced ones'). */
export function storeSpec(db: Database.Database, s: SpecToStore): { id: number; replaced: number[]; hosts: string[] } {
  return db.transaction(() => {
    const existing = db.prepare('SELECT id, title, hosts FROM specs').all() as Array<{ id: number; title: string; hosts: string }>;
    const old = existing.filter((e) => e.title === s.title && (JSON.parse(e.hosts) as string[]).some((h) => s.hosts.includes(h)));
    const replaced = old.map((e) => e.id);
    const hosts = new Set(s.hosts);
    for (const e of old) for (const h of JSON.parse(e.hosts) as string[]) hosts.add(h);
    for (const id of replaced) db.prepare('DELETE FROM specs WHERE id = ?').run(id);
    const { id } = db
      .prepare('INSERT INTO specs (host, base_path, title, version, source_name, sha256, document, imported_at, hosts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id')
      .get(s.hosts[0] ?? '', s.basePath, s.title, s.version, s.name, s.sha256, s.document, Date.now(), JSON.stringify(s.hosts)) as { id: number };
    const op = db.prepare('INSERT OR IGNORE INTO spec_operations (spec_id, method, path, deprecated, host) VALUES (?, ?, ?, ?, ?)');
    for (const o of s.operations) for (const h of s.hosts) op.run(id, o.method, o.path, o.deprecated ? 1 : 0, h);
    return { id, replaced, hosts: [...hosts] };
  }).immediate();
}

export function listSpecs(db: Database.Database): StoredSpec[] {
  const rows = db
    .prepare('SELECT s.id, s.source_name, s.title, s.version, s.hosts, s.base_path, s.imported_at, (SELECT count(DISTINCT method || path) FROM spec_operations o WHERE o.spec_id = s.id) AS ops FROM specs s ORDER BY s.id')
    .all() as Array<{ id: number; source_name: string; title: string | null; version: string | null; hosts: string; base_path: string; imported_at: number; ops: number }>;
  return rows.map((r) => ({
    id: r.id,
    name: r.source_name,
    title: r.title ?? '',
    version: r.version ?? '',
    hosts: JSON.parse(r.hosts) as string[],
    basePath: r.base_path,
    operations: r.ops,
    importedAt: new Date(r.imported_at).toISOString(),
  }));
}

/** Removes a spec; returns the hosts it applied to (undefined when there was no such spec). */
export function removeSpec(db: Database.Database, id: number): string[] | undefined {
  const row = db.prepare('DELETE FROM specs WHERE id = ? RETURNING hosts').get(id) as { hosts: string } | undefined;
  return row ? (JSON.parse(row.hosts) as string[]) : undefined;
}

/** Every stored spec's normalised document, with the hosts it applies to and when it was imported. */
export function specDocuments(db: Database.Database): Array<{ id: number; hosts: string[]; document: string; importedAt: number }> {
  return (db.prepare('SELECT id, hosts, document, imported_at FROM specs ORDER BY id').all() as Array<{ id: number; hosts: string; document: string; imported_at: number }>).map((r) => ({
    id: r.id,
    hosts: JSON.parse(r.hosts) as string[],
    document: r.document,
    importedAt: r.imported_at,
  }));
}
