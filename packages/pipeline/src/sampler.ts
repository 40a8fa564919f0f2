import type { Exchange } from '@overhear/model';

/**
 * Decides which exchanges are analysed in full (parameters, body schemas,
 * sensitive data, findings) and which are only counted (hits, times, status
 * codes, auth schemes, servers). Every exchange is counted; what is analysed
 * is, per endpoint:
 * - the first `warmup` exchanges;
 * - the first `perSignature` exchanges of every new signature: status code,
 *   media types, query parameter names, request and response header names,
 *   response size class — so a new error shape, a new parameter or a new
 *   header is looked at even deep into a busy endpoint;
 * - one in `every` of the rest, so slow drift is still seen.
 * Deterministic (no randomness): the same input gives the same catalog.
 * Under overload (`shed`), only `budget` exchanges per endpoint per interval.
 */
export interface SamplingOptions {
  /** Exchanges per endpoint analysed in full before sampling starts (default 128). */
  warmup?: number;
  /** After warm-up, one exchange in `every` is analysed in full (default 256). */
  every?: number;
  /** Exchanges analysed in full per new signature (default 4). */
  perSignature?: number;
  /** Analyse every exchange in full, except under overload (`shed`): what `"sampling": false` means to the live pipeline. */
  all?: boolean;
}

interface EndpointState {
  seen: number;
  deepThisInterval: number;
  signatures: Map<number, number>;
}

const MAX_ENDPOINTS = 200_000;
const MAX_SIGNATURES = 64;

export class AnalysisSampler {
  private readonly warmup: number;
  private readonly every: number;
  private readonly perSignature: number;
  private readonly all: boolean;
  private readonly state = new Map<string, EndpointState>();
  /** Set while overloaded: exchanges analysed in full per endpoint per interval. */
  private budget: number | undefined;
  /** Exchanges counted without full analysis, since the start. */
  counted = 0;

  constructor(opts: SamplingOptions = {}) {
    this.warmup = Math.max(1, opts.warmup ?? 128);
    this.every = Math.max(1, opts.every ?? 256);
    this.perSignature = Math.max(0, opts.perSignature ?? 4);
    this.all = opts.all === true;
  }

  /** Whether the exchange filed under endpoint `key` is analysed in full. */
  full(key: string, ex: Exchange): boolean {
    let s = this.state.get(key);
    if (!s) {
      if (this.state.size >= MAX_ENDPOINTS) this.state.clear();
      this.state.set(key, (s = { seen: 0, deepThisInterval: 0, signatures: new Map() }));
    }
    s.seen++;
    let want: boolean;
    if (this.budget !== undefined) {
      want = s.deepThisInterval < this.budget;
    } else if (this.all) {
      want = true;
    } else {
      want = s.seen <= this.warmup || s.seen % this.every === 0;
      if (this.perSignature > 0) {
        const sig = signature(ex);
        const n = s.signatures.get(sig);
        const room = n !== undefined || s.signatures.size < MAX_SIGNATURES;
        if (room && (n ?? 0) < this.perSignature) want = true;
        if (want && room) s.signatures.set(sig, (n ?? 0) + 1);
      }
    }
    if (want) s.deepThisInterval++;
    else this.counted++;
    return want;
  }

  /** Overloaded: analyse at most `budget` exchanges per endpoint per interval (undefined: back to normal sampling). */
  shed(budget: number | undefined): void {
    this.budget = budget;
  }

  get shedding(): boolean {
    return this.budget !== undefined;
  }

  /** A new interval (live pipeline): the overload budgets start afresh. */
  newInterval(): void {
    for (const s of this.state.values()) s.deepThisInterval = 0;
  }

  /** Templates merged: what was sampled under the old keys no longer applies. */
  forget(keys: Iterable<string>): void {
    for (const k of keys) this.state.delete(k);
  }
}

/**
 * A 32-bit digest of what makes an exchange look different from its
 * endpoint's usual traffic, without parsing bodies: method, status, request
 * and response header names (order-independent), media types, query
 * parameter names, and the response body's size class (powers of two).
 * Names are digested by length and end characters only: this runs on every
 * exchange, and a new header or parameter nearly always changes that.
 */
export function signature(ex: Exchange): number {
  const req = ex.request;
  const res = ex.response;
  let h = mix(0x811c9dc5, nameCode(req.method));
  let names = 0;
  // indexed loops: this runs on every exchange
  const rh = req.headers;
  for (let i = 0; i < rh.length; i++) {
    const [name, value] = rh[i]!;
    names = (names + Math.imul(nameCode(name), 0x9e3779b1)) | 0;
    if (name === 'content-type') h = mix(h, mediaCode(value));
  }
  h = mix(h, names);
  const q = req.query;
  for (let i = 0; i < q.length; i++) h = mix(h, nameCode(q[i]![0]));
  if (res) {
    h = mix(h, res.status);
    names = 0;
    const sh = res.headers;
    for (let i = 0; i < sh.length; i++) {
      const [name, value] = sh[i]!;
      names = (names + Math.imul(nameCode(name), 0x9e3779b1)) | 0;
      if (name === 'content-type') h = mix(h, mediaCode(value));
    }
    h = mix(h, names);
    const b = res.body;
    // The size as sent: reading `length` would decode a compressed body that may never be analysed.
    const len = b ? (b.encodedLength ?? b.length) : 0;
    h = mix(h, len === 0 ? 0 : 32 - Math.clz32(len));
  } else h = mix(h, -1);
  return h >>> 0;
}

function nameCode(s: string): number {
  const n = s.length;
  return n === 0 ? 0 : (n << 16) ^ (s.charCodeAt(0) << 8) ^ s.charCodeAt(n - 1) ^ (s.charCodeAt(n >> 1) << 24);
}

/** The media type without parameters (a multipart boundary differs on every request). */
function mediaCode(v: string): number {
  const semi = v.indexOf(';');
  const n = semi < 0 ? v.length : semi;
  return n === 0 ? 0 : (n << 16) ^ (v.charCodeAt(0) << 8) ^ v.charCodeAt(n - 1) ^ (v.charCodeAt(n >> 1) << 24);
}

function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193);
}
