import type { Body, Endpoint4, Exchange, ExchangeFlag, ExchangeSourceKind, HttpRequest, HttpResponse } from '@overhear/model';
import { headerValue } from '@overhear/model';
import { decodeContent, knownCoding, type DecodeLimits } from './content-decoding.js';
import type { HttpMessage } from './http-stream.js';

export interface ConnInfo {
  source: ExchangeSourceKind;
  client: Endpoint4;
  server: Endpoint4;
}

export interface BodyLimits extends DecodeLimits {
  maxBodyBytes: number;
}

/** A request and, once seen, its response. */
export interface Tx {
  req: HttpMessage;
  reqDone: boolean;
  resp: HttpMessage | null;
  respDone: boolean;
  upgrade: boolean;
  connect: boolean;
}

export function toExchange(tx: Tx, conn: ConnInfo, lim: BodyLimits): Exchange {
  const flags: ExchangeFlag[] = [];
  const req = tx.req;
  const { path, query, authority } = splitTarget(req.target, req.method);
  const hostHeader = headerValue(req.headers, 'host');
  const absolute = req.method !== 'CONNECT' && authority !== undefined;
  const request: HttpRequest = {
    method: req.method,
    // an absolute-form target's authority wins over Host (RFC 9112 §3.2.2: the server ignores Host then)
    host: normalizeHost(absolute ? authority : (hostHeader ?? authority), conn.server.ip),
    path,
    query,
    httpVersion: req.version,
    headers: req.headers,
  };
  const rb = finishBody(req, lim, flags);
  if (rb) request.body = rb;
  if (req.framing !== null) request.framing = req.framing;
  if (req.hostHeaders > 1) request.hostAnomaly = 'several-host-headers';
  else if (absolute && hostHeader !== undefined && !sameHost(hostHeader, authority)) request.hostAnomaly = 'host-differs-from-target';
  if (req.interrupted || !tx.reqDone) flags.push('request-interrupted');
  const ex: Exchange = {
    source: conn.source,
    startedAt: Math.round(req.startTs),
    scheme: 'http',
    client: conn.client,
    server: conn.server,
    request,
  };
  const res = tx.resp;
  let sb: Body | undefined;
  if (res) {
    const response: HttpResponse = {
      status: res.status,
      statusText: res.statusText,
      httpVersion: res.version,
      headers: res.headers,
    };
    sb = finishBody(res, lim, flags);
    if (sb) response.body = sb;
    if (res.interrupted || !tx.respDone) flags.push('response-interrupted');
    ex.response = response;
    ex.durationMs = Math.max(0, Math.round((res.endTs - req.startTs) * 1000) / 1000);
  }
  if (tx.upgrade) flags.push('upgrade');
  if (tx.connect) flags.push('connect');
  if (rb instanceof CodedBody || sb instanceof CodedBody) {
    const coded = [rb, sb].filter((b): b is CodedBody => b instanceof CodedBody);
    // Whether decoding was capped or failed is known once decoded: reading the flags decodes.
    Object.defineProperty(ex, 'flags', {
      enumerable: true,
      get: () => {
        for (const b of coded) b.decode();
        return flags.length ? flags : undefined;
      },
    });
  } else if (flags.length) ex.flags = flags;
  return ex;
}

function finishBody(m: HttpMessage, lim: BodyLimits, flags: ExchangeFlag[]): Body | undefined {
  const c = m.body;
  if (!c) return undefined;
  const bytes = c.take();
  if (c.gap && !flags.includes('body-gap')) flags.push('body-gap');
  if (c.length === 0) return undefined;
  const codings = m.codings;
  if (codings) {
    if (codings.every(knownCoding)) return new CodedBody(bytes, codings, c.length, c.truncated, c.gap, lim, flags);
    if (!flags.includes('decode-failed')) flags.push('decode-failed');
  }
  return plainBody(bytes, c.length, c.truncated, lim);
}

function plainBody(bytes: Buffer, length: number, truncated: boolean, lim: BodyLimits): Body {
  if (bytes.length > lim.maxBodyBytes) {
    bytes = bytes.subarray(0, lim.maxBodyBytes);
    truncated = true;
  }
  if (bytes.length < length) truncated = true;
  return { bytes, length, truncated };
}

/**
 * A content-coded body (gzip, deflate, br), decoded when first read, within
 * the caps. Most exchanges are only counted and never read their bodies
 * (sampling), so most are never inflated. Reading the exchange's flags
 * decodes it (they say whether decoding was capped or failed).
 */
class CodedBody implements Body {
  private done: Body | undefined;

  constructor(
    private raw: Buffer | undefined,
    private readonly codings: readonly string[],
    private readonly wireLength: number,
    private readonly wireTruncated: boolean,
    private readonly gap: boolean,
    private readonly lim: BodyLimits,
    private readonly flags: ExchangeFlag[],
  ) {
    this.encodedLength = wireLength;
  }

