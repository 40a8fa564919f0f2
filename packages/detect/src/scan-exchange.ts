/**
 * Walks one Exchange and reports where sensitive values are, never the values:
 * path segments, query parameters, headers, cookies, and JSON, form and text
 * bodies. Caps keep detection from dominating ingest: bytes of body read,
 * JSON depth, and values looked at per exchange.
 */
import type { Exchange, Header, SensitiveLocation, SensitiveMatch } from '@overhear/model';
import { mediaType } from '@overhear/model';
import type { CountryCode } from 'libphonenumber-js/max';
import { classifyValue, type ClassifyContext } from './classify.js';
import { parseAuthorization } from './classifiers/authorization.js';
import { classifyKey } from './classifiers/cloud-keys.js';
import { isIpAddress } from './classifiers/ip.js';
import { isLatLonPair } from './classifiers/geolocation.js';
import { compileCustomType, type CustomType, type CustomTypeConfig } from './classifiers/custom.js';
import { findInText } from './scan-text.js';
import { isJwt } from './jwt.js';
import { nameHint } from './names.js';
import type { Redactor } from './redact.js';

export interface ScanOptions {
  redactor: Redactor;
  /** Bytes of each body looked at. Default 256 KiB. */
  maxBodyBytes?: number;
  /** JSON nesting followed. Default 32. */
  maxDepth?: number;
  /** Values (parameters, headers, cookies, JSON leaves) classified per exchange. Default 4096. */
  maxValues?: number;
  /** Distinct matches reported per exchange. Default 256. */
  maxMatches?: number;
  /** Regions tried for national-format phone numbers under phone-like names. */
  phoneRegions?: readonly CountryCode[];
  customTypes?: readonly CustomTypeConfig[];
}

export const DEFAULT_SCAN_LIMITS = { maxBodyBytes: 256 * 1024, maxDepth: 32, maxValues: 4096, maxMatches: 256 } as const;

/** JSON bodies the caller already parsed (`{ value }`), so they are not parsed twice. */
export interface ParsedBodies {
  request?: { value: unknown } | undefined;
  response?: { value: unknown } | undefined;
}

export type ExchangeScanner = (ex: Exchange, parsed?: ParsedBodies) => SensitiveMatch[];
/** A scanner whose matches make their preview and keyed hash only when read (see LazyMatch). */
export type LazyExchangeScanner = (ex: Exchange, parsed?: ParsedBodies) => LazyMatch[];

/**
 * A match whose masked preview and keyed hash are made when first read. Most
 * matches of an analysed exchange repeat one its endpoint already recorded
 * (same place, same type) and are only counted: an HMAC and a mask for each
 * would be wasted. The raw value stays in a private field (never enumerated,
 * spread or serialised) and is dropped once both are made; keep `redacted()`,
 * never the match itself.
 */
export class LazyMatch implements SensitiveMatch {
  #value: string | undefined;
  #preview: string | undefined;
  #hash: string | undefined;
  readonly #redactor: Redactor;

  constructor(
    readonly type: string,
    readonly location: SensitiveLocation,
    readonly name: string,
    value: string,
    redactor: Redactor,
  ) {
    this.#value = value;
    this.#redactor = redactor;
  }

