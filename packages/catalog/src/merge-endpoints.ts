import type Database from 'better-sqlite3';
import type { JsonSchema } from '@overhear/model';
import type { SchemaMerger } from './catalog.js';

/**
 * Re-templating merged endpoints: what the catalog holds under the `from`
 * paths of a host (all methods, or one) moves onto `into` — hits, times,
 * status counts, auth, traffic, parameters (path parameters renamed by
 * position; a literal that became a parameter adds one), bodies (schemas
 * merged with the injected merger), sensitive data, findings and consumers —
 * and the merged rows are deleted. One transaction (a savepoint when called
 * inside one). Returns how many endpoint rows were merged away.
 */
export function mergeEndpoints(db: Database.Database, merge: SchemaMerger, host: string, from: string[], into: string, method?: string): number {
  return db.transaction((): number => {
    const h = db.prepare('SELECT id FROM hosts WHERE name = ?').get(host) as { id: number } | undefined;
    if (!h) return 0;
    let moved = 0;
    const find = db.prepare(`SELECT id, method, path FROM endpoints WHERE host_id = ? AND path = ?${method ? ' AND method = ?' : ''}`);
    for (const path of from) {
      if (path === into) continue;
      const rows = (method ? find.all(h.id, path, method) : find.all(h.id, path)) as Array<{ id: number; method: string; path: string }>;
      for (const r of rows) {
        mergeRow(db, merge, h.id, r, into);
        moved++;
      }
    }
    return moved;
  })();
}

function mergeRow(db: Database.Database, merge: SchemaMerger, hostId: number, r: { id: number; method: string; path: string }, into: string): void {
  const { names, values } = align(r.path, into);
  const target = db.prepare('SELECT id, servers FROM endpoints WHERE host_id = ? AND method = ? AND path = ?').get(hostId, r.method, into) as { id: number; servers: string } | undefined;
  if (!target) {
    // Nothing there yet: the row is renamed in place, its parameters follow.
    db.prepare('UPDATE endpoints SET path = ? WHERE id = ?').run(into, r.id);
    renameParams(db, merge, r.id, r.id, names);
    addValueParams(db, merge, r.id, values, (db.prepare('SELECT analysed FROM endpoints WHERE id = ?').get(r.id) as { analysed: number }).analysed);
    return;
  }
  const t = target.id;
  const src = db.prepare('SELECT hits, analysed, http_hits, https_hits, first_seen, last_seen, servers, deprecation_signals FROM endpoints WHERE id = ?').get(r.id) as {
    hits: number; analysed: number; http_hits: number; https_hits: number; first_seen: number; last_seen: number; servers: string; deprecation_signals: number;
  };
  const servers = [...new Set([...(JSON.parse(target.servers) as string[]), ...(JSON.parse(src.servers) as string[])])].sort().slice(0, 64);
  db.prepare(
    `UPDATE endpoints SET hits = hits + ?, analysed = analysed + ?, http_hits = http_hits + ?, https_hits = https_hits + ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),
       deprecation_signals = deprecation_signals + ?, servers = ? WHERE id = ?`,
  ).run(src.hits, src.analysed, src.http_hits, src.https_hits, src.first_seen, src.last_seen, src.deprecation_signals, JSON.stringify(servers), t);
  db.prepare(`INSERT INTO endpoint_status (endpoint_id, status, count) SELECT ?, status, count FROM endpoint_status WHERE endpoint_id = ? AND true
    ON CONFLICT DO UPDATE SET count = count + excluded.count`).run(t, r.id);
  db.prepare(`INSERT INTO endpoint_auth (endpoint_id, scheme, count) SELECT ?, scheme, count FROM endpoint_auth WHERE endpoint_id = ? AND true
    ON CONFLICT DO UPDATE SET count = count + excluded.count`).run(t, r.id);
  db.prepare(`INSERT INTO traffic (endpoint_id, hour, hits) SELECT ?, hour, hits FROM traffic WHERE endpoint_id = ? AND true
    ON CONFLICT DO UPDATE SET hits = hits + excluded.hits`).run(t, r.id);
  renameParams(db, merge, r.id, t, names);
  addValueParams(db, merge, t, values, src.analysed);
  const bodies = db.prepare('SELECT direction, status, media_type, schema, fields, count FROM bodies WHERE endpoint_id = ?').all(r.id) as Array<{
    direction: string; status: number; media_type: string; schema: string | null; fields: string | null; count: number;
  }>;
  const getBody = db.prepare('SELECT schema, fields FROM bodies WHERE endpoint_id = ? AND direction = ? AND status = ? AND media_type = ?');
  const putBody = db.prepare(`INSERT INTO bodies (endpoint_id, direction, status, media_type, schema, fields, count) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET schema = excluded.schema, fields = excluded.fields, count = count + excluded.count`);
  for (const b of bodies) {
    const old = getBody.get(t, b.direction, b.status, b.media_type) as { schema: string | null; fields: string | null } | undefined;
    let schema = b.schema;
    if (old?.schema) schema = schema ? JSON.stringify(merge(JSON.parse(old.schema) as JsonSchema, JSON.parse(schema) as JsonSchema)) : old.schema;
    let fields = b.fields;
    if (old?.fields) fields = JSON.stringify([...new Set([...(JSON.parse(old.fields) as string[]), ...((fields ? JSON.parse(fields) : []) as string[])])]);
    putBody.run(t, b.direction, b.status, b.media_type, schema, fields, b.count);
  }
  db.prepare(`INSERT INTO sensitive (endpoint_id, location, name, type, preview, hash, count, first_seen, last_seen)
    SELECT ?, location, name, type, preview, hash, count, first_seen, last_seen FROM sensitive WHERE endpoint_id = ? AND true
    ON CONFLICT DO UPDATE SET count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`).run(t, r.id);
  db.prepare(`INSERT INTO findings (endpoint_id, rule, key, severity, owasp, evidence, count, first_seen, last_seen)
    SELECT ?, rule, key, severity, owasp, evidence, count, first_seen, last_seen FROM findings WHERE endpoint_id = ? AND true
    ON CONFLICT(endpoint_id, rule, key) DO UPDATE SET count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`).run(t, r.id);
  db.prepare(`INSERT INTO consumers (endpoint_id, kind, id, count, first_seen, last_seen)
    SELECT ?, kind, id, count, first_seen, last_seen FROM consumers WHERE endpoint_id = ? AND true
    ON CONFLICT DO UPDATE SET count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`).run(t, r.id);
  db.prepare('DELETE FROM endpoints WHERE id = ?').run(r.id); // its rows in the other tables go with it (ON DELETE CASCADE)
}

