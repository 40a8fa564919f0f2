import type { Body, Endpoint4, Exchange, ExchangeFlag, ExchangeSourceKind, HostAnomaly, HttpRequest, HttpResponse } from '@overhear/model';
import { decodeContent, knownCoding, type DecodeLimits } from './content-decoding.js';
import type { HttpMessage } from './http-stream.js';
import type { BodyCollector } from './body-collector.js';

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
  const req = tx.req;
  const target = req.target;
  let path: string;
  let query: Array<readonly [string, string]>;
  let authority: string | undefined;
  if (target.charCodeAt(0) === 47 && target.indexOf('#') < 0) {
    // origin form, the common case, split here (splitTarget reads every form, with an object per call)
    const q = target.indexOf('?');
    path = q < 0 ? target : target.slice(0, q);
    query = q < 0 ? [] : parseQuery(target, q + 1);
  } else ({ path, query, authority } = splitTarget(target, req.method));
  const hostHeader = req.host;
  // an absolute-form target's authority (a CONNECT's names where the tunnel goes instead)
  const absolute = req.method !== 'CONNECT' ? authority : undefined;
  let hostAnomaly: HostAnomaly | undefined;
  if (req.hostHeaders > 1) hostAnomaly = 'several-host-headers';
  else if (absolute !== undefined && hostHeader !== undefined && !sameHost(hostHeader, absolute)) hostAnomaly = 'host-differs-from-target';
  let flags: ExchangeFlag[] | null = null;
  const rb = finishBody(req, lim);
  if (req.body?.gap) flags = flag(flags, 'body-gap');
  if (unknownCoding(req, rb)) flags = flag(flags, 'decode-failed');
  if (req.interrupted || !tx.reqDone) flags = flag(flags, 'request-interrupted');
  // every request has one shape (what is absent is undefined): analysis reads each of them, on every exchange
  const request: HttpRequest = {
    method: req.method,
    // an absolute-form target's authority wins over Host (RFC 9112 §3.2.2: the server ignores Host then)
    host: normalizeHost(absolute ?? hostHeader ?? authority, conn.server.ip),
    path,
    query,
    httpVersion: req.version,
    headers: req.headers,
    body: rb,
    framing: req.framing ?? undefined,
    hostAnomaly,
  };
  const res = tx.resp;
  let response: HttpResponse | undefined;
  let sb: Body | undefined;
  let durationMs: number | undefined;
  if (res) {
    sb = finishBody(res, lim);
    if (res.body?.gap) flags = flag(flags, 'body-gap');
    if (unknownCoding(res, sb)) flags = flag(flags, 'decode-failed');
    if (res.interrupted || !tx.respDone) flags = flag(flags, 'response-interrupted');
    response = { status: res.status, statusText: res.statusText, httpVersion: res.version, headers: res.headers, body: sb };
    durationMs = Math.max(0, Math.round((res.endTs - req.startTs) * 1000) / 1000);
  }
  if (tx.upgrade) flags = flag(flags, 'upgrade');
  if (tx.connect) flags = flag(flags, 'connect');
  const coded = rb instanceof CodedBody ? (sb instanceof CodedBody ? [rb, sb] : [rb]) : sb instanceof CodedBody ? [sb] : null;
  return new CapturedExchange(conn, Math.round(req.startTs), request, response, durationMs, flags, coded);
}

/** The flags with `f` (once): the list is made with its first flag. */
function flag(flags: ExchangeFlag[] | null, f: ExchangeFlag): ExchangeFlag[] {
  if (flags === null) return [f];
  if (!flags.includes(f)) flags.push(f);
  return flags;
}

/**
 * An exchange read from a capture. All have one shape (what is absent is
 * undefined), and their flags are read through a getter: whether a
 * content-coded body's decoding was capped or failed is known only once it is
 * decoded, so reading the flags decodes it.
 */
class CapturedExchange implements Exchange {
  readonly source: ExchangeSourceKind;
  readonly scheme = 'http' as const;
  readonly client: Endpoint4;
  readonly server: Endpoint4;
  #flags: ExchangeFlag[] | null;
  /** Content-coded bodies not yet looked at by `flags`. */
  #coded: CodedBody[] | null;

