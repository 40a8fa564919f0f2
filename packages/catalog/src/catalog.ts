import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MAX_BODY_VARIANTS_PER_ENDPOINT, MAX_ROWS_PER_ENDPOINT, type EndpointObservation, type JsonSchema, type ObservationBatch } from '@overhear/model';
import { migrations } from './migrations.js';
import { mergeEndpoints } from './merge-endpoints.js';

export type SchemaMerger = (existing: JsonSchema, incoming: JsonSchema) => JsonSchema;

export interface SourceRecord {
  sha256: string;
  name: string;
  format: string;
  bytes: number;
  exchanges: number;
  skipped: Record<string, number>;
  fault?: string;
}

export interface CatalogOptions {
  readonly?: boolean;
  /** How two schemas for the same place combine (analysis owns the rules). Required to write. */
  mergeSchema?: SchemaMerger;
}

/** The catalog file is missing, not a catalog, or from a newer overhear: the user's input is wrong (exit 1). */
export class CatalogError extends Error {}

/**
 * One SQLite file (WAL mode: readers never block the writer) holding the
 * inventory. Writers hand it whole batches; each batch is one transaction,
 * so a reader sees a batch entirely or not at all.
 */
export class Catalog {
  readonly db: Database.Database;
  readonly file: string;
  private readonly mergeSchema: SchemaMerger | undefined;

