import type Database from 'better-sqlite3';
import type { EndpointState, Finding, JsonSchema, ParamLocation, SensitiveLocation, Severity } from '@overhear/model';

/**
 * Reads for the dashboard's HTTP API (packages/server). Unlike `listEndpoints`,
 * which returns the whole inventory, these filter, sort and page in SQL so a
 * page of a 20,000-endpoint catalog costs a few milliseconds: one query for
 * the page's rows, one for the total, then one query per side table limited to
 * the page's ids. Every value is bound as a parameter, never spliced into SQL.
 */

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
/** Declared-but-never-seen endpoints (state "unused") have 0 as first and last sighting. */
const seen = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

export type EndpointSort = 'path' | 'host' | 'method' | 'hits' | 'risk' | 'lastSeen' | 'firstSeen' | 'findings';

export interface EndpointQuery {
  host?: string;
  state?: string;
  method?: string;
  /** Auth scheme family ("bearer", "session-cookie"…) or "none" (requests without credentials seen). */
  auth?: string;
  /** Sensitive data type ("email"…), or "any". */
  sensitive?: string;
  /** Case-insensitive substring of host, path or method. */
  q?: string;
  /** Only endpoints first seen at or after this time (ms). */
  since?: number;
  sort?: EndpointSort;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface EndpointSummary {
  id: number;
  host: string;
  method: string;
  path: string;
  hits: number;
  /** null for a declared operation never seen in traffic. */
  firstSeen: string | null;
  lastSeen: string | null;
  state: EndpointState;
  stateReason: string | null;
  risk: number;
  statusCodes: Record<string, number>;
  auth: string[];
  unauthenticatedHits: number;
  sensitiveTypes: string[];
  findings: number;
  /** Highest severity among the endpoint's findings, or null. */
  maxSeverity: Severity | null;
}

export interface EndpointPage {
  total: number;
  offset: number;
  limit: number;
  items: EndpointSummary[];
}

const SORT_SQL: Record<EndpointSort, { sql: string; desc: boolean }> = {
  path: { sql: 'e.path', desc: false },
  host: { sql: 'h.name', desc: false },
  method: { sql: 'e.method', desc: false },
  hits: { sql: 'e.hits', desc: true },
  risk: { sql: 'e.risk', desc: true },
  lastSeen: { sql: 'e.last_seen', desc: true },
  firstSeen: { sql: 'e.first_seen', desc: true },
  findings: { sql: '(SELECT count(*) FROM findings f WHERE f.endpoint_id = e.id)', desc: true },
};

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_SQL = `CASE f.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 ELSE 1 END`;

/** LIKE pattern for a substring, with the wildcards of the input escaped. */
const like = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function endpointWhere(q: EndpointQuery): { where: string; params: Record<string, unknown> } {
  const conds: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.host) {
    conds.push('h.name = @host');
    params.host = q.host;
  }
  if (q.state) {
    conds.push('e.state = @state');
    params.state = q.state;
  }
  if (q.method) {
    conds.push('e.method = @method');
    params.method = q.method.toUpperCase();
  }
  if (q.auth) {
    if (q.auth === 'none') conds.push(`EXISTS (SELECT 1 FROM endpoint_auth a WHERE a.endpoint_id = e.id AND a.scheme = 'none')`);
    else {
      conds.push(`EXISTS (SELECT 1 FROM endpoint_auth a WHERE a.endpoint_id = e.id AND (a.scheme = @auth OR substr(a.scheme, 1, length(@auth) + 1) = @auth || ':'))`);
      params.auth = q.auth;
    }
  }
  if (q.sensitive) {
    if (q.sensitive === 'any') conds.push('EXISTS (SELECT 1 FROM sensitive s WHERE s.endpoint_id = e.id)');
    else {
      conds.push('EXISTS (SELECT 1 FROM sensitive s WHERE s.endpoint_id = e.id AND s.type = @sensitive)');
      params.sensitive = q.sensitive;
    }
  }
  if (q.q) {
    conds.push(`(e.path LIKE @q ESCAPE '\\' OR h.name LIKE @q ESCAPE '\\' OR e.method LIKE @q ESCAPE '\\' OR (h.name || e.path) LIKE @q ESCAPE '\\')`);
    params.q = like(q.q);
  }
  if (q.since !== undefined) {
    conds.push('e.first_seen >= @since');
    params.since = q.since;
  }
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

interface Row {
  id: number;
  host: string;
  method: string;
  path: string;
  hits: number;
  first_seen: number;
  last_seen: number;
  state: EndpointState;
  state_reason: string | null;
  risk: number;
}

function placeholders(ids: number[]): string {
  return ids.map(() => '?').join(',');
}

function summarise(db: Database.Database, rows: Row[]): EndpointSummary[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const inIds = placeholders(ids);
  const status = new Map<number, Record<string, number>>();
  for (const s of db.prepare(`SELECT endpoint_id, status, count FROM endpoint_status WHERE endpoint_id IN (${inIds})`).all(...ids) as Array<{ endpoint_id: number; status: number; count: number }>) {
    let m = status.get(s.endpoint_id);
    if (!m) status.set(s.endpoint_id, (m = {}));
    m[String(s.status)] = s.count;
  }
  const auth = new Map<number, { schemes: Set<string>; none: number }>();
  for (const a of db.prepare(`SELECT endpoint_id, scheme, count FROM endpoint_auth WHERE endpoint_id IN (${inIds})`).all(...ids) as Array<{ endpoint_id: number; scheme: string; count: number }>) {
    let m = auth.get(a.endpoint_id);
    if (!m) auth.set(a.endpoint_id, (m = { schemes: new Set(), none: 0 }));
    if (a.scheme === 'none') m.none += a.count;
    else m.schemes.add(a.scheme.split(':', 1)[0]!);
  }
  const sens = new Map<number, Set<string>>();
  for (const s of db.prepare(`SELECT DISTINCT endpoint_id, type FROM sensitive WHERE endpoint_id IN (${inIds})`).all(...ids) as Array<{ endpoint_id: number; type: string }>) {
    let m = sens.get(s.endpoint_id);
    if (!m) sens.set(s.endpoint_id, (m = new Set()));
    m.add(s.type);
  }
  const finds = new Map<number, { n: number; sev: number }>();
  for (const f of db.prepare(`SELECT f.endpoint_id, count(*) AS n, max(${SEVERITY_SQL}) AS sev FROM findings f WHERE f.endpoint_id IN (${inIds}) GROUP BY f.endpoint_id`).all(...ids) as Array<{ endpoint_id: number; n: number; sev: number }>) {
    finds.set(f.endpoint_id, { n: f.n, sev: f.sev });
  }
  return rows.map((r) => {
    const a = auth.get(r.id);
    const f = finds.get(r.id);
    return {
      id: r.id,
      host: r.host,
      method: r.method,
      path: r.path,
      hits: r.hits,
      firstSeen: seen(r.first_seen),
      lastSeen: seen(r.last_seen),
      state: r.state,
      stateReason: r.state_reason,
      risk: r.risk,
      statusCodes: status.get(r.id) ?? {},
      auth: a ? [...a.schemes].sort() : [],
      unauthenticatedHits: a?.none ?? 0,
      sensitiveTypes: [...(sens.get(r.id) ?? [])].sort(),
      findings: f?.n ?? 0,
      maxSeverity: f ? SEVERITIES[5 - f.sev] ?? null : null,
    };
  });
}

const ENDPOINT_COLUMNS = 'e.id, h.name AS host, e.method, e.path, e.hits, e.first_seen, e.last_seen, e.state, e.state_reason, e.risk';

/** One page of the inventory, filtered and sorted in SQL. */
export function queryEndpoints(db: Database.Database, q: EndpointQuery = {}): EndpointPage {
  const { where, params } = endpointWhere(q);
  const sort = SORT_SQL[q.sort ?? 'path'] ?? SORT_SQL.path;
  const desc = q.order ? q.order === 'desc' : sort.desc;
  const dir = desc ? 'DESC' : 'ASC';
  const limit = Math.max(1, Math.min(1000, Math.floor(q.limit ?? 100)));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const total = (db.prepare(`SELECT count(*) AS n FROM endpoints e JOIN hosts h ON h.id = e.host_id ${where}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(`SELECT ${ENDPOINT_COLUMNS} FROM endpoints e JOIN hosts h ON h.id = e.host_id ${where} ORDER BY ${sort.sql} ${dir}, h.name, e.path, e.method LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit, offset }) as Row[];
  return { total, offset, limit, items: summarise(db, rows) };
}

export interface EndpointDetail extends EndpointSummary {
  httpHits: number;
  httpsHits: number;
  servers: string[];
  authCounts: Record<string, number>;
  parameters: Array<{ location: ParamLocation; name: string; schema: JsonSchema; count: number }>;
  bodies: Array<{ direction: 'request' | 'response'; status: number; mediaType: string; schema: JsonSchema | null; fields: string[] | null; count: number }>;
  sensitive: Array<{ location: SensitiveLocation; name: string; type: string; preview: string; count: number; firstSeen: string; lastSeen: string }>;
  findingList: FindingRow[];
  consumers: Array<{ kind: string; id: string; count: number; firstSeen: string; lastSeen: string }>;
  /** Hour start (ISO) → hits. */
  traffic: Array<{ hour: string; hits: number }>;
  /** Declared operations that match this method and path (spec import fills `specs`). */
  declared: Array<{ specId: number; title: string | null; version: string | null; deprecated: boolean }>;
  /** Differences between what traffic showed and the declared spec (kind, where, detail). */
  drift: Array<{ kind: string; where: string; detail: string }>;
  /** Responses carrying Deprecation or Sunset headers. */
  deprecationSignals: number;
  /** Hits analysed in full (parameters, bodies, sensitive data, findings); the rest were counted only. */
  analysed: number;
}

export function endpointDetail(db: Database.Database, id: number): EndpointDetail | undefined {
  const row = db.prepare(`SELECT ${ENDPOINT_COLUMNS}, e.http_hits, e.https_hits, e.servers, e.drift, e.deprecation_signals, e.analysed FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE e.id = ?`).get(id) as
    | (Row & { http_hits: number; https_hits: number; servers: string; drift: string | null; deprecation_signals: number; analysed: number })
    | undefined;
  if (!row) return undefined;
  const summary = summarise(db, [row])[0]!;
  const authCounts: Record<string, number> = {};
  for (const a of db.prepare('SELECT scheme, count FROM endpoint_auth WHERE endpoint_id = ? ORDER BY count DESC').all(id) as Array<{ scheme: string; count: number }>) authCounts[a.scheme] = a.count;
  const parameters = (db.prepare('SELECT location, name, schema, count FROM parameters WHERE endpoint_id = ? ORDER BY location, name').all(id) as Array<{ location: ParamLocation; name: string; schema: string; count: number }>).map((p) => ({
    location: p.location,
    name: p.name,
    schema: JSON.parse(p.schema) as JsonSchema,
    count: p.count,
  }));
  const bodies = (
    db.prepare('SELECT direction, status, media_type, schema, fields, count FROM bodies WHERE endpoint_id = ? ORDER BY direction, status, media_type').all(id) as Array<{
      direction: 'request' | 'response';
      status: number;
      media_type: string;
      schema: string | null;
      fields: string | null;
      count: number;
    }>
  ).map((b) => ({ direction: b.direction, status: b.status, mediaType: b.media_type, schema: b.schema ? (JSON.parse(b.schema) as JsonSchema) : null, fields: b.fields ? (JSON.parse(b.fields) as string[]) : null, count: b.count }));
  const sensitive = (
    db.prepare('SELECT location, name, type, preview, count, first_seen, last_seen FROM sensitive WHERE endpoint_id = ? ORDER BY location, name, type').all(id) as Array<{
      location: SensitiveLocation;
      name: string;
      type: string;
      preview: string;
      count: number;
      first_seen: number;
      last_seen: number;
    }>
  ).map((s) => ({ location: s.location, name: s.name, type: s.type, preview: s.preview, count: s.count, firstSeen: iso(s.first_seen)!, lastSeen: iso(s.last_seen)! }));
  const consumers = (db.prepare('SELECT kind, id, count, first_seen, last_seen FROM consumers WHERE endpoint_id = ? ORDER BY count DESC LIMIT 100').all(id) as Array<{ kind: string; id: string; count: number; first_seen: number; last_seen: number }>).map(
    (c) => ({ kind: c.kind, id: c.id, count: c.count, firstSeen: iso(c.first_seen)!, lastSeen: iso(c.last_seen)! }),
  );
  const traffic = (db.prepare('SELECT hour, hits FROM traffic WHERE endpoint_id = ? ORDER BY hour').all(id) as Array<{ hour: number; hits: number }>).map((t) => ({ hour: iso(t.hour)!, hits: t.hits }));
  const declared = (
    db
      .prepare(
        `SELECT s.id, s.title, s.version, o.deprecated FROM spec_operations o JOIN specs s ON s.id = o.spec_id
         WHERE (s.host = @host OR o.host = @host) AND upper(o.method) = @method AND (o.path = @path OR (s.base_path || o.path) = @path)`,
      )
      .all({ host: row.host, method: row.method.toUpperCase(), path: row.path }) as Array<{ id: number; title: string | null; version: string | null; deprecated: number }>
  ).map((d) => ({ specId: d.id, title: d.title, version: d.version, deprecated: d.deprecated !== 0 }));
  return {
    ...summary,
    httpHits: row.http_hits,
    httpsHits: row.https_hits,
    servers: JSON.parse(row.servers) as string[],
    authCounts,
    parameters,
    bodies,
    sensitive,
    findingList: queryFindings(db, { endpointId: id, limit: 500 }).items,
    consumers,
    traffic,
    declared,
    drift: parseDrift(row.drift),
    deprecationSignals: row.deprecation_signals,
    analysed: row.analysed,
  };
}

function parseDrift(text: string | null): EndpointDetail['drift'] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) return [];
    return v.map((d: { kind?: unknown; where?: unknown; detail?: unknown }) => ({ kind: String(d?.kind ?? ''), where: String(d?.where ?? ''), detail: String(d?.detail ?? '') }));
  } catch {
    return [];
  }
}