  constructor(
    conn: ConnInfo,
    readonly startedAt: number,
    readonly request: HttpRequest,
    readonly response: HttpResponse | undefined,
    readonly durationMs: number | undefined,
    flags: ExchangeFlag[] | null,
    coded: CodedBody[] | null,
  ) {
    this.source = conn.source;
    this.client = conn.client;
    this.server = conn.server;
    this.#flags = flags;
    this.#coded = coded;
  }

  get flags(): ExchangeFlag[] | undefined {
    if (this.#coded !== null) {
      for (const b of this.#coded) {
        b.decode();
        if (b.failed) this.#flags = flag(this.#flags, 'decode-failed');
        if (b.capped) this.#flags = flag(this.#flags, 'decode-capped');
      }
      this.#coded = null;
    }
    return this.#flags ?? undefined;
  }

  toJSON(): Exchange {
    const { source, startedAt, scheme, client, server, request, response, durationMs, flags } = this;
    return { source, startedAt, scheme, client, server, request, response, durationMs, flags };
  }
}

/** The message's body, finished: the collector itself, or a decoder over it when it is content-coded. */
function finishBody(m: HttpMessage, lim: BodyLimits): Body | undefined {
  const c = m.body;
  if (!c) return undefined;
  if (c.length === 0) {
    c.discard();
    return undefined;
  }
  const codings = m.codings;
  if (codings !== null && codings.every(knownCoding)) {
    // every coded byte kept is handed to the decoder: what is cut is cut once decoded
    c.finish();
    return new CodedBody(c, codings, lim);
  }
  c.finish(lim.maxBodyBytes);
  return c;
}

/** The message's body was content-coded in a way this package cannot undo (kept as sent). */
function unknownCoding(m: HttpMessage, b: Body | undefined): boolean {
  return b !== undefined && m.codings !== null && !(b instanceof CodedBody);
}

function plainBody(bytes: Buffer, length: number, truncated: boolean, lim: BodyLimits): Body {
  const max = lim.maxBodyBytes;
  return { bytes: bytes.length > max ? bytes.subarray(0, max) : bytes, length, truncated: truncated || bytes.length > max || bytes.length < length };
}

/**
 * A content-coded body (gzip, deflate, br), decoded when first read, within
 * the caps. Most exchanges are only counted and never read their bodies
 * (sampling), so most are never inflated.
 */
class CodedBody implements Body {
  private done: Body | undefined;
  /** Known once decoded. */
  failed = false;
  capped = false;

  /** The coded bytes as sent, until decoded. */
  private raw: BodyCollector | undefined;
  /** Length as sent (Body.encodedLength), and whether the bytes kept of it were cut or interrupted by a gap. */
  readonly encodedLength: number;
  private readonly wireTruncated: boolean;
  private readonly gap: boolean;

  constructor(
    wire: BodyCollector,
    private readonly codings: readonly string[],
    private readonly lim: BodyLimits,
  ) {
    this.raw = wire;
    this.encodedLength = wire.length;
    this.wireTruncated = wire.truncated;
    this.gap = wire.gap;
  }

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
    const raw = this.raw!.raw();
    this.raw = undefined;
    const d = decodeContent(this.codings, raw, this.lim);
    if (d.failed) {
      this.failed = true;
      this.done = plainBody(raw, this.encodedLength, this.wireTruncated, this.lim);
    } else {
      this.capped = d.capped || (this.wireTruncated && !this.gap);
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
  return { path, query: q < 0 ? [] : parseQuery(t, q + 1), authority };
}

/**
 * The name–value pairs of a query string (from offset `from` of `qs`): split
 * at '&', each at its first '=', empty parts skipped, percent escapes and '+'
 * decoded. A '=' found beyond the part being read is kept for the parts
 * after it: searching again from each part ran on to the end of the string
 * for every part without one (quadratic on `?a&a&a…&=`).
 */
export function parseQuery(qs: string, from = 0): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const n = qs.length;
  // nothing escaped anywhere (the usual query): the parts are taken as they are
  const dec = qs.indexOf('%', from) < 0 && qs.indexOf('+', from) < 0 ? asIs : percentDecode;
  let p = from;
  // the first '=' at or after the part being read, or -1: none is left
  let eq = qs.indexOf('=', p);
  while (p < n) {
    let amp = qs.indexOf('&', p);
    if (amp < 0) amp = n;
    if (amp > p) {
      if (eq >= 0 && eq < p) eq = qs.indexOf('=', p);
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