  readonly encodedLength: number;

  get bytes(): Uint8Array {
    return this.decode().bytes;
  }

  get length(): number {
    return this.decode().length;
  }

  get truncated(): boolean {
    return this.decode().truncated;
  }

  toJSON(): Body {
    return this.decode();
  }

  decode(): Body {
    if (this.done) return this.done;
    const raw = this.raw!;
    this.raw = undefined;
    const d = decodeContent(this.codings, raw, this.lim);
    const flags = this.flags;
    if (d.failed) {
      if (!flags.includes('decode-failed')) flags.push('decode-failed');
      this.done = plainBody(raw, this.wireLength, this.wireTruncated, this.lim);
    } else {
      if ((d.capped || (this.wireTruncated && !this.gap)) && !flags.includes('decode-capped')) flags.push('decode-capped');
      this.done = plainBody(d.out, d.length, this.wireTruncated || d.capped, this.lim);
    }
    return this.done;
  }
}

/** The last Host value normalised, and the result: consecutive requests nearly always name the same host, and one string object for it makes every later lookup of it cheaper. */
let lastRawHost = '';
let lastHost = '';

/** Host header lower-cased without the default port; the server address when absent. */
export function normalizeHost(h: string | undefined, fallback: string): string {
  if (h === undefined) return fallback;
  if (h === lastRawHost) return lastHost || fallback;
  lastRawHost = h;
  lastHost = hostOf(h);
  return lastHost || fallback;
}

function hostOf(h: string): string {
  let x = h.toLowerCase();
  if (x.endsWith(':80')) x = x.slice(0, -3);
  if (x.endsWith('.')) x = x.slice(0, -1);
  return x;
}

/** Two host names the same but for case, a trailing dot or a default port (80, 443). */
function sameHost(a: string, b: string): boolean {
  const bare = (h: string): string => hostOf(h).replace(/:443$/, '');
  return bare(a) === bare(b);
}

const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

export function splitTarget(
  target: string,
  method: string,
): { path: string; query: Array<readonly [string, string]>; authority: string | undefined } {
  let t = target;
  let authority: string | undefined;
  if (t.charCodeAt(0) === 47 && t.indexOf('#') < 0) {
    // origin form, the common case
    const q = t.indexOf('?');
    return q < 0 ? { path: t, query: [], authority } : { path: t.slice(0, q), query: parseQuery(t.slice(q + 1)), authority };
  }
  if (method === 'CONNECT') {
    // authority form: where the tunnel goes (the first word; a sloppy client may send more)
    const sp = t.search(/[ \t]/);
    return { path: '/', query: [], authority: (sp < 0 ? t : t.slice(0, sp)) || undefined };
  }
  if (ABSOLUTE.test(t)) {
    const a = t.indexOf('//') + 2;
    let s = t.length;
    for (const ch of ['/', '?', '#']) {
      const i = t.indexOf(ch, a);
      if (i >= 0 && i < s) s = i;
    }
    authority = t.slice(a, s).replace(/^[^@]*@/, '') || undefined;
    t = t.slice(s);
  }
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  let path = q < 0 ? t : t.slice(0, q);
  if (path === '') path = '/';
  else if (path !== '*' && path.charCodeAt(0) !== 47) path = '/' + path;
  return { path, query: q < 0 ? [] : parseQuery(t.slice(q + 1)), authority };
}

export function parseQuery(qs: string): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const n = qs.length;
  // nothing escaped anywhere (the usual query): the parts are taken as they are
  const dec = qs.indexOf('%') < 0 && qs.indexOf('+') < 0 ? asIs : percentDecode;
  let p = 0;
  while (p < n) {
    let amp = qs.indexOf('&', p);
    if (amp < 0) amp = n;
    if (amp > p) {
      const eq = qs.indexOf('=', p);
      if (eq < 0 || eq > amp) out.push([dec(qs.slice(p, amp)), '']);
      else out.push([dec(qs.slice(p, eq)), dec(qs.slice(eq + 1, amp))]);
    }
    p = amp + 1;
  }
  return out;
}

const asIs = (s: string): string => s;

const HEX = /^[0-9a-fA-F]{2}$/;

export function percentDecode(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // malformed escapes stay as written; valid ones become bytes, read as UTF-8
    const bytes: number[] = [];
    for (let i = 0; i < plus.length; i++) {
      const c = plus.charCodeAt(i);
      if (c === 37 && HEX.test(plus.slice(i + 1, i + 3))) {
        bytes.push(parseInt(plus.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (c < 128) bytes.push(c);
      else for (const b of Buffer.from(plus[i]!, 'utf8')) bytes.push(b);
    }
    return Buffer.from(bytes).toString('utf8');
  }
}
