import type {
  AuthScheme,
  BodyObservation,
  Endpoint4,
  EndpointObservation,
  Exchange,
  HttpResponse,
  FindingObservation,
  JsonSchema,
  ObservationBatch,
  ParamLocation,
  ParamObservation,
  SensitiveObservation,
} from '@overhear/model';
import { MAX_BODY_VARIANTS_PER_ENDPOINT, MAX_ROWS_PER_ENDPOINT, OVERFLOW_PATH, overflowHost } from '@overhear/model';
import {
  PathTemplater,
  credentials,
  SchemaAccumulator,
  isContractHeader,
  mergeSchemas,
  parseBody,
  scalarType,
  stringFormat,
  segmentKind,
  splitPath,
  type ParsedBody,
  type SegmentKind,
  type TemplateEvidence,
  type TemplateMerge,
  type TemplateResult,
} from '@overhear/infer';
import { SpecMatcher, type DeclaredSpec } from '@overhear/spec';
import type { AnalysisSampler } from './sampler.js';
import { ConsumerCounts, seen } from './consumer-counts.js';
import { memo } from './memo.js';

/**
 * Turns exchanges into per-endpoint observations: templating, parameters,
 * schemas, auth, and (through `Detector`) sensitive data and findings.
 * Memory is bounded by the number of distinct endpoints and their schemas,
 * not by the number of exchanges: call `drain()` to hand a batch to the catalog.
 */

/** What a detector reports for one exchange. Values are already redacted. */
export interface Detection {
  sensitive: Array<Omit<SensitiveObservation, 'count' | 'firstSeen' | 'lastSeen'>>;
  findings: Array<Pick<FindingObservation, 'rule' | 'severity' | 'owasp' | 'evidence'>>;
}

/**
 * What `observe` reports for every exchange: findings, and who calls. Every
 * field is always there (one object shape for every exchange: this runs on
 * all of them).
 */
export interface Observation {
  findings: Readonly<Detection['findings']>;
  /** The client-ip consumer id (redacted), when the source knows the client. */
  clientId: string | undefined;
  /** The user-agent consumer id (its family), when the request names one. */
  userAgentId: string | undefined;
  /** The request's credential as sent (raw, in memory only): see `credentialId`. */
  credential: string | undefined;
  credentialKind: CredentialKind;
}

export interface ExchangeContext {
  template: string;
  pathParams: Array<{ name: string; value: string; kind: SegmentKind }>;
  auth: AuthScheme[];
  /** Bodies analysis already parsed as JSON (`{ value }`); absent when not JSON or not parsed. */
  json?: { request?: { value: unknown } | undefined; response?: { value: unknown } | undefined };
}

/**
 * Detection in two depths. `observe` sees every exchange and must stay cheap:
 * who calls (consumers) and what needs every request to be seen (failed-login
 * floods, page sizes asked for). `analyse` sees the exchanges analysed in full (see AnalysisSampler):
 * sensitive data and per-exchange findings.
 */
export interface Detector {
  /** What every exchange shows (cheap rules, consumers). The answer may be one object refilled by the next call: read it first. */
  observe(ex: Exchange): Observation;
  analyse(ex: Exchange, ctx: ExchangeContext): Pick<Detection, 'sensitive' | 'findings'>;
  /**
   * The consumer id (keyed hash) of a credential from `observe`. Asked once per
   * distinct credential an endpoint admits as a consumer, not per request: a
   * keyed hash costs microseconds, and tokens can differ on every request.
   */
  credentialId(value: string, kind: CredentialKind): string;
}

/** Where a credential was: an Authorization header, an API key (header or query), a session cookie. */
export type CredentialKind = 'authorization' | 'key' | 'session';

const HOUR = 3_600_000;
const MAX_ID_VALUES = 4096;

/** Longest run of consecutive integers in a set: {3, 4, 5, 9} → 3. */
export function longestRun(values: Set<number>): number {
  let best = 0;
  for (const v of values) {
    if (values.has(v - 1)) continue; // not the start of a run
    let len = 1;
    while (values.has(v + len)) len++;
    if (len > best) best = len;
  }
  return best;
}

