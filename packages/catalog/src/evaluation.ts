import type Database from 'better-sqlite3';
import type { EndpointState, FindingObservation } from '@overhear/model';
import { hostScope, type EndpointFilter } from './queries.js';

/**
 * What is derived from the whole catalog rather than from traffic as it
 * arrives: endpoint states against declared specs, spec drift, and findings
 * that need an endpoint's whole history. Each evaluation replaces the last
 * one, in one transaction: wholesale, or for the hosts it names (all of this
 * is per host, so a batch's hosts are all that can have changed).
 */

/** A finding derived from the whole catalog: the observation shape, plus the endpoint it belongs to. */
export interface DerivedFinding extends FindingObservation {
  host: string;
  method: string;
  path: string;
}

export interface Evaluation {
  states: Array<{ host: string; method: string; path: string; state: EndpointState; reason: string; drift?: unknown[] }>;
  /** Declared operations with no endpoint row: listed in the inventory with no hits. */
  unused: Array<{ host: string; method: string; path: string; reason: string }>;
  findings: DerivedFinding[];
  /** The rules this evaluation owns: their previous findings are dropped. */
  rules: string[];
  /** The hosts evaluated (undefined: every host); what other hosts had is left as it was. */
  hosts?: readonly string[];
}

export interface ObservedRow {
  id: number;
  host: string;
  method: string;
  path: string;
  hits: number;
  firstSeen: number;
  lastSeen: number;
  deprecationSignals: number;
}

export function observedEndpoints(db: Database.Database, f: EndpointFilter = {}): ObservedRow[] {
  const { cond, params } = hostScope(f);
  return db
    .prepare(
      `SELECT e.id, h.name AS host, e.method, e.path, e.hits, e.first_seen AS firstSeen, e.last_seen AS lastSeen, e.deprecation_signals AS deprecationSignals
       FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE e.hits > 0${cond ? ` AND ${cond}` : ''}`,
    )
    .all(params) as ObservedRow[];
}

export function applyEvaluation(db: Database.Database, ev: Evaluation): void {
  const hostId = db.prepare('INSERT INTO hosts (name) VALUES (?) ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id');
  const endpointId = db.prepare('SELECT e.id FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE h.name = ? AND e.method = ? AND e.path = ?');
  const insertUnused = db.prepare(`INSERT INTO endpoints (host_id, method, path, hits, first_seen, last_seen, state, state_reason) VALUES (?, ?, ?, 0, 0, 0, 'unused', ?)`);
  const setState = db.prepare('UPDATE endpoints SET state = ?, state_reason = ?, drift = ? WHERE id = ?');
  const addFinding = db.prepare(`INSERT INTO findings (endpoint_id, rule, key, severity, owasp, evidence, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(endpoint_id, rule, key) DO UPDATE SET evidence = excluded.evidence, count = excluded.count, severity = excluded.severity`);
  const { cond, params } = hostScope(ev.hosts ? { hosts: ev.hosts } : {});
  const mine = cond ? ` AND host_id IN (SELECT h.id FROM hosts h WHERE ${cond})` : '';
  db.transaction(() => {
    db.prepare(`DELETE FROM endpoints WHERE hits = 0${mine}`).run(params); // last evaluation's placeholders (cascades to their findings)
    db.prepare(`UPDATE endpoints SET state = 'undocumented', state_reason = NULL, drift = NULL WHERE 1${mine}`).run(params);
    if (ev.rules.length) {
      const rules = Object.fromEntries(ev.rules.map((r, i) => [`r${i}`, r]));
      const own = cond ? ` AND endpoint_id IN (SELECT e.id FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE ${cond})` : '';
      db.prepare(`DELETE FROM findings WHERE rule IN (${ev.rules.map((_, i) => `@r${i}`).join(', ')})${own}`).run({ ...rules, ...params });
    }
    for (const u of ev.unused) {
      const h = (hostId.get(u.host) as { id: number }).id;
      insertUnused.run(h, u.method, u.path, u.reason);
    }
    for (const s of ev.states) {
      const row = endpointId.get(s.host, s.method, s.path) as { id: number } | undefined;
      if (row) setState.run(s.state, s.reason, s.drift?.length ? JSON.stringify(s.drift) : null, row.id);
    }
    for (const f of ev.findings) {
      const row = endpointId.get(f.host, f.method, f.path) as { id: number } | undefined;
      if (row) addFinding.run(row.id, f.rule, f.key, f.severity, f.owasp, f.evidence, f.count, f.firstSeen, f.lastSeen);
    }
  }).immediate();
}

export function setRisks(db: Database.Database, risks: Array<{ host: string; method: string; path: string; risk: number }>): void {
  const set = db.prepare('UPDATE endpoints SET risk = ? WHERE id = (SELECT e.id FROM endpoints e JOIN hosts h ON h.id = e.host_id WHERE h.name = ? AND e.method = ? AND e.path = ?)');
  db.transaction(() => {
    for (const r of risks) set.run(r.risk, r.host, r.method, r.path);
  }).immediate();
}