interface ParamRow {
  location: string;
  name: string;
  schema: string;
  count: number;
  min_value: number | null;
  max_value: number | null;
  longest_run: number | null;
}

/** Moves (or renames in place) the parameters of endpoint `src` onto `dst`, path parameters renamed by `names`. */
function renameParams(db: Database.Database, merge: SchemaMerger, src: number, dst: number, names: Map<string, string>): void {
  const rows = db.prepare('SELECT location, name, schema, count, min_value, max_value, longest_run FROM parameters WHERE endpoint_id = ?').all(src) as ParamRow[];
  if (src === dst) {
    if (names.size === 0) return;
    db.prepare("DELETE FROM parameters WHERE endpoint_id = ? AND location = 'path'").run(src);
    for (const p of rows) if (p.location === 'path') putParam(db, merge, dst, { ...p, name: names.get(p.name) ?? p.name });
    return;
  }
  for (const p of rows) putParam(db, merge, dst, p.location === 'path' ? { ...p, name: names.get(p.name) ?? p.name } : p);
}

function addValueParams(db: Database.Database, merge: SchemaMerger, dst: number, values: Map<string, string>, hits: number): void {
  for (const [name, value] of values) {
    putParam(db, merge, dst, { location: 'path', name, schema: JSON.stringify(valueSchema(value)), count: hits, min_value: null, max_value: null, longest_run: null });
  }
}

function putParam(db: Database.Database, merge: SchemaMerger, dst: number, p: ParamRow): void {
  const old = db.prepare('SELECT schema, count, min_value, max_value, longest_run FROM parameters WHERE endpoint_id = ? AND location = ? AND name = ?').get(dst, p.location, p.name) as ParamRow | undefined;
  if (!old) {
    db.prepare('INSERT INTO parameters (endpoint_id, location, name, schema, count, min_value, max_value, longest_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      dst, p.location, p.name, p.schema, p.count, p.min_value, p.max_value, p.longest_run,
    );
    return;
  }
  const schema = JSON.stringify(merge(JSON.parse(old.schema) as JsonSchema, JSON.parse(p.schema) as JsonSchema));
  const min = old.min_value === null ? p.min_value : p.min_value === null ? old.min_value : Math.min(old.min_value, p.min_value);
  const max = old.max_value === null ? p.max_value : p.max_value === null ? old.max_value : Math.max(old.max_value, p.max_value);
  const run = old.longest_run === null ? p.longest_run : p.longest_run === null ? old.longest_run : Math.max(old.longest_run, p.longest_run);
  db.prepare('UPDATE parameters SET schema = ?, count = count + ?, min_value = ?, max_value = ?, longest_run = ? WHERE endpoint_id = ? AND location = ? AND name = ?').run(
    schema, p.count, min, max, run, dst, p.location, p.name,
  );
}

function valueSchema(raw: string): JsonSchema {
  let v = raw;
  try {
    v = decodeURIComponent(raw);
  } catch {
    /* kept as sent */
  }
  if (/^-?(0|[1-9]\d{0,15})$/.test(v)) return { type: 'integer' };
  return { type: 'string' };
}

/** Path parameters of `from` renamed to `into`'s names by position, and literals of `from` that are parameters in `into`. */
function align(from: string, into: string): { names: Map<string, string>; values: Map<string, string> } {
  const a = from.split('/');
  const b = into.split('/');
  const names = new Map<string, string>();
  const values = new Map<string, string>();
  for (let i = 0; i < a.length && i < b.length; i++) {
    const mb = /^([^{]*)\{([^}]+)\}(.*)$/.exec(b[i]!);
    if (!mb) continue;
    const ma = /^[^{]*\{([^}]+)\}/.exec(a[i]!);
    if (ma) {
      if (ma[1] !== mb[2]) names.set(ma[1]!, mb[2]!);
    } else values.set(mb[2]!, a[i]!.slice(a[i]!.startsWith(mb[1]!) ? mb[1]!.length : 0, mb[3] && a[i]!.endsWith(mb[3]) ? -mb[3].length : undefined));
  }
  return { names, values };
}
