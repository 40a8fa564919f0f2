/**
 * The catalog's schema, one migration per version. `PRAGMA user_version`
 * holds the version applied; migrations run in order inside one transaction,
 * and a catalog newer than this code is refused rather than touched.
 * Times are integers (ms since the Unix epoch); schemas are JSON text.
 * No sensitive value is ever stored: `sensitive` holds type, place, masked
 * preview and keyed hash only.
 */
export const migrations: string[] = [
  /* 1: the inventory */ `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    exchanges INTEGER NOT NULL,
    skipped TEXT NOT NULL DEFAULT '{}',
    fault TEXT,
    ingested_at INTEGER NOT NULL
  );
  CREATE TABLE hosts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hits INTEGER NOT NULL DEFAULT 0,
    first_seen INTEGER,
    last_seen INTEGER,
    tls_connections INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE endpoints (
    id INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    http_hits INTEGER NOT NULL DEFAULT 0,
    https_hits INTEGER NOT NULL DEFAULT 0,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'undocumented',
    risk REAL NOT NULL DEFAULT 0,
    servers TEXT NOT NULL DEFAULT '[]',
    UNIQUE (host_id, method, path)
  );
  CREATE INDEX endpoints_by_last_seen ON endpoints(last_seen);
  CREATE TABLE endpoint_status (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    status INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, status)
  ) WITHOUT ROWID;
  CREATE TABLE endpoint_auth (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, scheme)
  ) WITHOUT ROWID;
  CREATE TABLE parameters (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    location TEXT NOT NULL,
    name TEXT NOT NULL,
    schema TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, location, name)
  ) WITHOUT ROWID;
  CREATE TABLE bodies (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    status INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    schema TEXT,
    fields TEXT,
    count INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, direction, status, media_type)
  ) WITHOUT ROWID;
  CREATE TABLE traffic (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    hour INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, hour)
  ) WITHOUT ROWID;
  CREATE TABLE sensitive (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    location TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    preview TEXT NOT NULL,
    hash TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, location, name, type)
  ) WITHOUT ROWID;
  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    owasp TEXT NOT NULL,
    evidence TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    UNIQUE (endpoint_id, rule, evidence)
  );
  CREATE TABLE consumers (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, kind, id)
  ) WITHOUT ROWID;
  CREATE TABLE specs (
    id INTEGER PRIMARY KEY,
    host TEXT NOT NULL,
    base_path TEXT NOT NULL DEFAULT '',
    title TEXT,
    version TEXT,
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    document TEXT NOT NULL,
    imported_at INTEGER NOT NULL
  );
  CREATE TABLE spec_operations (
    spec_id INTEGER NOT NULL REFERENCES specs(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    deprecated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (spec_id, method, path)
  ) WITHOUT ROWID;
  CREATE TABLE sensor_status (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    updated_at INTEGER NOT NULL,
    stats TEXT NOT NULL
  );
  `,
  /* 2: finding identity without values; parameter ranges; spec states and drift */ `
  CREATE TABLE findings_v2 (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    key TEXT NOT NULL,
    severity TEXT NOT NULL,
    owasp TEXT NOT NULL,
    evidence TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    UNIQUE (endpoint_id, rule, key)
  );
  INSERT INTO findings_v2 (id, endpoint_id, rule, key, severity, owasp, evidence, count, first_seen, last_seen)
    SELECT id, endpoint_id, rule, evidence, severity, owasp, evidence, count, first_seen, last_seen FROM findings;
  DROP TABLE findings;
  ALTER TABLE findings_v2 RENAME TO findings;
  CREATE INDEX findings_by_rule ON findings(rule);
  ALTER TABLE parameters ADD COLUMN min_value REAL;
  ALTER TABLE parameters ADD COLUMN max_value REAL;
  ALTER TABLE endpoints ADD COLUMN deprecation_signals INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE endpoints ADD COLUMN state_reason TEXT;
  ALTER TABLE endpoints ADD COLUMN drift TEXT;
  ALTER TABLE specs ADD COLUMN hosts TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE spec_operations ADD COLUMN shape TEXT;
  ALTER TABLE spec_operations ADD COLUMN unused INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE spec_operations ADD COLUMN host TEXT;
  `,
  /* 3: longest run of consecutive integer values seen in a parameter (id walks) */ `
  ALTER TABLE parameters ADD COLUMN longest_run INTEGER;
  `,
  /* 4: files of a followed capture directory (overhear monitor --pcap-dir) already handled */ `
  CREATE TABLE capture_files (
    dir TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    status TEXT NOT NULL,
    exchanges INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    done_at INTEGER NOT NULL,
    PRIMARY KEY (dir, name)
  ) WITHOUT ROWID;
  `,
  /* 5: exchanges analysed in full, beside hits (sampling); before it every exchange was analysed */ `
  ALTER TABLE endpoints ADD COLUMN analysed INTEGER NOT NULL DEFAULT 0;
  UPDATE endpoints SET analysed = hits;
  `,
];