  get preview(): string {
    if (this.#preview === undefined) {
      this.#preview = this.#redactor.preview(this.type, this.#value!);
      if (this.#hash !== undefined) this.#value = undefined;
    }
    return this.#preview;
  }

  get hash(): string {
    if (this.#hash === undefined) {
      this.#hash = this.#redactor.hash(this.#value!);
      if (this.#preview !== undefined) this.#value = undefined;
    }
    return this.#hash;
  }

  /** A plain copy, safe to keep. */
  redacted(): SensitiveMatch {
    return { type: this.type, location: this.location, name: this.name, preview: this.preview, hash: this.hash };
  }
}

/** Headers that never carry personal data or credentials; skipped without a look. */
const boringHeaders = new Set([
  'accept', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'cache-control', 'connection', 'content-encoding', 'content-language',
  'content-length', 'content-type', 'date', 'etag', 'expires', 'host', 'if-modified-since', 'if-none-match', 'keep-alive', 'last-modified',
  'pragma', 'range', 'content-range', 'server', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'x-content-type-options',
  'x-frame-options', 'x-xss-protection', 'strict-transport-security', 'content-security-policy', 'referrer-policy', 'permissions-policy',
  'access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-allow-credentials',
  'access-control-max-age', 'access-control-expose-headers', 'access-control-request-method', 'access-control-request-headers', 'origin',
  'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-user', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'te', 'trailer',
  'x-request-id', 'x-correlation-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-amzn-trace-id', 'x-powered-by',
  'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after', 'location', 'link', 'content-disposition', 'alt-svc',
  'upgrade-insecure-requests', 'dnt', 'priority', 'x-requested-with', 'timing-allow-origin', 'cross-origin-opener-policy',
  'cross-origin-embedder-policy', 'cross-origin-resource-policy', 'nel', 'report-to', 'server-timing', 'x-cache', 'cf-ray', 'cf-cache-status',
]);
const ipHeaders = new Set(['x-forwarded-for', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip', 'x-cluster-client-ip', 'forwarded', 'x-original-forwarded-for']);

const textDecoder = new TextDecoder('utf-8', { fatal: false });
const simpleKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function createScanner(opts: ScanOptions): ExchangeScanner {
  const scan = createLazyScanner(opts);
  return (ex, parsed) => scan(ex, parsed).map((m) => m.redacted());
}

/** As createScanner, with matches redacted only when read (for callers that keep few of them). */
export function createLazyScanner(opts: ScanOptions): LazyExchangeScanner {
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_SCAN_LIMITS.maxBodyBytes;
  const maxDepth = opts.maxDepth ?? DEFAULT_SCAN_LIMITS.maxDepth;
  const maxValues = opts.maxValues ?? DEFAULT_SCAN_LIMITS.maxValues;
  const maxMatches = opts.maxMatches ?? DEFAULT_SCAN_LIMITS.maxMatches;
  const custom: CustomType[] | undefined = opts.customTypes?.length ? opts.customTypes.map(compileCustomType) : undefined;
  const redactor = opts.redactor;
  const baseCtx: ClassifyContext = { ...(opts.phoneRegions && { phoneRegions: opts.phoneRegions }), ...(custom && { custom }) };

  return function scan(ex: Exchange, parsed?: ParsedBodies): LazyMatch[] {
    const out: LazyMatch[] = [];
    const seen = new Set<string>();
    let values = 0;

    const emit = (location: SensitiveLocation, name: string, type: string, value: string) => {
      if (out.length >= maxMatches) return;
      const key = `${location}\u0000${name}\u0000${type}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(new LazyMatch(type, location, name, value, redactor));
    };
    const check = (location: SensitiveLocation, name: string, value: string, ctx: ClassifyContext) => {
      if (values >= maxValues) return;
      values++;
      const type = classifyValue(value, ctx);
      if (type) emit(location, name, type, value);
    };
    // One mutable context, refilled per value: classifyValue keeps no reference to it.
    const ctx: ClassifyContext = { ...baseCtx };
    const ctxFor = (name: string, parent?: string): ClassifyContext => {
      ctx.name = name;
      ctx.parent = parent;
      ctx.fromNumber = false;
      return ctx;
    };

    // Path segments, percent-decoded; matrix parameters (";jsessionid=…") by their names.
    const segs = ex.request.path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.length < 6 && seg.indexOf(';') < 0) continue;
      const parts = seg.split(';');
      const head = decode(parts[0]!);
      if (head.length >= 6) check('path', `segment[${i - 1}]`, head, baseCtx);
      for (let j = 1; j < parts.length; j++) {
        const eq = parts[j]!.indexOf('=');
        if (eq > 0) check('path', parts[j]!.slice(0, eq), decode(parts[j]!.slice(eq + 1)), ctxFor(parts[j]!.slice(0, eq)));
      }
    }
    for (const [k, v] of ex.request.query) check('query', k, v, ctxFor(k));

    scanHeaders(ex.request.headers, 'request.header', 'request.cookie');
    if (ex.response) scanHeaders(ex.response.headers, 'response.header', 'response.cookie');

    if (parsed?.request) walk(parsed.request.value, '$', undefined, undefined, 0, 'request.body');
    else if (ex.request.body) scanBody(ex.request.body.bytes, ex.request.headers, 'request.body');
    if (parsed?.response) walk(parsed.response.value, '$', undefined, undefined, 0, 'response.body');
    else if (ex.response?.body) scanBody(ex.response.body.bytes, ex.response.headers, 'response.body');
    return out;

    function scanHeaders(headers: readonly Header[], loc: SensitiveLocation, cookieLoc: SensitiveLocation) {
      for (const [name, value] of headers) {
        if (boringHeaders.has(name) || value.length === 0) continue;
        if (name === 'cookie') {
          for (const part of value.split(';')) cookie(part, cookieLoc);
        } else if (name === 'set-cookie') {
          cookie(value.split(';', 1)[0]!, cookieLoc);
        } else if (name === 'authorization' || name === 'proxy-authorization') {
          values++;
          const a = parseAuthorization(value);
          if (!a) continue;
          emit(loc, name, a.type, value);
          if (a.type === 'bearer-token') {
            const inner = isJwt(a.token) ? 'jwt' : classifyKey(a.token);
            if (inner) emit(loc, name, inner, a.token);
          }
        } else if (ipHeaders.has(name)) {
          for (let part of value.split(',')) {
            part = part.trim();
            if (name === 'forwarded') {
              const m = /for="?\[?([^\]";,]+)/i.exec(part);
              if (!m) continue;
              part = m[1]!;
            }
            values++;
            const ip = stripPort(part);
            if (isIpAddress(ip)) emit(loc, name, 'ip-address', ip);
          }
        } else check(loc, name, value, ctxFor(name));
      }
    }

    function cookie(pair: string, loc: SensitiveLocation) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return;
      const name = pair.slice(0, eq).trim();
      let value = pair.slice(eq + 1).trim();
      if (value.length > 1 && value[0] === '"' && value[value.length - 1] === '"') value = value.slice(1, -1);
      if (!value) return;
      const decoded = value.indexOf('%') >= 0 ? decode(value) : value;
      // Session cookie names are evidence on their own; long random values under any cookie name are treated as session tokens.
      const ctx = ctxFor(name);
      if (values >= maxValues) return;
      values++;
      let type = classifyValue(decoded, ctx);
      if (!type && nameHint(name) === undefined && decoded.length >= 20) type = classifyValue(decoded, ctxFor('session'));
      if (type) emit(loc, name, type, decoded);
    }

    function scanBody(bytes: Uint8Array, headers: readonly Header[], loc: SensitiveLocation) {
      if (bytes.length === 0) return;
      const mt = mediaType(headers) ?? '';
      if (mt && !textual(mt)) return;
      const cut = bytes.length > maxBodyBytes ? bytes.subarray(0, maxBodyBytes) : bytes;
      const text = textDecoder.decode(cut);
      const first = firstNonSpace(text);
      if (mt === 'application/x-www-form-urlencoded' || (!mt && /^[\w.%-]+=[^\s]*(&[\w.%-]+=[^\s]*)*$/.test(text.slice(0, 200)) && first !== '{')) {
        for (const [k, v] of new URLSearchParams(text)) check(loc, k, v, ctxFor(k));
        return;
      }
      if (first === '{' || first === '[') {
        let doc: unknown;
        let parsed = false;
        if (cut.length === bytes.length) {
          try {
            doc = JSON.parse(text);
            parsed = true;
          } catch {
            /* cut or malformed JSON: fall through to the text scan */
          }
        }
        if (parsed) {
          walk(doc, '$', undefined, undefined, 0, loc);
          return;
        }
      }
      if (!mt && !looksText(text)) return;
      for (const m of findInText(text, { ...baseCtx, maxMatches: maxMatches - out.length })) {
        if (values >= maxValues) break;
        values++;
        emit(loc, m.name !== undefined ? `$..${m.name}` : '(text)', m.type, text.slice(m.start, m.end));
      }
    }

    function walk(v: unknown, path: string, key: string | undefined, parent: string | undefined, depth: number, loc: SensitiveLocation): void {
      if (values >= maxValues) return;
      if (typeof v === 'string') {
        if (v.length !== 0) check(loc, path, v, key === undefined ? baseCtx : ctxFor(key, parent));
        return;
      }
      if (typeof v === 'number') {
        number(v, path, key, parent, loc);
        return;
      }
      if (v === null || typeof v !== 'object' || depth >= maxDepth) return;
      if (Array.isArray(v)) {
        if (key !== undefined && v.length === 2 && typeof v[0] === 'number' && nameHint(key) === 'geo' && isLatLonPair(v[1], v[0])) {
          values++;
          emit(loc, path, 'geolocation', `${v[1]},${v[0]}`);
          return;
        }
        const p = `${path}[*]`;
        for (const item of v) {
          if (values >= maxValues) return;
          walk(item, p, key, parent, depth + 1, loc);
        }
        return;
      }
      let lat: unknown;
      let lon: unknown;
      const obj = v as Record<string, unknown>;
      for (const k in obj) {
        const child = obj[k];
        const t = typeof child;
        if (t === 'string') {
          const s = child as string;
          // Strings shorter than 3 characters are never sensitive (passwords start at 3): skip without building a path.
          if (s.length < 3) continue;
          const h = nameHint(k);
          if (h === 'lat') lat = s;
          else if (h === 'lon') lon = s;
          else if (values < maxValues) {
            values++;
            const type = classifyValue(s, ctxFor(k, key));
            if (type) emit(loc, path + segment(k), type, s);
          }
        } else if (t === 'number') {
          const h = nameHint(k);
          if (h === 'lat') lat = child;
          else if (h === 'lon') lon = child;
          else if (h !== undefined || (child as number) >= 1e11) number(child as number, path + segment(k), k, key, loc);
        } else if (t === 'object' && child !== null) walk(child, path + segment(k), k, key, depth + 1, loc);
      }
      if (lat !== undefined && lon !== undefined && isLatLonPair(lat, lon)) {
        values++;
        emit(loc, path, 'geolocation', `${lat},${lon}`);
      }
    }

    function number(v: number, path: string, key: string | undefined, parent: string | undefined, loc: SensitiveLocation) {
      // Numbers are sensitive only as card numbers, or under a telling name (phone, ssn, dob, pin).
      if (!Number.isSafeInteger(v) || v < 0) return;
      if (v < 1e11 && (key === undefined || nameHint(key) === undefined)) return;
      if (values >= maxValues) return;
      values++;
      const c = ctxFor(key ?? '', parent);
      c.fromNumber = true;
      const s = String(v);
      const type = classifyValue(s, c);
      if (type) emit(loc, path, type, s);
    }
  };
}

const segments = new Map<string, string>();

/** ".key", or "['odd key']" for keys that are not identifiers. */
function segment(k: string): string {
  let s = segments.get(k);
  if (s === undefined) {
    s = simpleKey.test(k) ? `.${k}` : `['${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    if (segments.size >= 20000) segments.clear();
    segments.set(k, s);
  }
  return s;
}

const scanners = new WeakMap<ScanOptions, ExchangeScanner>();

/** Scans one exchange. The compiled scanner is cached per options object: pass the same object each time. */
export function scanExchange(ex: Exchange, opts: ScanOptions): SensitiveMatch[] {
  let s = scanners.get(opts);
  if (!s) {
    s = createScanner(opts);
    scanners.set(opts, s);
  }
  return s(ex);
}

function decode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function stripPort(s: string): string {
  if (s.startsWith('[')) return s.slice(1, s.indexOf(']') > 0 ? s.indexOf(']') : undefined);
  const colon = s.indexOf(':');
  return colon > 0 && s.indexOf(':', colon + 1) < 0 ? s.slice(0, colon) : s;
}

function textual(mt: string): boolean {
  return (
    mt.startsWith('text/') ||
    mt.endsWith('json') ||
    mt.endsWith('+json') ||
    mt.endsWith('xml') ||
    mt === 'application/x-www-form-urlencoded' ||
    mt === 'application/javascript' ||
    mt === 'application/graphql' ||
    mt === 'application/x-ndjson'
  );
}

function firstNonSpace(s: string): string {
  for (let i = 0; i < s.length && i < 64; i++) {
    const c = s[i]!;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\ufeff') return c;
  }
  return '';
}

function looksText(s: string): boolean {
  const n = Math.min(s.length, 512);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad <= n / 50;
}
