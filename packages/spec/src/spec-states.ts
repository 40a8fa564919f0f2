import type { EndpointState, Severity } from '@overhear/model';
import type { DeclaredOperation, DeclaredSpec } from './declared.js';

/**
 * The inventory's states, defined plainly (README "States"):
 * - documented: served and declared by a spec for its host;
 * - shadow: served, but no spec for its host declares it;
 * - deprecated (zombie): served although declared `deprecated: true`, or its
 *   responses carry Deprecation/Sunset headers, or a newer version of the same
 *   resource is declared or served (`/v1/orders/{id}` beside `/v2/orders/{id}`);
 * - unused (orphan): declared, but no traffic within the window before the
 *   host's latest traffic (not before "now": offline captures age);
 * - undocumented: no spec imported for the host, so nothing can be said.
 */

export interface ObservedEndpoint {
  host: string;
  method: string;
  path: string;
  hits: number;
  lastSeen: number;
  /** Responses that carried Deprecation or Sunset headers. */
  deprecationSignals: number;
}

export interface StateVerdict {
  state: EndpointState;
  reason: string;
  /** The declared operation it matched, when documented or deprecated by its spec. */
  declared?: DeclaredOperation;
}

export interface UnusedOperation {
  host: string;
  method: string;
  path: string;
  spec: string;
  deprecated: boolean;
}

export interface InventoryFinding {
  rule: 'shadow-api' | 'deprecated-api-in-use' | 'unused-documented-api';
  severity: Severity;
  owasp: string;
  host: string;
  method: string;
  path: string;
  evidence: string;
}

export interface StateOptions {
  /** Declared operations without traffic for this long before the host's latest traffic are unused. */
  unusedWindowMs: number;
}

export const defaultStateOptions: StateOptions = { unusedWindowMs: 30 * 24 * 3_600_000 };

const VERSION = /^v(\d+)(?:\.(\d+))?$/i;

// "/api/v2/orders/{orderId}" → key "/api/v*/orders/{}", version 2; no version segment → undefined.
export function versionKey(path: string): { key: string; version: number } | undefined {
  let version: number | undefined;
  const key = path
    .split('/')
    .map((seg) => {
      const m = VERSION.exec(seg);
      if (m && version === undefined) {
        version = Number(m[1]) + (m[2] ? Number(m[2]) / 100 : 0);
        return 'v*';
      }
      return seg.replace(/^\{[^}]*\}$/, '{}');
    })
    .join('/');
  return version === undefined ? undefined : { key, version };
}

const shapeKey = (method: string, path: string): string => `${method} ${path.replace(/\{[^}]*\}/g, '{}')}`;

