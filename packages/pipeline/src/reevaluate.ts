import { applyEvaluation, endpointShapes, listEndpoints, listFindings, observedEndpoints, setRisks, specDocuments, type Catalog, type DerivedFinding, type EndpointFilter, type Evaluation } from '@overhear/catalog';
import { riskScore } from '@overhear/detect';
import type { Severity } from '@overhear/model';
import { driftOf, evaluateStates, type DeclaredSpec } from '@overhear/spec';
import type { OverhearConfig } from './config.js';
import { endpointFindings } from './endpoint-rules.js';

/** Rules whose findings are derived from the whole catalog and recomputed by each evaluation. */
export const DERIVED_RULES = ['shadow-api', 'deprecated-api-in-use', 'unused-documented-api', 'spec-drift', 'enumerable-id', 'excessive-data-exposure'];

/** Declared specs by host, from the catalog. */
export function loadDeclared(catalog: Catalog): Map<string, DeclaredSpec[]> {
  const byHost = new Map<string, DeclaredSpec[]>();
  for (const d of specDocuments(catalog.db)) {
    const spec = JSON.parse(d.document) as DeclaredSpec;
    for (const h of d.hosts) {
      const list = byHost.get(h) ?? [];
      list.push(spec);
      byHost.set(h, list);
    }
  }
  return byHost;
}

/**
 * Re-derives states, drift and whole-history findings after the catalog
 * changed: for `hosts` (what an ingested batch touched), or for every host
 * (a spec imported or removed). Everything derived is per host, so the
 * hosts a batch did not touch cannot have changed. Cost is linear in the
 * endpoints and declared operations of the hosts evaluated.
 */
export function reevaluate(catalog: Catalog, cfg: OverhearConfig = {}, hosts?: Iterable<string>): Evaluation {
  const scope = hosts === undefined ? undefined : [...new Set(hosts)];
  const f = scope ? { hosts: scope } : {};
  const specs = loadDeclared(catalog);
  if (scope) {
    const inScope = new Set(scope);
    for (const h of [...specs.keys()]) if (!inScope.has(h)) specs.delete(h);
  }
  const observed = observedEndpoints(catalog.db, f);
  const { verdicts, unused, findings } = evaluateStates(observed, specs, { unusedWindowMs: (cfg.unusedWindowDays ?? 30) * 86_400_000 });
  const importedAt = new Map<string, number>();
  for (const d of specDocuments(catalog.db)) for (const h of d.hosts) importedAt.set(h, Math.max(importedAt.get(h) ?? 0, d.importedAt));

  const listed = listEndpoints(catalog.db, f);
  const shapes = new Map(endpointShapes(catalog.db, f, listed).map((s) => [`${s.host} ${s.method} ${s.path}`, s]));
  const records = new Map(listed.map((r) => [`${r.host} ${r.method} ${r.path}`, r]));
  const ev: Evaluation = { states: [], unused: [], findings: [], rules: DERIVED_RULES, ...(scope ? { hosts: scope } : {}) };
  const seen = new Map(observed.map((o) => [`${o.host} ${o.method} ${o.path}`, o]));

  observed.forEach((o, i) => {
    const v = verdicts[i]!;
    const key = `${o.host} ${o.method} ${o.path}`;
    const shape = shapes.get(key);
    const drift = v.declared && shape && (v.state === 'documented' || v.state === 'deprecated') ? driftOf(shape, v.declared) : [];
    ev.states.push({ host: o.host, method: o.method, path: o.path, state: v.state, reason: v.reason, drift });
    if (drift.length) {
      const kinds = [...new Set(drift.map((d) => d.kind))].sort();
      ev.findings.push({
        host: o.host, method: o.method, path: o.path, rule: 'spec-drift', key: 'spec-drift', severity: 'low', owasp: 'API9:2023',
        evidence: `traffic differs from the spec in ${drift.length} way${drift.length === 1 ? '' : 's'}: ${kinds.join(', ')}`,
        count: drift.length, firstSeen: o.firstSeen, lastSeen: o.lastSeen,
      });
    }
    if (shape) {
      const rec = records.get(key);
      ev.findings.push(...endpointFindings({ ...shape, firstSeenMs: o.firstSeen, lastSeenMs: o.lastSeen, unauthenticatedHits: Number(rec?.unauthenticatedHits ?? 0) }));
    }
  });
  for (const u of unused) ev.unused.push({ host: u.host, method: u.method, path: u.path, reason: `declared in ${u.spec}; never called in the traffic seen` });
  for (const f of findings) {
    const o = seen.get(`${f.host} ${f.method} ${f.path}`);
    const at = importedAt.get(f.host) ?? Date.now();
    const d: DerivedFinding = { ...f, key: f.rule, count: o?.hits ?? 0, firstSeen: o?.firstSeen ?? at, lastSeen: o?.lastSeen ?? at };
    ev.findings.push(d);
  }
  applyEvaluation(catalog.db, ev);
  scoreRisks(catalog, f);
  return ev;
}

/** Risk per endpoint from its findings, data and exposure (riskScore in packages/detect documents the formula). */
export function scoreRisks(catalog: Catalog, f: EndpointFilter = {}): void {
  const findings = new Map<string, Array<{ severity: Severity }>>();
  for (const x of listFindings(catalog.db, f)) {
    const k = `${x.host} ${x.method} ${x.path}`;
    const list = findings.get(k) ?? [];
    list.push(x);
    findings.set(k, list);
  }
  const risks = listEndpoints(catalog.db, f).map((e) => ({
    host: e.host,
    method: e.method,
    path: e.path,
    risk: riskScore({ findings: findings.get(`${e.host} ${e.method} ${e.path}`) ?? [], sensitive: e.sensitive, unauthenticatedHits: Number(e.unauthenticatedHits ?? 0), state: e.state }),
  }));
  setRisks(catalog.db, risks);
}
