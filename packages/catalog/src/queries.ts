import type Database from 'better-sqlite3';
import type { EndpointRecord, EndpointState, Finding, JsonSchema, ParamLocation, SensitiveLocation, Severity } from '@overhear/model';

/** Reads for the CLI and the server. Each list is a handful of queries joined in memory, never one query per row. */

export interface EndpointFilter {
  host?: string;
  /** Only these hosts (a re-evaluation of what a batch touched). */
  hosts?: readonly string[];
}

/** The WHERE condition on `h.name` a filter asks for ('' for none), and its parameters. */
export function hostScope(f: EndpointFilter): { cond: string; params: Record<string, string> } {
  if (f.hosts !== undefined) return { cond: `h.name IN (SELECT value FROM json_each(@hosts))${f.host ? ' AND h.name = @host' : ''}`, params: { hosts: JSON.stringify(f.hosts), ...(f.host ? { host: f.host } : {}) } };
  return f.host ? { cond: 'h.name = @host', params: { host: f.host } } : { cond: '', params: {} };
}

interface EndpointRow {
  id: number;
  host: string;
  method: string;
  path: string;
  hits: number;
  analysed: number;
  http_hits: number;
  https_hits: number;
  first_seen: number;
  last_seen: number;
  state: EndpointState;
  state_reason: string | null;
  risk: number;
  drift: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** Declared-but-never-seen endpoints have no first or last sighting. */
const isoOrNull = (ms: number): string | null => (ms > 0 ? iso(ms) : null);

function groupBy<R extends { endpoint_id: number }>(rows: R[]): Map<number, R[]> {
  const m = new Map<number, R[]>();
  for (const r of rows) {
    let list = m.get(r.endpoint_id);
    if (!list) m.set(r.endpoint_id, (list = []));
    list.push(r);
  }
  return m;
}

function endpointRows(db: Database.Database, f: EndpointFilter): EndpointRow[] {
  const { cond, params } = hostScope(f);
  return db
    .prepare(
      `SELECT e.id, h.name AS host, e.method, e.path, e.hits, e.analysed, e.http_hits, e.https_hits, e.first_seen, e.last_seen, e.state, e.state_reason, e.risk, e.drift
       FROM endpoints e JOIN hosts h ON h.id = e.host_id ${cond ? `WHERE ${cond}` : ''}
       ORDER BY h.name, e.path, e.method`,
    )
    .all(params) as EndpointRow[];
}

/**
 * Rows of a per-endpoint table, grouped by endpoint. `$scope` in the SQL
 * stands where a WHERE clause restricting to the filtered endpoints goes.
 */
function perEndpoint<R extends { endpoint_id: number }>(db: Database.Database, sql: string, f: EndpointFilter): Map<number, R[]> {
  const { cond, params } = hostScope(f);
  const where = cond ? `WHERE endpoint_id IN (SELECT e.id FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE ${cond})` : '';
  const scoped = sql.includes('$scope') ? sql.replace('$scope', where) : `${sql} ${where}`;
  return groupBy(db.prepare(scoped).all(params) as R[]);
}

export function listEndpoints(db: Database.Database, f: EndpointFilter = {}): EndpointRecord[] {
  const rows = endpointRows(db, f);
  const status = perEndpoint<{ endpoint_id: number; status: number; count: number }>(db, 'SELECT endpoint_id, status, count FROM endpoint_status', f);
  const auth = perEndpoint<{ endpoint_id: number; scheme: string; count: number }>(db, 'SELECT endpoint_id, scheme, count FROM endpoint_auth', f);
  const sens = perEndpoint<{ endpoint_id: number; location: SensitiveLocation; name: string; type: string; count: number }>(
    db,
    'SELECT endpoint_id, location, name, type, count FROM sensitive',
    f,
  );
  const findings = perEndpoint<{ endpoint_id: number; n: number }>(db, 'SELECT endpoint_id, count(*) AS n FROM findings $scope GROUP BY endpoint_id', f);
  const consumers = perEndpoint<{ endpoint_id: number; kind: string; n: number }>(db, 'SELECT endpoint_id, kind, count(*) AS n FROM consumers $scope GROUP BY endpoint_id, kind', f);
  return rows.map((r) => {
    const statusCodes: Record<string, number> = {};
    for (const s of status.get(r.id) ?? []) statusCodes[String(s.status)] = s.count;
    const schemes = [...new Set((auth.get(r.id) ?? []).filter((a) => a.scheme !== 'none').map((a) => a.scheme.split(':', 1)[0]!))];
    const unauthenticated = (auth.get(r.id) ?? []).find((a) => a.scheme === 'none')?.count ?? 0;
    return {
      host: r.host,
      method: r.method,
      path: r.path,
      hits: r.hits,
      analysed: r.analysed,
      firstSeen: isoOrNull(r.first_seen),
      lastSeen: isoOrNull(r.last_seen),
      statusCodes,
      auth: schemes.sort(),
      unauthenticatedHits: unauthenticated,
      state: r.state,
      stateReason: r.state_reason,
      risk: r.risk,
      findings: findings.get(r.id)?.[0]?.n ?? 0,
      // Who calls it: distinct client addresses, user-agent families and credentials (keyed hashes).
      consumers: Object.fromEntries(['client-ip', 'user-agent', 'credential'].map((k) => [k === 'client-ip' ? 'clients' : k === 'user-agent' ? 'userAgents' : 'credentials', consumers.get(r.id)?.find((c) => c.kind === k)?.n ?? 0])),
      sensitive: (sens.get(r.id) ?? [])
        .map((s) => ({ location: s.location, name: s.name, type: s.type, count: s.count }))
        .sort((a, b) => a.location.localeCompare(b.location) || a.name.localeCompare(b.name) || a.type.localeCompare(b.type)),
      schemes: { http: r.http_hits, https: r.https_hits },
    };
  });
}

export interface EndpointShape {
  host: string;
  method: string;
  path: string;
  hits: number;
  analysed: number;
  state: EndpointState;
  auth: string[];
  /** Credentials with where they are carried: "api-key-header:x-api-key", "session-cookie:sid", "bearer". */
  credentials: string[];
  parameters: Array<{ location: ParamLocation; name: string; schema: JsonSchema; count: number; min?: number; max?: number; longestRun?: number }>;
  drift: unknown[];
  bodies: Array<{ direction: 'request' | 'response'; status: number; mediaType: string; schema?: JsonSchema; fields?: string[]; count: number }>;
  statusCodes: Record<string, number>;
  sensitive: Array<{ location: SensitiveLocation; name: string; type: string }>;
}

/** Everything needed to describe endpoints as OpenAPI: parameters and body schemas included. `listed`: listEndpoints(db, f), when the caller has it already. */
export function endpointShapes(db: Database.Database, f: EndpointFilter = {}, listed?: EndpointRecord[]): EndpointShape[] {
  const rows = endpointRows(db, f);
  const params = perEndpoint<{ endpoint_id: number; location: ParamLocation; name: string; schema: string; count: number; min_value: number | null; max_value: number | null; longest_run: number | null }>(
    db,
    'SELECT endpoint_id, location, name, schema, count, min_value, max_value, longest_run FROM parameters',
    f,
  );
  const bodies = perEndpoint<{ endpoint_id: number; direction: 'request' | 'response'; status: number; media_type: string; schema: string | null; fields: string | null; count: number }>(
    db,
    'SELECT endpoint_id, direction, status, media_type, schema, fields, count FROM bodies',
    f,
  );
  const records = new Map((listed ?? listEndpoints(db, f)).map((e) => [`${e.host} ${e.method} ${e.path}`, e]));
  const auth = perEndpoint<{ endpoint_id: number; scheme: string }>(db, "SELECT endpoint_id, scheme FROM endpoint_auth", f);
  return rows.map((r) => {
    const rec = records.get(`${r.host} ${r.method} ${r.path}`)!;
    return {
      host: r.host,
      method: r.method,
      path: r.path,
      hits: r.hits,
      analysed: r.analysed,
      state: r.state,
      auth: rec.auth,
      credentials: (auth.get(r.id) ?? []).map((a) => a.scheme).filter((s) => s !== 'none').sort(),
      statusCodes: rec.statusCodes,
      sensitive: rec.sensitive,
      parameters: (params.get(r.id) ?? []).map((p) => ({
        location: p.location,
        name: p.name,
        schema: JSON.parse(p.schema) as JsonSchema,
        count: p.count,
        ...(p.min_value !== null ? { min: p.min_value } : {}),
        ...(p.max_value !== null ? { max: p.max_value } : {}),
        ...(p.longest_run ? { longestRun: p.longest_run } : {}),
      })),
      drift: r.drift ? (JSON.parse(r.drift) as unknown[]) : [],
      bodies: (bodies.get(r.id) ?? []).map((b) => {
        const out: EndpointShape['bodies'][number] = { direction: b.direction, status: b.status, mediaType: b.media_type, count: b.count };
        if (b.schema) out.schema = JSON.parse(b.schema) as JsonSchema;
        if (b.fields) out.fields = JSON.parse(b.fields) as string[];
        return out;
      }),
    };
  });
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export function listFindings(db: Database.Database, f: EndpointFilter = {}): Finding[] {
  const { cond, params } = hostScope(f);
  const rows = db
    .prepare(
      `SELECT f.rule, f.severity, f.owasp, h.name AS host, e.method, e.path, f.count, f.first_seen, f.last_seen, f.evidence
       FROM findings f JOIN endpoints e ON e.id = f.endpoint_id JOIN hosts h ON h.id = e.host_id ${cond ? `WHERE ${cond}` : ''}`,
    )
    .all(params) as Array<{ rule: string; severity: Severity; owasp: string; host: string; method: string; path: string; count: number; first_seen: number; last_seen: number; evidence: string }>;
  return rows
    .map((r) => ({ rule: r.rule, severity: r.severity, owasp: r.owasp, host: r.host, method: r.method, path: r.path, count: r.count, firstSeen: iso(r.first_seen), lastSeen: iso(r.last_seen), evidence: r.evidence }))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.rule.localeCompare(b.rule) || a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

export interface HostRecord {
  host: string;
  hits: number;
  endpoints: number;
  firstSeen: string | null;
  lastSeen: string | null;
  tlsConnections: number;
}

export function listHosts(db: Database.Database): HostRecord[] {
  const rows = db
    .prepare(
      `SELECT h.name, h.hits, h.first_seen, h.last_seen, h.tls_connections, (SELECT count(*) FROM endpoints e WHERE e.host_id = h.id) AS endpoints
       FROM hosts h ORDER BY h.hits DESC, h.name`,
    )
    .all() as Array<{ name: string; hits: number; first_seen: number | null; last_seen: number | null; tls_connections: number; endpoints: number }>;
  return rows.map((r) => ({
    host: r.name,
    hits: r.hits,
    endpoints: r.endpoints,
    firstSeen: r.first_seen === null ? null : iso(r.first_seen),
    lastSeen: r.last_seen === null ? null : iso(r.last_seen),
    tlsConnections: r.tls_connections,
  }));
}

export interface SourceInfo {
  name: string;
  format: string;
  bytes: number;
  exchanges: number;
  ingestedAt: string;
  fault: string | null;
}

export function listSources(db: Database.Database): SourceInfo[] {
  return (db.prepare('SELECT name, format, bytes, exchanges, ingested_at, fault FROM sources ORDER BY id').all() as Array<{ name: string; format: string; bytes: number; exchanges: number; ingested_at: number; fault: string | null }>).map(
    (r) => ({ name: r.name, format: r.format, bytes: r.bytes, exchanges: r.exchanges, ingestedAt: iso(r.ingested_at), fault: r.fault }),
  );
}