export interface FindingQuery {
  rule?: string;
  severity?: string;
  owasp?: string;
  host?: string;
  endpointId?: number;
  q?: string;
  offset?: number;
  limit?: number;
}

/** The `findings --json` contract plus the ids the dashboard links with. */
export interface FindingRow extends Finding {
  id: number;
  endpointId: number;
}

export interface FindingPage {
  total: number;
  offset: number;
  limit: number;
  items: FindingRow[];
  /** Counts over the whole catalog (not the filter), for the filter menus. */
  facets: { rule: Record<string, number>; severity: Record<string, number>; owasp: Record<string, number> };
}

export function queryFindings(db: Database.Database, q: FindingQuery = {}): FindingPage {
  const conds: string[] = [];
  const params: Record<string, unknown> = {};
  for (const k of ['rule', 'severity', 'owasp'] as const) {
    if (q[k]) {
      conds.push(`f.${k} = @${k}`);
      params[k] = q[k];
    }
  }
  if (q.host) {
    conds.push('h.name = @host');
    params.host = q.host;
  }
  if (q.endpointId !== undefined) {
    conds.push('f.endpoint_id = @endpointId');
    params.endpointId = q.endpointId;
  }
  if (q.q) {
    conds.push(`(e.path LIKE @q ESCAPE '\\' OR h.name LIKE @q ESCAPE '\\' OR f.rule LIKE @q ESCAPE '\\' OR f.evidence LIKE @q ESCAPE '\\')`);
    params.q = like(q.q);
  }
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const from = 'FROM findings f JOIN endpoints e ON e.id = f.endpoint_id JOIN hosts h ON h.id = e.host_id';
  const limit = Math.max(1, Math.min(1000, Math.floor(q.limit ?? 100)));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const total = (db.prepare(`SELECT count(*) AS n ${from} ${where}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT f.id, f.endpoint_id, f.rule, f.severity, f.owasp, h.name AS host, e.method, e.path, f.count, f.first_seen, f.last_seen, f.evidence ${from} ${where}
       ORDER BY ${SEVERITY_SQL} DESC, f.rule, h.name, e.path, e.method, f.id LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit, offset }) as Array<{ id: number; endpoint_id: number; rule: string; severity: Severity; owasp: string; host: string; method: string; path: string; count: number; first_seen: number; last_seen: number; evidence: string }>;
  const facets: FindingPage['facets'] = { rule: {}, severity: {}, owasp: {} };
  for (const k of ['rule', 'severity', 'owasp'] as const) {
    for (const r of db.prepare(`SELECT ${k} AS v, count(*) AS n FROM findings GROUP BY ${k}`).all() as Array<{ v: string; n: number }>) facets[k][r.v] = r.n;
  }
  return {
    total,
    offset,
    limit,
    facets,
    items: rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      rule: r.rule,
      severity: r.severity,
      owasp: r.owasp,
      host: r.host,
      method: r.method,
      path: r.path,
      count: r.count,
      firstSeen: iso(r.first_seen)!,
      lastSeen: iso(r.last_seen)!,
      evidence: r.evidence,
    })),
  };
}

export function findingById(db: Database.Database, id: number): FindingRow | undefined {
  const r = db
    .prepare(
      `SELECT f.id, f.endpoint_id, f.rule, f.severity, f.owasp, h.name AS host, e.method, e.path, f.count, f.first_seen, f.last_seen, f.evidence
       FROM findings f JOIN endpoints e ON e.id = f.endpoint_id JOIN hosts h ON h.id = e.host_id WHERE f.id = ?`,
    )
    .get(id) as { id: number; endpoint_id: number; rule: string; severity: Severity; owasp: string; host: string; method: string; path: string; count: number; first_seen: number; last_seen: number; evidence: string } | undefined;
  if (!r) return undefined;
  return { id: r.id, endpointId: r.endpoint_id, rule: r.rule, severity: r.severity, owasp: r.owasp, host: r.host, method: r.method, path: r.path, count: r.count, firstSeen: iso(r.first_seen)!, lastSeen: iso(r.last_seen)!, evidence: r.evidence };
}

export interface Overview {
  hosts: number;
  endpoints: number;
  hits: number;
  sources: number;
  /** Endpoint counts per state (documented, shadow, deprecated = zombie, unused = orphan, undocumented). */
  states: Record<string, number>;
  sensitiveEndpoints: number;
  findings: number;
  findingsBySeverity: Record<Severity, number>;
  tlsHosts: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Endpoints first seen at or after `since`. */
  newSince: string;
  newEndpoints: number;
}

export function overview(db: Database.Database, since: number): Overview {
  const c = db.prepare('SELECT (SELECT count(*) FROM hosts) AS hosts, count(*) AS endpoints, coalesce(sum(hits), 0) AS hits, min(CASE WHEN first_seen > 0 THEN first_seen END) AS first, max(CASE WHEN last_seen > 0 THEN last_seen END) AS last FROM endpoints').get() as {
    hosts: number;
    endpoints: number;
    hits: number;
    first: number | null;
    last: number | null;
  };
  const states: Record<string, number> = { documented: 0, shadow: 0, deprecated: 0, unused: 0, undocumented: 0 };
  for (const r of db.prepare('SELECT state, count(*) AS n FROM endpoints GROUP BY state').all() as Array<{ state: string; n: number }>) states[r.state] = r.n;
  const findingsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let findings = 0;
  for (const r of db.prepare('SELECT severity, count(*) AS n FROM findings GROUP BY severity').all() as Array<{ severity: Severity; n: number }>) {
    findingsBySeverity[r.severity] = r.n;
    findings += r.n;
  }
  return {
    hosts: c.hosts,
    endpoints: c.endpoints,
    hits: c.hits,
    sources: (db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n,
    states,
    sensitiveEndpoints: (db.prepare('SELECT count(DISTINCT endpoint_id) AS n FROM sensitive').get() as { n: number }).n,
    findings,
    findingsBySeverity,
    tlsHosts: (db.prepare('SELECT count(*) AS n FROM hosts WHERE tls_connections > 0').get() as { n: number }).n,
    firstSeen: iso(c.first),
    lastSeen: iso(c.last),
    newSince: iso(since)!,
    newEndpoints: (db.prepare('SELECT count(*) AS n FROM endpoints WHERE first_seen >= ?').get(since) as { n: number }).n,
  };
}

/** The riskiest endpoints: stored risk score first, then the weight of their findings, then traffic. */
export function topRisks(db: Database.Database, limit = 10): EndpointSummary[] {
  const rows = db
    .prepare(
      `SELECT ${ENDPOINT_COLUMNS}, coalesce((SELECT sum(${SEVERITY_SQL.replace(/f\./g, 'f2.')} * ${SEVERITY_SQL.replace(/f\./g, 'f2.')}) FROM findings f2 WHERE f2.endpoint_id = e.id), 0) AS weight
       FROM endpoints e JOIN hosts h ON h.id = e.host_id
       WHERE e.risk > 0 OR EXISTS (SELECT 1 FROM findings f3 WHERE f3.endpoint_id = e.id)
       ORDER BY e.risk DESC, weight DESC, e.hits DESC LIMIT ?`,
    )
    .all(Math.max(1, Math.min(100, limit))) as Row[];
  return summarise(db, rows);
}

export interface TrafficQuery {
  host?: string;
  endpointId?: number;
  from?: number;
  to?: number;
}

/** Hits per hour over the whole catalog (or one host, or one endpoint). */
export function trafficSeries(db: Database.Database, q: TrafficQuery = {}): Array<{ hour: string; hits: number }> {
  const conds: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.endpointId !== undefined) {
    conds.push('t.endpoint_id = @endpointId');
    params.endpointId = q.endpointId;
  }
  if (q.host) {
    conds.push('t.endpoint_id IN (SELECT e.id FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE h.name = @host)');
    params.host = q.host;
  }
  if (q.from !== undefined) {
    conds.push('t.hour >= @from');
    params.from = q.from;
  }
  if (q.to !== undefined) {
    conds.push('t.hour < @to');
    params.to = q.to;
  }
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  return (db.prepare(`SELECT t.hour, sum(t.hits) AS hits FROM traffic t ${where} GROUP BY t.hour ORDER BY t.hour`).all(params) as Array<{ hour: number; hits: number }>).map((r) => ({ hour: iso(r.hour)!, hits: r.hits }));
}

export interface SensitiveMatrix {
  types: Array<{ type: string; endpoints: number; count: number }>;
  endpoints: Array<{ id: number; host: string; method: string; path: string; hits: number; state: EndpointState }>;
  cells: Array<{ endpointId: number; type: string; count: number; locations: string[] }>;
  /** Sensitive data sent (request side) to hosts outside the first-party domains. */
  thirdParty: Array<{ host: string; type: string; count: number; endpoints: number }>;
  firstPartyDomains: string[];
}

/** Registrable-domain guess: the last two labels (three when the second-level label is short, as in co.uk). */
export function baseDomain(host: string): string {
  const h = host.replace(/:\d+$/, '').toLowerCase();
  if (/^[\d.]+$/.test(h) || h.includes(':')) return h;
  const labels = h.split('.');
  if (labels.length <= 2) return h;
  const n = labels.length;
  const take = labels[n - 2]!.length <= 3 && labels[n - 1]!.length === 2 ? 3 : 2;
  return labels.slice(-take).join('.');
}

export function sensitiveMatrix(db: Database.Database, opts: { host?: string; limit?: number; firstParty?: string[] } = {}): SensitiveMatrix {
  const limit = Math.max(1, Math.min(2000, opts.limit ?? 200));
  const hostCond = opts.host ? 'AND h.name = @host' : '';
  const params: Record<string, unknown> = opts.host ? { host: opts.host } : {};
  const endpoints = db
    .prepare(
      `SELECT e.id, h.name AS host, e.method, e.path, e.hits, e.state, (SELECT sum(s.count) FROM sensitive s WHERE s.endpoint_id = e.id) AS total
       FROM endpoints e JOIN hosts h ON h.id = e.host_id
       WHERE EXISTS (SELECT 1 FROM sensitive s WHERE s.endpoint_id = e.id) ${hostCond}
       ORDER BY total DESC, h.name, e.path, e.method LIMIT @limit`,
    )
    .all({ ...params, limit }) as Array<{ id: number; host: string; method: string; path: string; hits: number; state: EndpointState }>;
  const ids = endpoints.map((e) => e.id);
  const cells: SensitiveMatrix['cells'] = [];
  if (ids.length) {
    const grouped = db
      .prepare(`SELECT endpoint_id, type, sum(count) AS count, group_concat(DISTINCT location) AS locations FROM sensitive WHERE endpoint_id IN (${placeholders(ids)}) GROUP BY endpoint_id, type`)
      .all(...ids) as Array<{ endpoint_id: number; type: string; count: number; locations: string }>;
    for (const g of grouped) cells.push({ endpointId: g.endpoint_id, type: g.type, count: g.count, locations: g.locations.split(',').sort() });
  }
  const types = (
    db
      .prepare(`SELECT s.type, count(DISTINCT s.endpoint_id) AS endpoints, sum(s.count) AS count FROM sensitive s JOIN endpoints e ON e.id = s.endpoint_id JOIN hosts h ON h.id = e.host_id WHERE 1 ${hostCond} GROUP BY s.type ORDER BY endpoints DESC, s.type`)
      .all(params) as Array<{ type: string; endpoints: number; count: number }>
  ).map((t) => ({ type: t.type, endpoints: t.endpoints, count: t.count }));

  // First party: the domains given, else the domain carrying the most traffic.
  let firstParty = (opts.firstParty ?? []).map((d) => d.toLowerCase()).filter(Boolean);
  if (firstParty.length === 0) {
    const byDomain = new Map<string, number>();
    for (const h of db.prepare('SELECT name, hits FROM hosts').all() as Array<{ name: string; hits: number }>) byDomain.set(baseDomain(h.name), (byDomain.get(baseDomain(h.name)) ?? 0) + h.hits);
    const top = [...byDomain.entries()].sort((a, b) => b[1] - a[1])[0];
    firstParty = top ? [top[0]] : [];
  }
  const thirdMap = new Map<string, { host: string; type: string; count: number; endpoints: Set<number> }>();
  for (const r of db
    .prepare(
      `SELECT h.name AS host, s.type, s.endpoint_id, s.count FROM sensitive s JOIN endpoints e ON e.id = s.endpoint_id JOIN hosts h ON h.id = e.host_id
       WHERE s.location IN ('path', 'query', 'request.header', 'request.cookie', 'request.body')`,
    )
    .all() as Array<{ host: string; type: string; endpoint_id: number; count: number }>) {
    const d = baseDomain(r.host);
    if (firstParty.some((fp) => d === fp || r.host === fp || r.host.endsWith(`.${fp}`))) continue;
    const k = `${r.host}\u0000${r.type}`;
    let m = thirdMap.get(k);
    if (!m) thirdMap.set(k, (m = { host: r.host, type: r.type, count: 0, endpoints: new Set() }));
    m.count += r.count;
    m.endpoints.add(r.endpoint_id);
  }
  const thirdParty = [...thirdMap.values()].map((m) => ({ host: m.host, type: m.type, count: m.count, endpoints: m.endpoints.size })).sort((a, b) => b.count - a.count || a.host.localeCompare(b.host) || a.type.localeCompare(b.type));
  return { types, endpoints, cells, thirdParty, firstPartyDomains: firstParty };
}

export interface ServiceGraph {
  clientKind: string;
  clientKinds: Record<string, number>;
  nodes: Array<{ id: string; kind: 'client' | 'host' | 'group'; label: string; hits: number; host?: string; prefix?: string }>;
  links: Array<{ source: string; target: string; value: number }>;
}

/** "/api/v2/orders/{orderId}/items" → "/api/v2/orders": literal segments before the first parameter, at most `depth`. */
export function pathGroup(path: string, depth = 3): string {
  const out: string[] = [];
  for (const seg of path.split('/').filter(Boolean)) {
    if (seg.startsWith('{') || out.length >= depth) break;
    out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Clients (consumers of one kind) → hosts → endpoint groups, weighted by traffic. */
export function serviceGraph(db: Database.Database, opts: { clientKind?: string; maxClients?: number; maxGroups?: number } = {}): ServiceGraph {
  const clientKinds: Record<string, number> = {};
  for (const r of db.prepare('SELECT kind, count(DISTINCT id) AS n FROM consumers GROUP BY kind').all() as Array<{ kind: string; n: number }>) clientKinds[r.kind] = r.n;
  const kind = opts.clientKind && clientKinds[opts.clientKind] !== undefined ? opts.clientKind : (['user-agent', 'client-ip', 'credential'].find((k) => clientKinds[k]) ?? 'user-agent');
  const maxClients = Math.max(1, Math.min(100, opts.maxClients ?? 12));
  const maxGroups = Math.max(1, Math.min(500, opts.maxGroups ?? 40));
  const nodes = new Map<string, ServiceGraph['nodes'][number]>();
  const links = new Map<string, ServiceGraph['links'][number]>();
  const addNode = (n: ServiceGraph['nodes'][number]): void => {
    const old = nodes.get(n.id);
    if (old) old.hits += n.hits;
    else nodes.set(n.id, { ...n });
  };
  const addLink = (source: string, target: string, value: number): void => {
    const k = `${source}\u0000${target}`;
    const old = links.get(k);
    if (old) old.value += value;
    else links.set(k, { source, target, value });
  };
  // Hosts and endpoint groups.
  const groups = new Map<string, { host: string; prefix: string; hits: number }>();
  for (const r of db.prepare('SELECT h.name AS host, e.path, e.hits FROM endpoints e JOIN hosts h ON h.id = e.host_id').all() as Array<{ host: string; path: string; hits: number }>) {
    const prefix = pathGroup(r.path);
    const k = `${r.host}\u0000${prefix}`;
    const g = groups.get(k);
    if (g) g.hits += r.hits;
    else groups.set(k, { host: r.host, prefix, hits: r.hits });
  }
  const sortedGroups = [...groups.values()].sort((a, b) => b.hits - a.hits);
  const kept = sortedGroups.slice(0, maxGroups);
  const rest = sortedGroups.slice(maxGroups);
  for (const g of kept) {
    addNode({ id: `host:${g.host}`, kind: 'host', label: g.host, hits: g.hits });
    const gid = `group:${g.host}\u0000${g.prefix}`;
    addNode({ id: gid, kind: 'group', label: g.prefix, hits: g.hits, host: g.host, prefix: g.prefix });
    addLink(`host:${g.host}`, gid, g.hits);
  }
  for (const g of rest) {
    addNode({ id: `host:${g.host}`, kind: 'host', label: g.host, hits: g.hits });
    const gid = `group:${g.host}\u0000…`;
    addNode({ id: gid, kind: 'group', label: '(other paths)', hits: g.hits, host: g.host });
    addLink(`host:${g.host}`, gid, g.hits);
  }
  // Clients → hosts.
  const perClient = db
    .prepare(`SELECT c.id AS client, h.name AS host, sum(c.count) AS n FROM consumers c JOIN endpoints e ON e.id = c.endpoint_id JOIN hosts h ON h.id = e.host_id WHERE c.kind = ? GROUP BY c.id, h.name`)
    .all(kind) as Array<{ client: string; host: string; n: number }>;
  const clientTotals = new Map<string, number>();
  for (const r of perClient) clientTotals.set(r.client, (clientTotals.get(r.client) ?? 0) + r.n);
  const topClients = new Set([...clientTotals.entries()].sort((a, b) => b[1] - a[1]).slice(0, maxClients).map(([c]) => c));
  for (const r of perClient) {
    const id = topClients.has(r.client) ? `client:${r.client}` : 'client:\u0000other';
    addNode({ id, kind: 'client', label: topClients.has(r.client) ? r.client : '(other clients)', hits: r.n });
    if (!nodes.has(`host:${r.host}`)) addNode({ id: `host:${r.host}`, kind: 'host', label: r.host, hits: 0 });
    addLink(id, `host:${r.host}`, r.n);
  }
  return { clientKind: kind, clientKinds, nodes: [...nodes.values()], links: [...links.values()] };
}

export interface SensorStatus {
  name: string;
  updatedAt: string;
  stats: Record<string, unknown>;
}

export function sensorStatus(db: Database.Database): SensorStatus[] {
  return (db.prepare('SELECT name, updated_at, stats FROM sensor_status ORDER BY name').all() as Array<{ name: string; updated_at: number; stats: string }>).map((r) => {
    let stats: Record<string, unknown>;
    try {
      const v = JSON.parse(r.stats) as unknown;
      stats = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
    } catch {
      stats = { raw: r.stats };
    }
    return { name: r.name, updatedAt: iso(r.updated_at)!, stats };
  });
}

export interface Facets {
  hosts: Array<{ host: string; endpoints: number }>;
  states: Record<string, number>;
  methods: Record<string, number>;
  auth: Record<string, number>;
  sensitiveTypes: Record<string, number>;
}

/** The values the inventory's filters can take, with endpoint counts. */
export function endpointFacets(db: Database.Database): Facets {
  const hosts = (db.prepare('SELECT h.name AS host, count(e.id) AS endpoints FROM hosts h LEFT JOIN endpoints e ON e.host_id = h.id GROUP BY h.id ORDER BY h.name').all() as Array<{ host: string; endpoints: number }>);
  const rec = (sql: string): Record<string, number> => Object.fromEntries((db.prepare(sql).all() as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));
  return {
    hosts,
    states: rec('SELECT state AS k, count(*) AS n FROM endpoints GROUP BY state ORDER BY state'),
    methods: rec('SELECT method AS k, count(*) AS n FROM endpoints GROUP BY method ORDER BY method'),
    auth: rec(`SELECT CASE WHEN instr(scheme, ':') > 0 THEN substr(scheme, 1, instr(scheme, ':') - 1) ELSE scheme END AS k, count(DISTINCT endpoint_id) AS n FROM endpoint_auth GROUP BY k ORDER BY k`),
    sensitiveTypes: rec('SELECT type AS k, count(DISTINCT endpoint_id) AS n FROM sensitive GROUP BY type ORDER BY type'),
  };
}

/** Cheap change marker for a catalog: bumps when another connection commits. */
export function dataVersion(db: Database.Database): number {
  return db.pragma('data_version', { simple: true }) as number;
}

/**
 * Gives an ingested source a display name (uploads are ingested from a
 * temporary file; the catalog should remember the name the user gave).
 */
export function renameSource(db: Database.Database, sha256: string, name: string): boolean {
  return db.prepare('UPDATE sources SET name = ? WHERE sha256 = ?').run(name, sha256).changes > 0;
}
