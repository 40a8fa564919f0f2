import type { EndpointObservation, Exchange, ObservationBatch } from '@overhear/model';
import { credentials } from '@overhear/infer';

const HOUR = 3_600_000;

interface Light {
  host: string;
  method: string;
  path: string;
  hits: number;
  firstSeen: number;
  lastSeen: number;
  http: number;
  https: number;
  status: Map<number, number>;
  auth: Map<string, number>;
  hourly: Map<number, number>;
  servers: Set<string>;
  deprecationSignals: number;
}

const bump = <K>(m: Map<K, number>, k: K, n = 1): void => void m.set(k, (m.get(k) ?? 0) + n);

/**
 * The cheap half of analysis, for the live pipeline under overload: an
 * exchange counted here adds to its endpoint's hits, times, status codes,
 * auth schemes, hourly traffic and servers exactly as the Analyzer would, but
 * is not parsed for parameters, body schemas, sensitive data or findings
 * (those come from the exchanges that are analysed in full). Keyed by the
 * template the Analyzer's templater gives; merged into the Analyzer's batch.
 */
export class LightCounter {
  private readonly eps = new Map<string, Light>();
  counted = 0;

  add(ex: Exchange, template: string): void {
    const req = ex.request;
    const key = `${req.host}\u0000${req.method}\u0000${template}`;
    let e = this.eps.get(key);
    if (!e) {
      e = { host: req.host, method: req.method, path: template, hits: 0, firstSeen: Infinity, lastSeen: -Infinity, http: 0, https: 0, status: new Map(), auth: new Map(), hourly: new Map(), servers: new Set(), deprecationSignals: 0 };
      this.eps.set(key, e);
    }
    const t = ex.startedAt;
    e.hits++;
    this.counted++;
    if (t < e.firstSeen) e.firstSeen = t;
    if (t > e.lastSeen) e.lastSeen = t;
    if (ex.scheme === 'https') e.https++;
    else e.http++;
    bump(e.hourly, Math.floor(t / HOUR) * HOUR);
    if (ex.server && e.servers.size < 16) e.servers.add(`${ex.server.ip}:${ex.server.port}`);
    if (ex.response) {
      bump(e.status, ex.response.status);
      if (ex.response.headers.some(([n]) => n === 'deprecation' || n === 'sunset')) e.deprecationSignals++;
    }
    const creds = credentials(ex);
    if (creds.length === 0) bump(e.auth, 'none');
    for (const c of creds) bump(e.auth, c.name === undefined ? c.scheme : `${c.scheme}:${c.name}`);
  }

  get size(): number {
    return this.eps.size;
  }

  /** Adds what was counted into `batch` (after the batch's template merges), and starts afresh. */
  mergeInto(batch: ObservationBatch): void {
    const moved = new Map<string, string>();
    for (const m of batch.merges ?? []) for (const f of m.from) moved.set(`${m.host}\u0000${f}`, m.into);
    const byKey = new Map(batch.endpoints.map((e) => [`${e.host}\u0000${e.method}\u0000${e.path}`, e]));
    for (const l of this.eps.values()) {
      let path = l.path;
      for (let i = 0; i < 8; i++) {
        const next = moved.get(`${l.host}\u0000${path}`);
        if (!next || next === path) break;
        path = next;
      }
      const key = `${l.host}\u0000${l.method}\u0000${path}`;
      let o = byKey.get(key);
      if (!o) {
        o = { host: l.host, method: l.method, path, hits: 0, firstSeen: l.firstSeen, lastSeen: l.lastSeen, scheme: { http: 0, https: 0 }, statusCodes: {}, auth: {}, parameters: [], bodies: [], hourly: {}, sensitive: [], findings: [], consumers: [], servers: [], deprecationSignals: 0 } satisfies EndpointObservation;
        byKey.set(key, o);
        batch.endpoints.push(o);
      }
      o.hits += l.hits;
      o.firstSeen = Math.min(o.firstSeen, l.firstSeen);
      o.lastSeen = Math.max(o.lastSeen, l.lastSeen);
      o.scheme.http += l.http;
      o.scheme.https += l.https;
      o.deprecationSignals += l.deprecationSignals;
      for (const [k, v] of l.status) o.statusCodes[String(k)] = (o.statusCodes[String(k)] ?? 0) + v;
      for (const [k, v] of l.auth) o.auth[k] = (o.auth[k] ?? 0) + v;
      for (const [k, v] of l.hourly) o.hourly[String(k)] = (o.hourly[String(k)] ?? 0) + v;
      for (const s of l.servers) if (o.servers.length < 16 && !o.servers.includes(s)) o.servers.push(s);
    }
    this.eps.clear();
  }
}