  constructor(file: string, opts: CatalogOptions = {}) {
    this.file = file;
    this.mergeSchema = opts.mergeSchema;
    if (opts.readonly && !existsSync(file)) throw new CatalogError(`no catalog at ${file}: run \`overhear ingest FILE\` first (or pass --db)`);
    try {
      this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
      this.db.pragma('busy_timeout = 15000');
      this.db.pragma('schema_version'); // reads the header: fails here if the file is not SQLite
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new CatalogError(`${file} is not an overhear catalog (not a SQLite database)`);
      if (code === 'SQLITE_CANTOPEN') throw new CatalogError(`cannot open catalog ${file} (missing folder or no permission)`);
      throw e;
    }
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } else {
      const v = this.version();
      if (v === 0) throw new CatalogError(`${file} is not an overhear catalog (empty or unknown database)`);
      if (v > migrations.length) throw new CatalogError(`${file} was written by a newer overhear (schema ${v}, this one knows ${migrations.length})`);
    }
  }

  version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const v = this.version();
    if (v > migrations.length) throw new CatalogError(`${this.file} was written by a newer overhear (schema ${v}, this one knows ${migrations.length})`);
    if (v === migrations.length) return;
    this.db.transaction(() => {
      for (let i = v; i < migrations.length; i++) this.db.exec(migrations[i]!);
      this.db.pragma(`user_version = ${migrations.length}`);
    }).immediate();
  }

  /**
   * The per-catalog secret for keyed hashes of sensitive values. Kept beside
   * the database (FILE.key, mode 0600), never inside it, so a leaked catalog
   * file alone cannot be used to confirm guesses of the values.
   */
  secretKey(): Buffer {
    if (this.file === ':memory:' || this.file === '') return randomBytes(32);
    const keyFile = `${this.file}.key`;
    if (existsSync(keyFile)) return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
    const key = randomBytes(32);
    writeFileSync(keyFile, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }

  hasSource(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM sources WHERE sha256 = ?').get(sha256) !== undefined;
  }

  /** Sources already ingested whose size equals `bytes` (a cheap pre-check before hashing). */
  sourcesOfSize(bytes: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sources WHERE bytes = ?').get(bytes) as { n: number }).n;
  }

  knownTemplates(): Array<{ host: string; path: string }> {
    return this.db.prepare('SELECT h.name AS host, e.path AS path FROM endpoints e JOIN hosts h ON h.id = e.host_id').all() as Array<{ host: string; path: string }>;
  }

  /**
   * Adds a batch of observations. With a source, the batch is that source's
   * whole content: if the source was already ingested nothing is written and
   * false is returned (re-ingesting a file never double-counts).
   */
  apply(batch: ObservationBatch, source?: SourceRecord): boolean {
    if (!this.mergeSchema) throw new Error('catalog opened without a schema merger cannot be written');
    try {
      return this.writeBatch(batch, source);
    } catch (e) {
      // The transaction rolled back: host ids it inserted and cached no longer exist.
      this.hostIds.clear();
      throw e;
    }
  }

  private writeBatch(batch: ObservationBatch, source?: SourceRecord): boolean {
    return this.db.transaction((): boolean => {
      if (source) {
        if (this.hasSource(source.sha256)) return false;
        this.stmt('insertSource').run(source.sha256, source.name, source.format, source.bytes, source.exchanges, JSON.stringify(source.skipped), source.fault ?? null, Date.now());
      }
      for (const m of batch.merges ?? []) this.mergeEndpoints(m.host, m.from, m.into);
      for (const ep of batch.endpoints) this.applyEndpoint(ep);
      for (const [host, n] of Object.entries(batch.tlsHosts)) {
        this.hostId(host);
        this.stmt('addTls').run(n, host);
      }
      return true;
    }).immediate();
  }

  /** Moves what is held under the `from` paths of a host (all methods, or one) onto `into`, and deletes the merged rows (see merge-endpoints.ts). */
  mergeEndpoints(host: string, from: string[], into: string, method?: string): number {
    if (!this.mergeSchema) throw new Error('catalog opened without a schema merger cannot be written');
    return mergeEndpoints(this.db, this.mergeSchema, host, from, into, method);
  }

  private applyEndpoint(o: EndpointObservation): void {
    const hostId = this.hostId(o.host);
    this.stmt('touchHost').run({ hits: o.hits, first: o.firstSeen, last: o.lastSeen, id: hostId });
    const row = this.stmt('upsertEndpoint').get(hostId, o.method, o.path, o.hits, o.analysed, o.scheme.http, o.scheme.https, o.firstSeen, o.lastSeen, o.deprecationSignals) as { id: number; servers: string };
    const id = row.id;
    if (o.servers.length) {
      const servers = new Set<string>(JSON.parse(row.servers) as string[]);
      const before = servers.size;
      for (const s of o.servers) if (servers.size < 64) servers.add(s);
      if (servers.size !== before) this.stmt('setServers').run(JSON.stringify([...servers].sort()), id);
    }
    for (const [status, n] of Object.entries(o.statusCodes)) this.stmt('addStatus').run(id, Number(status), n);
    // Names in the rows below come from traffic: each table admits an endpoint's new rows up to a cap (see RowCap).
    const auth = this.cap('countAuth', [id], MAX_ROWS_PER_ENDPOINT);
    for (const [key, n] of Object.entries(o.auth)) {
      // "scheme:name" beyond the cap is counted under its bare scheme; bare schemes ("none" among them, a handful) are always kept
      const colon = key.indexOf(':');
      const k = auth.admit(colon < 0 || this.stmt('authExists').get(id, key) !== undefined) ? key : key.slice(0, colon);
      this.stmt('addAuth').run(id, k, n);
    }
    for (const [hour, n] of Object.entries(o.hourly)) this.stmt('addTraffic').run(id, Number(hour), n);
    const params = this.cap('countParams', [id], MAX_ROWS_PER_ENDPOINT);
    for (const p of o.parameters) {
      const old = this.stmt('getParam').get(id, p.location, p.name) as { schema: string } | undefined;
      if (!params.admit(old !== undefined)) continue;
      const schema = old ? this.mergeSchema!(JSON.parse(old.schema) as JsonSchema, p.schema) : p.schema;
      this.stmt('putParam').run(id, p.location, p.name, JSON.stringify(schema), p.count, p.min ?? null, p.max ?? null, p.longestRun ?? null);
    }
    const bodies = this.cap('countBodies', [id], MAX_BODY_VARIANTS_PER_ENDPOINT);
    for (const b of o.bodies) {
      const old = this.stmt('getBody').get(id, b.direction, b.status, b.mediaType) as { schema: string | null; fields: string | null } | undefined;
      if (!bodies.admit(old !== undefined)) continue;
      let schema = b.schema;
      if (old?.schema) schema = schema ? this.mergeSchema!(JSON.parse(old.schema) as JsonSchema, schema) : (JSON.parse(old.schema) as JsonSchema);
      let fields = b.fields;
      if (old?.fields) fields = [...new Set([...(JSON.parse(old.fields) as string[]), ...(fields ?? [])])].slice(0, MAX_ROWS_PER_ENDPOINT);
      this.stmt('putBody').run(id, b.direction, b.status, b.mediaType, schema ? JSON.stringify(schema) : null, fields ? JSON.stringify(fields) : null, b.count);
    }
    const sensitive = this.cap('countSensitive', [id], MAX_ROWS_PER_ENDPOINT);
    for (const x of o.sensitive) {
      if (!sensitive.admit(this.stmt('sensitiveExists').get(id, x.location, x.name, x.type) !== undefined)) continue;
      this.stmt('addSensitive').run(id, x.location, x.name, x.type, x.preview, x.hash, x.count, x.firstSeen, x.lastSeen);
    }
    const findings = this.cap('countFindings', [id], MAX_ROWS_PER_ENDPOINT);
    for (const f of o.findings) {
      if (!findings.admit(this.stmt('findingExists').get(id, f.rule, f.key) !== undefined)) continue;
      this.stmt('addFinding').run(id, f.rule, f.key, f.severity, f.owasp, f.evidence, f.count, f.firstSeen, f.lastSeen);
    }
    // callers per kind: a client rotating tokens would otherwise add rows at every batch, for ever
    const callers = new Map<string, RowCap>();
    for (const c of o.consumers) {
      let cap = callers.get(c.kind);
      if (!cap) callers.set(c.kind, (cap = this.cap('countConsumers', [id, c.kind], MAX_ROWS_PER_ENDPOINT)));
      if (!cap.admit(this.stmt('consumerExists').get(id, c.kind, c.id) !== undefined)) continue;
      this.stmt('addConsumer').run(id, c.kind, c.id, c.count, c.firstSeen, c.lastSeen);
    }
  }

  /** A cap on one endpoint's rows of one table, counted by `countStmt` with `args` when first needed. */
  private cap(countStmt: 'countAuth' | 'countParams' | 'countBodies' | 'countSensitive' | 'countFindings' | 'countConsumers', args: Array<number | string>, max: number): RowCap {
    return new RowCap(() => (this.stmt(countStmt).get(...args) as { n: number }).n, max);
  }

  private readonly hostIds = new Map<string, number>();

  private hostId(name: string): number {
    let id = this.hostIds.get(name);
    if (id === undefined) {
      id = (this.stmt('upsertHost').get(name) as { id: number }).id;
      this.hostIds.set(name, id);
    }
    return id;
  }

  private readonly stmts = new Map<string, Database.Statement>();

  private stmt(name: keyof typeof SQL): Database.Statement {
    let s = this.stmts.get(name);
    if (!s) this.stmts.set(name, (s = this.db.prepare(SQL[name])));
    return s;
  }

  /** Runs `fn` as one write transaction; catalog writes inside it nest as savepoints. */
  atomically<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      this.hostIds.clear();
      throw e;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Admits an endpoint's new rows of one table while it holds fewer than `max`;
 * rows it already has are always admitted, so they go on being counted. The
 * table is counted once, when the first new row comes.
 */
class RowCap {
  private n = -1;
  constructor(
    private readonly count: () => number,
    private readonly max: number,
  ) {}

  admit(known: boolean): boolean {
    if (known) return true;
    if (this.n < 0) this.n = this.count();
    if (this.n >= this.max) return false;
    this.n++;
    return true;
  }
}

const SQL = {
  insertSource: `INSERT INTO sources (sha256, name, format, bytes, exchanges, skipped, fault, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertHost: `INSERT INTO hosts (name) VALUES (?) ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id`,
  touchHost: `UPDATE hosts SET hits = hits + @hits, first_seen = min(coalesce(first_seen, @first), @first), last_seen = max(coalesce(last_seen, @last), @last) WHERE id = @id`,
  addTls: `UPDATE hosts SET tls_connections = tls_connections + ? WHERE name = ?`,
  upsertEndpoint: `INSERT INTO endpoints (host_id, method, path, hits, analysed, http_hits, https_hits, first_seen, last_seen, deprecation_signals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(host_id, method, path) DO UPDATE SET hits = hits + excluded.hits, analysed = analysed + excluded.analysed, http_hits = http_hits + excluded.http_hits,
      https_hits = https_hits + excluded.https_hits,
      first_seen = CASE WHEN hits = 0 THEN excluded.first_seen ELSE min(first_seen, excluded.first_seen) END,
      last_seen = max(last_seen, excluded.last_seen),
      deprecation_signals = deprecation_signals + excluded.deprecation_signals
    RETURNING id, servers`,
  setServers: `UPDATE endpoints SET servers = ? WHERE id = ?`,
  addStatus: `INSERT INTO endpoint_status (endpoint_id, status, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
  authExists: `SELECT 1 FROM endpoint_auth WHERE endpoint_id = ? AND scheme = ?`,
  countAuth: `SELECT count(*) AS n FROM endpoint_auth WHERE endpoint_id = ?`,
  countBodies: `SELECT count(*) AS n FROM bodies WHERE endpoint_id = ?`,
  addAuth: `INSERT INTO endpoint_auth (endpoint_id, scheme, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
  addTraffic: `INSERT INTO traffic (endpoint_id, hour, hits) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET hits = hits + excluded.hits`,
  getParam: `SELECT schema FROM parameters WHERE endpoint_id = ? AND location = ? AND name = ?`,
  putParam: `INSERT INTO parameters (endpoint_id, location, name, schema, count, min_value, max_value, longest_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET schema = excluded.schema, count = count + excluded.count,
      min_value = CASE WHEN min_value IS NULL THEN excluded.min_value WHEN excluded.min_value IS NULL THEN min_value ELSE min(min_value, excluded.min_value) END,
      max_value = CASE WHEN max_value IS NULL THEN excluded.max_value WHEN excluded.max_value IS NULL THEN max_value ELSE max(max_value, excluded.max_value) END,
      longest_run = max(coalesce(longest_run, 0), coalesce(excluded.longest_run, 0))`,
  getBody: `SELECT schema, fields FROM bodies WHERE endpoint_id = ? AND direction = ? AND status = ? AND media_type = ?`,
  putBody: `INSERT INTO bodies (endpoint_id, direction, status, media_type, schema, fields, count) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET schema = excluded.schema, fields = excluded.fields, count = count + excluded.count`,
  countParams: `SELECT count(*) AS n FROM parameters WHERE endpoint_id = ?`,
  countSensitive: `SELECT count(*) AS n FROM sensitive WHERE endpoint_id = ?`,
  countFindings: `SELECT count(*) AS n FROM findings WHERE endpoint_id = ?`,
  sensitiveExists: `SELECT 1 FROM sensitive WHERE endpoint_id = ? AND location = ? AND name = ? AND type = ?`,
  findingExists: `SELECT 1 FROM findings WHERE endpoint_id = ? AND rule = ? AND key = ?`,
  addSensitive: `INSERT INTO sensitive (endpoint_id, location, name, type, preview, hash, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  addFinding: `INSERT INTO findings (endpoint_id, rule, key, severity, owasp, evidence, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(endpoint_id, rule, key) DO UPDATE SET count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen), evidence = excluded.evidence,
      severity = CASE WHEN instr('critical high medium low info', excluded.severity) < instr('critical high medium low info', severity) THEN excluded.severity ELSE severity END`,
  consumerExists: `SELECT 1 FROM consumers WHERE endpoint_id = ? AND kind = ? AND id = ?`,
  countConsumers: `SELECT count(*) AS n FROM consumers WHERE endpoint_id = ? AND kind = ?`,
  addConsumer: `INSERT INTO consumers (endpoint_id, kind, id, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
} as const;