interface Counted<T> {
  value: T;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

class EndpointAggregate {
  hits = 0;
  /** Exchanges analysed in full (the rest were only counted: see AnalysisSampler). */
  analysed = 0;
  firstSeen = Infinity;
  lastSeen = -Infinity;
  http = 0;
  https = 0;
  readonly status = new Map<number, number>();
  readonly auth = new Map<string, number>();
  readonly #hourly = new Map<number, number>();
  /** The hour being counted and its hits, not yet in `#hourly`: a time-ordered source stays in one hour for thousands of exchanges, and an hour is a number no small-integer map key can hold. */
  #hour = NaN;
  #hourHits = 0;

  /** One more hit at time `t` (ms), by hour. */
  hitAt(t: number): void {
    const h = Math.floor(t / HOUR) * HOUR;
    if (h === this.#hour) {
      this.#hourHits++;
      return;
    }
    this.flushHour();
    this.#hour = h;
    this.#hourHits = 1;
  }

  private flushHour(): void {
    if (this.#hourHits > 0) bump(this.#hourly, this.#hour, this.#hourHits);
    this.#hourHits = 0;
    this.#hour = NaN;
  }

  /** Hits by hour (start of the hour, ms). */
  get hourly(): ReadonlyMap<number, number> {
    this.flushHour();
    return this.#hourly;
  }
  readonly params = new Map<string, ParamObservation>();
  readonly bodies = new Map<string, { obs: BodyObservation; acc?: SchemaAccumulator }>();
  readonly sensitive = new Map<string, Counted<Detection['sensitive'][number]>>();
  readonly findings = new Map<string, Counted<Detection['findings'][number] & { key: string }>>();
  deprecationSignals = 0;
  readonly consumers: ConsumerCounts;
  readonly servers = new Set<string>();
  /** The server address last added to `servers` (most exchanges of a connection share it). */
  lastServer: Endpoint4 | undefined;
  /** Integer path-parameter values seen this batch, by path parameter name (a constant of the template: no key to build per request). */
  readonly idValues = new Map<string, Set<number>>();
  /** host, method and path: the aggregate's identity (made once; the sampler's key). */
  readonly key: string;
  constructor(readonly host: string, readonly method: string, readonly path: string, maxConsumers: number) {
    this.consumers = new ConsumerCounts(maxConsumers);
    this.key = `${host}\u0000${method}\u0000${path}`;
  }

  /** Takes in what was aggregated under a template that re-templating merged into this one. */
  absorb(o: EndpointAggregate): void {
    this.hits += o.hits;
    this.analysed += o.analysed;
    this.firstSeen = Math.min(this.firstSeen, o.firstSeen);
    this.lastSeen = Math.max(this.lastSeen, o.lastSeen);
    this.http += o.http;
    this.https += o.https;
    this.deprecationSignals += o.deprecationSignals;
    for (const [k, v] of o.status) bump(this.status, k, v);
    for (const [k, v] of o.auth) bump(this.auth, k, v);
    this.flushHour();
    for (const [k, v] of o.hourly) bump(this.#hourly, k, v);
    for (const s of o.servers) if (this.servers.size < 16) this.servers.add(s);
    // Path parameters are renamed by position; a literal that became a parameter adds one.
    const rename = alignTemplates(o.path, this.path);
    for (const [k, p] of o.params) {
      const name = p.location === 'path' ? (rename.names.get(p.name) ?? p.name) : p.name;
      const key = `${p.location}\u0000${name}`;
      const q = this.params.get(key);
      if (q) {
        q.count += p.count;
        q.schema = mergeSchemas(q.schema, p.schema);
        if (p.min !== undefined && (q.min === undefined || p.min < q.min)) q.min = p.min;
        if (p.max !== undefined && (q.max === undefined || p.max > q.max)) q.max = p.max;
      } else if (this.params.size < 500) this.params.set(key, { ...p, name });
      const ids = p.location === 'path' ? o.idValues.get(p.name) : undefined;
      if (ids) {
        const mine = this.idValues.get(name) ?? new Set<number>();
        for (const n of ids) if (mine.size < MAX_ID_VALUES) mine.add(n);
        this.idValues.set(name, mine);
      }
    }
    for (const [name, value] of rename.values) {
      const key = `path\u0000${name}`;
      const schema = stringSchema(safeDecode(value));
      const q = this.params.get(key);
      if (q) {
        q.count += o.analysed;
        q.schema = mergeSchemas(q.schema, schema);
      } else this.params.set(key, { location: 'path', name, schema, count: o.analysed });
    }
    for (const [k, b] of o.bodies) {
      const mine = this.bodies.get(k);
      if (!mine) {
        if (this.bodies.size < MAX_BODY_VARIANTS_PER_ENDPOINT) this.bodies.set(k, b);
        continue;
      }
      mine.obs.count += b.obs.count;
      if (b.obs.fields) mine.obs.fields = [...new Set([...(mine.obs.fields ?? []), ...b.obs.fields])].slice(0, 200);
      if (b.acc) mine.acc = mine.acc ? mine.acc.merge(b.acc) : b.acc;
    }
    this.consumers.absorb(o.consumers);
    for (const [m, mine] of [[o.sensitive, this.sensitive], [o.findings, this.findings]] as Array<[Map<string, Counted<unknown>>, Map<string, Counted<unknown>>]>) {
      for (const [k, c] of m) {
        const d = mine.get(k);
        if (!d) mine.set(k, c);
        else {
          d.count += c.count;
          d.firstSeen = Math.min(d.firstSeen, c.firstSeen);
          d.lastSeen = Math.max(d.lastSeen, c.lastSeen);
        }
      }
    }
  }
}

/** How a template's path parameters map onto a merged template's: renamed ones, and literals that became values. */
function alignTemplates(from: string, into: string): { names: Map<string, string>; values: Map<string, string> } {
  const a = splitPath(from);
  const b = splitPath(into);
  const names = new Map<string, string>();
  const values = new Map<string, string>();
  for (let i = 0; i < b.length && i < a.length; i++) {
    const mb = /^([^{]*)\{([^}]+)\}(.*)$/.exec(b[i]!);
    if (!mb) continue;
    const ma = /^[^{]*\{([^}]+)\}/.exec(a[i]!);
    if (ma) names.set(ma[1]!, mb[2]!);
    else values.set(mb[2]!, a[i]!.slice(a[i]!.startsWith(mb[1]!) ? mb[1]!.length : 0, mb[3] && a[i]!.endsWith(mb[3]) ? -mb[3].length : undefined));
  }
  return { names, values };
}

export interface AnalyzerOptions {
  detector?: Detector;
  /** Most distinct consumers kept per endpoint per batch. */
  maxConsumers?: number;
  /** Distinct endpoints per host beyond which new ones are counted under OVERFLOW_PATH (a scanner must not flood the catalog). */
  maxEndpointsPerHost?: number;
  /** Distinct Host names per server address beyond which new ones are counted under one overflow host (a Host-header scan must not either). */
  maxHostsPerServer?: number;
  /** Which exchanges are analysed in full; without one, all are. */
  sampling?: AnalysisSampler;
}

export const DEFAULT_MAX_ENDPOINTS_PER_HOST = 5000;
export const DEFAULT_MAX_HOSTS_PER_SERVER = 1000;
export { OVERFLOW_PATH };

const OVERFLOWED: TemplateResult = { template: OVERFLOW_PATH, params: [] };

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function countOnce<T>(m: Map<string, Counted<T>>, key: string, value: T, t: number, cap = Infinity): void {
  const c = m.get(key);
  if (c) seen(c, t);
  else if (m.size < cap) {
    m.set(key, { value, count: 1, firstSeen: t, lastSeen: t });
  }
}

function pathParamSchema(kind: SegmentKind, value: string): JsonSchema {
  switch (kind) {
    case 'integer':
      return { type: 'integer' };
    case 'number':
      return { type: 'number' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'email':
      return { type: 'string', format: 'email' };
    default:
      return stringSchema(value);
  }
}

function stringSchema(value: string): JsonSchema {
  const t = scalarType(value);
  if (t !== 'string') return { type: t };
  const f = stringFormat(value);
  return f ? { type: 'string', format: f } : { type: 'string' };
}

/**
 * Templating evidence whose response body is parsed only if the templater
 * asks for it (word-like segments still being judged) or analysis needs it.
 * One per Analyzer, reset for each exchange.
 */
class LazyEvidence implements TemplateEvidence {
  method = '';
  status = 0;
  private res: HttpResponse | undefined;
  private parsed: ParsedBody | undefined | null = null;

  reset(method: string, res: HttpResponse | undefined): this {
    this.method = method;
    this.status = res?.status ?? 0;
    this.res = res;
    this.parsed = null;
    return this;
  }

  parsedResponse(): ParsedBody | undefined {
    if (this.parsed === null) this.parsed = this.res ? parseBody(this.res.body, this.res.headers) : undefined;
    return this.parsed;
  }

  get body(): unknown {
    const b = this.parsedResponse();
    return b?.kind === 'json' ? b.value : undefined;
  }
}

export class Analyzer {
  readonly templater = new PathTemplater();
  private endpoints = new Map<string, EndpointAggregate>();
  private tlsHosts: Record<string, number> = {};
  private readonly detector: Detector | undefined;
  private readonly maxConsumers: number;
  private readonly sampling: AnalysisSampler | undefined;
  private readonly evidence = new LazyEvidence();
  private readonly credentialId = (value: string, kind: CredentialKind): string => this.detector!.credentialId(value, kind);
  exchanges = 0;

  private readonly maxEndpointsPerHost: number;
  private readonly maxHostsPerServer: number;
  /** Hosts admitted per server address ("ip port"; "" when a source has none): what the host cap counts. */
  private readonly hostsByServer = new Map<string, Set<string>>();
  /** Hosts the catalog knew before this run: always admitted. */
  private readonly knownHosts = new Set<string>();
  /** Templates per host, known from the catalog or made in this run: what the cap counts. */
  private readonly hostTemplates = new Map<string, Set<string>>();
  /** The aggregates of this batch by host, template and method (a cache of `endpoints`, cleared on merges and drains). */
  private readonly lookup = new Map<string, Map<string, Map<string, EndpointAggregate>>>();

  constructor(opts: AnalyzerOptions = {}) {
    this.detector = opts.detector;
    this.maxConsumers = opts.maxConsumers ?? 1000;
    this.maxEndpointsPerHost = opts.maxEndpointsPerHost ?? DEFAULT_MAX_ENDPOINTS_PER_HOST;
    this.maxHostsPerServer = opts.maxHostsPerServer ?? DEFAULT_MAX_HOSTS_PER_SERVER;
    this.sampling = opts.sampling;
  }

  /** Makes templates already in the catalog win over new inference. */
  knowTemplates(list: Iterable<{ host: string; path: string }>): void {
    for (const t of list) {
      this.templater.learnTemplate(t.host, t.path);
      this.templatesOf(t.host).add(t.path);
      this.knownHosts.add(t.host);
    }
  }

  /** Whether `host` gets its own place for requests to `server`: known, or within the server's cap of distinct names. */
  private admitHost(host: string, server: Endpoint4 | undefined): boolean {
    if (this.knownHosts.has(host)) return true;
    const key = server ? `${server.ip} ${server.port}` : '';
    let set = this.hostsByServer.get(key);
    if (!set) this.hostsByServer.set(key, (set = new Set()));
    if (set.has(host)) return true;
    // Without server addresses (a HAR that does not record them) every host shares one bucket: a browsing session's many sites must fit.
    if (set.size >= (server ? this.maxHostsPerServer : 10 * this.maxHostsPerServer)) return false;
    set.add(host);
    return true;
  }

  private templatesOf(host: string): Set<string> {
    let set = this.hostTemplates.get(host);
    if (!set) this.hostTemplates.set(host, (set = new Set()));
    return set;
  }

  private readonly declared = new SpecMatcher();

  /** Declared specs always win: traffic they match is filed under their templates and parameter names. */
  knowDeclared(specsByHost: Map<string, DeclaredSpec[]>): void {
    for (const [host, specs] of specsByHost) for (const s of specs) for (const op of s.operations) this.declared.add(host, op);
  }

  private template(host: string, method: string, path: string, ev: TemplateEvidence): TemplateResult {
    if (this.declared.hasHost(host)) {
      const m = this.declared.match(host, method, path);
      if (m) return { template: m.template, params: declaredParams(m.template, path) };
    }
    return this.templater.template(host, path, ev);
  }

  /** Templates merged by re-templating, for the catalog (drained with the batch). */
  private merges: TemplateMerge[] = [];

  /** Re-files what was aggregated under templates that are now merged. */
  private applyMerges(): void {
    for (const m of this.templater.takeMerges()) {
      this.merges.push(m);
      const from = new Set(m.from);
      this.lookup.clear();
      this.sampling?.forget([...this.endpoints.values()].filter((ep) => ep.host === m.host && from.has(ep.path)).map((ep) => ep.key));
      for (const [key, ep] of this.endpoints) {
        if (ep.host !== m.host || !from.has(ep.path)) continue;
        this.endpoints.delete(key);
        const k = `${ep.host}\u0000${ep.method}\u0000${m.into}`;
        let target = this.endpoints.get(k);
        if (!target) this.endpoints.set(k, (target = new EndpointAggregate(ep.host, ep.method, m.into, this.maxConsumers)));
        target.absorb(ep);
      }
    }
  }

  add(ex: Exchange): void {
    this.exchanges++;
    const req = ex.request;
    const res = ex.response;
    const ev = this.evidence.reset(req.method, res);
    // A host met in this batch was admitted; a new one must fit its server's cap, or it is counted, not templated.
    const hostOverflow = !this.lookup.has(req.host) && !this.admitHost(req.host, ex.server);
    const host = hostOverflow ? overflowHost(ex.server) : req.host;
    const { template, params: pathParams } = hostOverflow ? OVERFLOWED : this.template(host, req.method, req.path, ev);
    if (this.templater.hasMerges) this.applyMerges();
    // The common case, an endpoint met before: found by host, template and method without building a key.
    let ep = hostOverflow ? undefined : this.lookup.get(host)?.get(template)?.get(req.method);
    let overflow = hostOverflow;
    if (!ep) {
      const known = this.templatesOf(host);
      overflow ||= !known.has(template) && known.size >= this.maxEndpointsPerHost;
      const path = overflow ? OVERFLOW_PATH : template;
      const key = `${host}\u0000${req.method}\u0000${path}`;
      ep = this.endpoints.get(key);
      if (!ep) {
        this.endpoints.set(key, (ep = new EndpointAggregate(host, req.method, path, this.maxConsumers)));
        if (!overflow) known.add(template);
      }
      if (!overflow) {
        let byTemplate = this.lookup.get(host);
        if (!byTemplate) this.lookup.set(host, (byTemplate = new Map()));
        let byMethod = byTemplate.get(template);
        if (!byMethod) byTemplate.set(template, (byMethod = new Map()));
        byMethod.set(req.method, ep);
      }
    }

    const t = ex.startedAt;
    ep.hits++;
    if (t < ep.firstSeen) ep.firstSeen = t;
    if (t > ep.lastSeen) ep.lastSeen = t;
    if (ex.scheme === 'https') ep.https++;
    else ep.http++;
    ep.hitAt(t);
    const server = ex.server;
    if (server && ep.servers.size < 16 && (server.port !== ep.lastServer?.port || server.ip !== ep.lastServer.ip)) {
      // compared by value: each connection has its own address object, and connections interleave
      ep.lastServer = server;
      ep.servers.add(`${server.ip}:${server.port}`);
    }
    if (res) {
      bump(ep.status, res.status);
      const hs = res.headers;
      for (let i = 0; i < hs.length; i++) {
        const n = hs[i]![0];
        if (n === 'deprecation' || n === 'sunset') {
          ep.deprecationSignals++;
          break;
        }
      }
    }

    const creds = credentials(ex);
    if (creds.length === 0) bump(ep.auth, 'none');
    // "scheme:name" keeps which header, query parameter or cookie carries a key (for the OpenAPI security schemes); names come from traffic.
    for (let i = 0; i < creds.length; i++) {
      const c = creds[i]!;
      // beyond the cap a new name is counted under its bare scheme: no request goes uncounted
      const k = c.name === undefined ? c.scheme : `${c.scheme}:${c.name}`;
      bump(ep.auth, ep.auth.size < MAX_ROWS_PER_ENDPOINT || ep.auth.has(k) ? k : c.scheme);
    }

    const observed = overflow ? undefined : this.detector?.observe(ex);
    if (observed) {
      this.addFindings(ep, observed.findings, t);
      if (observed.clientId !== undefined) ep.consumers.add('client-ip', observed.clientId, t);
      if (observed.userAgentId !== undefined) ep.consumers.add('user-agent', observed.userAgentId, t);
      if (observed.credential !== undefined) ep.consumers.addCredential(observed.credential, t, this.credentialId, observed.credentialKind);
    }

    if (overflow) {
      // Counted, not analysed: the excess of a flood tells nothing more per request.
      if (hostOverflow) {
        const to = ex.server ? `${ex.server.ip} port ${ex.server.port}` : 'one server';
        const evidence = `more than ${this.maxHostsPerServer} distinct Host names sent to ${to} (a Host-header scan, or a name per tenant); requests naming the others are counted here`;
        countOnce(ep.findings, 'host-overflow', { rule: 'host-overflow', key: 'host-overflow', severity: 'medium', owasp: 'API4:2023', evidence }, t);
      } else {
        const evidence = `more than ${this.maxEndpointsPerHost} distinct endpoints on this host (a scanner, or paths that could not be templated); the excess is counted here`;
        countOnce(ep.findings, 'endpoint-overflow', { rule: 'endpoint-overflow', key: 'endpoint-overflow', severity: 'medium', owasp: 'API4:2023', evidence }, t);
      }
      return;
    }
    // Which integer ids were asked for, from every request (a client walking ids is seen whatever is sampled).
    for (const p of pathParams) if (p.kind === 'integer') noteId(ep, p.name, p.value);
    if (this.sampling && !this.sampling.full(ep.key, ex)) return;
    ep.analysed++;
    const auth = [...new Set(creds.map((c) => c.scheme))].sort();

    for (const p of pathParams) this.param(ep, 'path', p.name, pathParamSchema(p.kind, safeDecode(p.value)), p.value);
    for (const [name, value] of req.query) this.param(ep, 'query', name, stringSchema(value), value);
    for (const [name, value] of req.headers) {
      if (name === 'cookie') {
        for (const c of cookieNames(value)) this.param(ep, 'cookie', c, { type: 'string' });
      } else if (isContractHeader(name)) this.param(ep, 'header', name, stringSchema(value));
    }

    const reqBody = parseBody(req.body, req.headers);
    const resParsed = ev.parsedResponse();
    this.body(ep, 'request', 0, reqBody);
    if (res) this.body(ep, 'response', res.status, resParsed);

    if (this.detector) {
      // JSON bodies are parsed once, here, and handed to detection as they are.
      const json = {
        request: reqBody?.kind === 'json' ? { value: reqBody.value } : undefined,
        response: resParsed?.kind === 'json' ? { value: resParsed.value } : undefined,
      };
      const d = this.detector.analyse(ex, { template, pathParams, auth, json });
      // bounded as the catalog bounds them (names come from traffic)
      for (const s of d.sensitive) {
        const key = `${s.location}\u0000${s.name}\u0000${s.type}`;
        const c = ep.sensitive.get(key);
        if (c) seen(c, t);
        // a copy: a detector's match may redact itself only when read (and hold its value until then)
        else if (ep.sensitive.size < MAX_ROWS_PER_ENDPOINT) ep.sensitive.set(key, { value: { type: s.type, location: s.location, name: s.name, preview: s.preview, hash: s.hash }, count: 1, firstSeen: t, lastSeen: t });
      }
      this.addFindings(ep, d.findings, t);
    }
  }

  /** Findings with the same rule and evidence key are one, counted; the worst severity and the union of listed types are kept. */
  private addFindings(ep: EndpointAggregate, findings: Readonly<Detection['findings']>, t: number): void {
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i]!;
      const key = findingKey(f.evidence);
      const id = `${f.rule}\u0000${key}`;
      const c = ep.findings.get(id);
      if (!c) {
        countOnce(ep.findings, id, { ...f, key }, t, MAX_ROWS_PER_ENDPOINT);
        continue;
      }
      // updated in place, not copied: an analysed exchange raises findings its endpoint nearly always has already
      const v = c.value;
      if ((SEVERITY_RANK[f.severity] ?? 4) < (SEVERITY_RANK[v.severity] ?? 4)) v.severity = f.severity;
      v.owasp = f.owasp;
      v.evidence = mergeEvidence(v.evidence, f.evidence);
      seen(c, t);
    }
  }

  noteTls(host: string, connections: number): void {
    this.tlsHosts[host] = (this.tlsHosts[host] ?? 0) + connections;
  }

  get pendingEndpoints(): number {
    return this.endpoints.size;
  }

  /** Hands over everything aggregated since the last drain, and starts afresh. */
  drain(): ObservationBatch {
    this.templater.settle();
    if (this.templater.hasMerges) this.applyMerges();
    const endpoints: EndpointObservation[] = [];
    for (const ep of this.endpoints.values()) {
      endpoints.push({
        host: ep.host,
        method: ep.method,
        path: ep.path,
        hits: ep.hits,
        analysed: ep.analysed,
        firstSeen: ep.firstSeen,
        lastSeen: ep.lastSeen,
        scheme: { http: ep.http, https: ep.https },
        statusCodes: Object.fromEntries([...ep.status].map(([k, v]) => [String(k), v])),
        auth: Object.fromEntries(ep.auth),
        parameters: [...ep.params].map(([k, p]) => {
          const ids = p.location === 'path' ? ep.idValues.get(p.name) : undefined;
          return ids ? { ...p, longestRun: longestRun(ids) } : p;
        }),
        bodies: [...ep.bodies.values()].map(({ obs, acc }) => (acc ? { ...obs, schema: acc.toSchema() } : obs)),
        hourly: Object.fromEntries([...ep.hourly].map(([k, v]) => [String(k), v])),
        sensitive: [...ep.sensitive.values()].map((c) => ({ ...c.value, count: c.count, firstSeen: c.firstSeen, lastSeen: c.lastSeen })),
        findings: [...ep.findings.values()].map((c) => ({ ...c.value, count: c.count, firstSeen: c.firstSeen, lastSeen: c.lastSeen })),
        consumers: ep.consumers.list(),
        servers: [...ep.servers],
        deprecationSignals: ep.deprecationSignals,
      });
    }
    const batch: ObservationBatch = { endpoints, tlsHosts: this.tlsHosts };
    if (this.merges.length) batch.merges = this.merges;
    this.merges = [];
    this.endpoints = new Map();
    this.lookup.clear();
    this.tlsHosts = {};
    return batch;
  }

  private param(ep: EndpointAggregate, location: ParamLocation, name: string, schema: JsonSchema, value?: string): void {
    const key = `${location}\u0000${name}`;
    let p = ep.params.get(key);
    if (p) {
      p.count++;
      p.schema = mergeSchemas(p.schema, schema);
    } else if (ep.params.size < 500) {
      ep.params.set(key, (p = { location, name, schema, count: 1 }));
    } else return;
    // Numeric ranges answer "is limit=500 accepted?" without keeping values.
    if (value !== undefined && (schema.type === 'integer' || schema.type === 'number')) {
      const n = Number(value);
      if (Number.isFinite(n)) {
        if (p.min === undefined || n < p.min) p.min = n;
        if (p.max === undefined || n > p.max) p.max = n;
      }
    }
  }

  private body(ep: EndpointAggregate, direction: 'request' | 'response', status: number, parsed: ParsedBody | undefined): void {
    if (!parsed) return;
    const key = `${direction}\u0000${status}\u0000${parsed.mediaType}`;
    let b = ep.bodies.get(key);
    if (!b) {
      if (ep.bodies.size >= MAX_BODY_VARIANTS_PER_ENDPOINT) return;
      ep.bodies.set(key, (b = { obs: { direction, status, mediaType: parsed.mediaType, count: 0 } }));
    }
    b.obs.count++;
    if (parsed.kind === 'json') {
      (b.acc ??= new SchemaAccumulator()).add(parsed.value);
    } else if (parsed.kind === 'form' || parsed.kind === 'multipart') {
      const names = parsed.kind === 'form' ? parsed.fields.map(([k]) => k) : parsed.fields;
      b.obs.fields = [...new Set([...(b.obs.fields ?? []), ...names])].slice(0, 200);
    }
  }
}

/** Remembers (boundedly) an integer path parameter's value, to see a client walking ids. */
function noteId(ep: EndpointAggregate, name: string, value: string): void {
  let seen = ep.idValues.get(name);
  // full: nothing more to note (nor to parse, on every request of a busy endpoint)
  if (seen && seen.size >= MAX_ID_VALUES) return;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return;
  if (!seen) ep.idValues.set(name, (seen = new Set()));
  seen.add(n);
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * A finding's identity within an endpoint: its evidence without the parts
 * that vary per value (masked previews in parentheses, numbers), so that
 * "email in query email (j***@e***.com)" for a thousand customers is one finding.
 */
export function findingKey(evidence: string): string {
  return memo(findingKeys, evidence, makeFindingKey, 1000);
}

function makeFindingKey(evidence: string): string {
  const list = LIST_EVIDENCE.exec(evidence);
  if (list) return list[1]!;
  return evidence.replace(/\s*\([^()]*\)/g, '').replace(/\d+/g, '#').trim();
}

/**
 * Answers of findingKey and of mergeEvidence with itself, by evidence: an
 * endpoint raises the same few evidence strings on exchange after exchange,
 * and each answer costs regular expressions (and a sort). Bounded; only
 * evidence (names, types, masked previews) is kept, as in the findings.
 */
const findingKeys = new Map<string, string>();
const selfMerges = new Map<string, string>();

/** Evidence of the form "what: a, b, c" lists types; the same finding's lists are united. */
const LIST_EVIDENCE = /^([^:()]+): ([\w-]+(?:, [\w-]+)*)$/;

export function mergeEvidence(older: string, newer: string): string {
  // the usual case: the finding raised again as it was
  return older === newer ? memo(selfMerges, older, mergeWithItself, 1000) : mergeLists(older, newer);
}

function mergeWithItself(evidence: string): string {
  return mergeLists(evidence, evidence);
}

function mergeLists(older: string, newer: string): string {
  const a = LIST_EVIDENCE.exec(older);
  const b = LIST_EVIDENCE.exec(newer);
  if (!a || !b || a[1] !== b[1]) return newer;
  return `${a[1]}: ${[...new Set([...a[2]!.split(', '), ...b[2]!.split(', ')])].sort().join(', ')}`;
}

/** The values of a declared template's parameters in a concrete path. */
function declaredParams(template: string, path: string): TemplateResult['params'] {
  const t = splitPath(template);
  const p = splitPath(path);
  const out: TemplateResult['params'] = [];
  t.forEach((seg, i) => {
    const m = /^\{([^}]+)\}$/.exec(seg);
    if (m && p[i] !== undefined) out.push({ name: m[1]!, value: p[i]!, kind: segmentKind(p[i]!) });
  });
  return out;
}

function cookieNames(header: string): string[] {
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (name && out.length < 50) out.push(name);
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