export function evaluateStates(
  observed: ObservedEndpoint[],
  specsByHost: Map<string, DeclaredSpec[]>,
  opts: StateOptions = defaultStateOptions,
): { verdicts: StateVerdict[]; unused: UnusedOperation[]; findings: InventoryFinding[] } {
  const verdicts: StateVerdict[] = [];
  const findings: InventoryFinding[] = [];
  const unused: UnusedOperation[] = [];

  // Newest version per resource and method, over what is declared and what is served.
  const newest = new Map<string, { version: number; path: string }>();
  const consider = (host: string, method: string, path: string): void => {
    const v = versionKey(path);
    if (!v) return;
    const k = `${host} ${method} ${v.key}`;
    const cur = newest.get(k);
    if (!cur || v.version > cur.version) newest.set(k, { version: v.version, path });
  };
  for (const o of observed) consider(o.host, o.method, o.path);
  for (const [host, specs] of specsByHost) for (const s of specs) for (const op of s.operations) consider(host, op.method, op.path);

  const declared = new Map<string, { op: DeclaredOperation; spec: DeclaredSpec }>();
  for (const [host, specs] of specsByHost) for (const s of specs) for (const op of s.operations) declared.set(`${host} ${shapeKey(op.method, op.path)}`, { op, spec: s });

  const lastByHost = new Map<string, number>();
  for (const o of observed) if (o.hits > 0) lastByHost.set(o.host, Math.max(lastByHost.get(o.host) ?? 0, o.lastSeen));
  const seenDeclared = new Map<string, ObservedEndpoint>();

  for (const o of observed) {
    const specs = specsByHost.get(o.host);
    const v = versionKey(o.path);
    const newer = v ? newest.get(`${o.host} ${o.method} ${v.key}`) : undefined;
    const newerPath = newer && v && newer.version > v.version ? newer.path : undefined;
    if (!specs || specs.length === 0) {
      // Without a spec only the traffic itself can say an API is deprecated.
      const verdict: StateVerdict = o.deprecationSignals > 0 ? { state: 'deprecated', reason: 'responses carry Deprecation/Sunset headers' } : { state: 'undocumented', reason: 'no spec imported for this host' };
      verdicts.push(verdict);
      if (verdict.state === 'deprecated') findings.push(deprecatedFinding(o, verdict.reason));
      continue;
    }
    const d = declared.get(`${o.host} ${shapeKey(o.method, o.path)}`);
    if (d) seenDeclared.set(`${o.host} ${shapeKey(o.method, o.path)}`, o);
    const hostLast = lastByHost.get(o.host);
    const stale = d !== undefined && (o.hits === 0 || (hostLast !== undefined && o.lastSeen < hostLast - opts.unusedWindowMs));
    let verdict: StateVerdict;
    if (stale) verdict = { state: 'unused', reason: `declared in ${specName(d.spec)}; no traffic in the window`, declared: d.op };
    else if (d?.op.deprecated) verdict = { state: 'deprecated', reason: `declared deprecated in ${specName(d.spec)}`, declared: d.op };
    else if (o.deprecationSignals > 0) verdict = { state: 'deprecated', reason: 'responses carry Deprecation/Sunset headers', ...(d ? { declared: d.op } : {}) };
    else if (newerPath) verdict = { state: 'deprecated', reason: `a newer version is ${declared.has(`${o.host} ${shapeKey(o.method, newerPath)}`) ? 'documented' : 'served'}: ${newerPath}`, ...(d ? { declared: d.op } : {}) };
    else if (d) verdict = { state: 'documented', reason: `declared in ${specName(d.spec)}`, declared: d.op };
    else verdict = { state: 'shadow', reason: `not declared by any spec for ${o.host}` };
    verdicts.push(verdict);
    if (verdict.state === 'deprecated') findings.push(deprecatedFinding(o, verdict.reason));
    if (verdict.state === 'shadow') {
      findings.push({ rule: 'shadow-api', severity: 'medium', owasp: 'API9:2023', host: o.host, method: o.method, path: o.path, evidence: `served ${o.hits} times but not declared by any spec for ${o.host}` });
    }
  }

  for (const [host, specs] of specsByHost) {
    const hostLast = lastByHost.get(host);
    for (const s of specs) {
      for (const op of s.operations) {
        const k = `${host} ${shapeKey(op.method, op.path)}`;
        const seen = seenDeclared.get(k);
        const recent = seen && seen.hits > 0 && (hostLast === undefined || seen.lastSeen >= hostLast - opts.unusedWindowMs);
        if (recent) continue;
        // Only operations with no endpoint row at all are listed; a stale row already has the state.
        if (!seen) unused.push({ host, method: op.method, path: op.path, spec: specName(s), deprecated: op.deprecated });
        findings.push({
          rule: 'unused-documented-api',
          severity: 'low',
          owasp: 'API9:2023',
          host,
          method: op.method,
          path: op.path,
          evidence: seen ? `documented in ${specName(s)}; no traffic in the ${Math.round(opts.unusedWindowMs / 86_400_000)} days before the host's latest traffic` : `documented in ${specName(s)} but never called in the traffic seen`,
        });
      }
    }
  }
  return { verdicts, unused, findings };
}

function deprecatedFinding(o: ObservedEndpoint, reason: string): InventoryFinding {
  return { rule: 'deprecated-api-in-use', severity: 'medium', owasp: 'API9:2023', host: o.host, method: o.method, path: o.path, evidence: `still serving traffic (${o.hits} requests): ${reason}` };
}

function specName(s: DeclaredSpec): string {
  return s.title ? `"${s.title}"${s.version ? ` ${s.version}` : ''}` : 'the imported spec';
}
