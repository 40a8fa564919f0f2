import type { FramingAnomaly, Header } from '@overhear/model';
import { BodyCollector } from './body-collector.js';
import { requestLine, statusLine } from './start-line.js';
import type { Budget } from './budget.js';
import type { BodyFile } from './file-bytes.js';

export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;
export const BODY_EOF = 3;
/** The request's length cannot be known (RFC 9112 §6.3): no body, and parsing starts again at the next request line. */
export const BODY_UNKNOWN = 4;

export class HttpMessage {
  method = '';
  target = '';
  version = '';
  status = 0;
  statusText = '';
  headers: Header[] = [];
  endTs: number;
  /** -1 when absent or unusable. */
  contentLength = -1;
  /** CL_* below: what the Content-Length headers said, all of them taken together. */
  clState = CL_NONE;
  /** A Transfer-Encoding header was sent (even one naming only identity). */
  transferEncoding = false;
  /** Set by the owner on a request whose length was stated ambiguously. */
  framing: FramingAnomaly | null = null;
  /** A Content-Length or Transfer-Encoding header in a form servers disagree on: white space before its colon, folded, or naming identity. */
  framingObfuscated = false;
  /** Host headers seen, and the first one's value. */
  hostHeaders = 0;
  host: string | undefined = undefined;
  chunked = false;
  /** Content and transfer codings other than chunked/identity, in the order applied (content codings first: the sender applies them to the entity before transfer codings). */
  codings: string[] | null = null;
  /** Transfer codings other than chunked, until the head ends (then appended to `codings`). */
  transferCodings: string[] | null = null;
  body: BodyCollector | null = null;
  interrupted = false;
  /** Set by the owner: the transaction a response answers (null: none). */
  tx: unknown = null;
  /** What the owner charged the budget's message account for this message (see `messageCost`), until it lets it go. */
  cost = 0;
  /** Characters of the head it was parsed from. */
  headLength = 0;

  constructor(
    readonly isRequest: boolean,
    readonly startTs: number,
  ) {
    this.endTs = startTs;
  }
}

const CL_NONE = 0;
const CL_VALID = 1;
const CL_INVALID = 2;
const CL_CONFLICT = 3;

/**
 * Bytes of text the fast path makes one string of for the heads in them
 * (fast-path.ts `headText`): a message's strings keep at most this much text,
 * or its head when longer, alive.
 */
export const HEAD_TEXT_WINDOW = 1024;

/**
 * A rough count of the memory a parsed message holds: the text its strings
 * keep alive (its head's, or the head-text window it was sliced from, the
 * larger: the same for both engines, so they evict alike), and objects per
 * header.
 */
export function messageCost(m: HttpMessage): number {
  return 256 + (m.headLength > HEAD_TEXT_WINDOW ? m.headLength : HEAD_TEXT_WINDOW) + 96 * m.headers.length;
}

/** Why a request head's length is ambiguous (RFC 9112 §6), or null: what the parser saw, not a judgement of risk. */
export function framingAnomaly(m: HttpMessage): FramingAnomaly | null {
  if (m.transferEncoding) {
    if (m.version === '1.0') return 'transfer-encoding-in-http-1.0';
    if (!m.chunked) return 'transfer-encoding-not-chunked';
    if (m.clState !== CL_NONE) return 'content-length-and-transfer-encoding';
    return m.framingObfuscated ? 'obfuscated-framing-header' : null;
  }
  if (m.clState === CL_INVALID) return 'invalid-content-length';
  if (m.clState === CL_CONFLICT) return 'conflicting-content-length';
  return m.framingObfuscated ? 'obfuscated-framing-header' : null;
}

function isFramingName(name: string): boolean {
  return name === 'content-length' || name === 'transfer-encoding';
}

/** Whether the anomaly leaves the request's length unknown (no server can read on safely), rather than decided by precedence. */
export function lengthUnknown(a: FramingAnomaly): boolean {
  return a === 'transfer-encoding-not-chunked' || a === 'invalid-content-length' || a === 'conflicting-content-length';
}

export interface HttpStreamOwner {
  /** The head of a message is parsed: returns its body framing (BODY_*). */
  head(isRequest: boolean, msg: HttpMessage): number;
  /** A message is over (complete, or interrupted by a gap or the end of the stream). */
  message(isRequest: boolean, msg: HttpMessage): void;
  /** The oldest unanswered request was HTTP/0.9 (its response has no head). */
  expectsHttp09(): boolean;
  /** Something was given up (a reason for `stats.skipped`). */
  count(reason: string): void;
}

export interface HttpStreamLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
  maxEncodedBytes: number;
}

export const START = 0;
const HEAD = 1;
export const BODY_LEN = 2;
export const CHUNK_SIZE = 3;
export const CHUNK_DATA = 4;
export const CHUNK_END = 5;
export const TRAILERS = 6;
const BODY_CLOSE = 7;
const PASSTHRU = 8;
const SYNC = 9;

/** "HTTP" in any case at the start. */
function startsWithHttp(w: string): boolean {
  return (w.charCodeAt(0) | 0x20) === 104 && (w.charCodeAt(1) | 0x20) === 116 && (w.charCodeAt(2) | 0x20) === 116 && (w.charCodeAt(3) | 0x20) === 112;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');
const LF_LF = Buffer.from('\n\n', 'latin1');
const LF_CRLF = Buffer.from('\n\r\n', 'latin1');
const HTTP_SLASH = Buffer.from('HTTP/', 'latin1');
const MAX_LINE = 8192;

// Where parsing picks up again (after a gap, garbage, or a request of unknown length) the method must look
// like one (upper case), or a body's "hello" running into "GET /x HTTP/1.1" would be taken for a method.
const REQUEST_START = /(?:^|\n)[A-Z][A-Z0-9_-]{0,19} +[^\s]+ +HTTP\/[0-9]\.[0-9]\r?\n/;
const RESPONSE_START = /(?:^|\n)HTTP\/[0-9]\.[0-9] +[0-9]{3}/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Offset just past the blank line ending a head that starts at `from`, or -1
 * if it is not before `end`. Lines may end in CRLF or a bare LF (a bare-LF
 * blank line before a CRLF one is found later, on the head text).
 */
function headEnd(v: Buffer, from: number, end: number): number {
  // search a bounded view so a missing blank line does not scan the rest of the input chunk
  const w = end === v.length ? v : v.subarray(0, end);
  const a = w.indexOf(CRLF_CRLF, from);
  if (a >= 0) return a + 4;
  const b = w.indexOf(LF_LF, from);
  const c = w.indexOf(LF_CRLF, from);
  if (b < 0) return c < 0 ? -1 : c + 3;
  if (c < 0) return b + 2;
  return b + 2 < c + 3 ? b + 2 : c + 3;
}

/** Buffer's own Latin-1 decoder, skipping `toString`'s argument and encoding handling (hot path). */
const latin1: (b: Buffer, s: number, e: number) => string =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (b, s, e) => (b as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(s, e)
    : (b, s, e) => b.toString('latin1', s, e);

/** True when a Latin-1 decoded string has a byte above 0x7f (its UTF-8 form is longer; a fast native count). */
function nonAscii(t: string): boolean {
  return Buffer.byteLength(t, 'utf8') !== t.length;
}

/** Head text: ASCII as is; UTF-8 when it decodes; else Latin-1 (bytes kept one to one). */
function text(v: Buffer, s: number, e: number): string {
  const t = latin1(v, s, e);
  if (!nonAscii(t)) return t;
  try {
    return utf8.decode(v.subarray(s, e));
  } catch {
    return t;
  }
}

/**
 * Parses one direction of an HTTP/1.x connection, hand-written for speed and
 * leniency (see README): it reads packet bytes in place (start/end offsets, no
 * copies), finds line ends with Buffer.indexOf, and resynchronises on the next
 * start line after a capture gap or garbage.
 */
export class HttpStream {
  private state: number;
  private msg: HttpMessage | null = null;
  private remaining = 0;
  private hdr: Buffer | null = null;
  private hdrLen = 0;
  private line = '';
  /** Set once the connection switched protocol; everything after is ignored. */
  passthru = false;
  /** Bytes decoded ahead to find a head as text; grows with the heads seen. */
  private window = 1024;

  constructor(
    readonly isRequest: boolean,
    synced: boolean,
    private readonly owner: HttpStreamOwner,
    private readonly lim: HttpStreamLimits,
    private readonly budget: Budget,
  ) {
    this.state = synced ? START : SYNC;
  }

  /** A message head has begun and not ended. */
  get inHead(): boolean {
    return this.state === HEAD;
  }

  /** Between messages, holding nothing: where the fast path may take over (see fast-path.ts). */
  get atStart(): boolean {
    return this.state === START && this.msg === null && this.hdr === null && this.line === '' && !this.passthru;
  }

  /**
   * A head the fast path read whole, as `push` would have parsed it from START.
   * Returns the state after it: BODY_LEN, CHUNK_SIZE, or START when the message
   * had no body and is already complete.
   */
  fastHead(m: HttpMessage, ts: number): number {
    this.msg = m;
    this.state = HEAD;
    this.startBody(this.owner.head(this.isRequest, m), ts);
    if (this.msg !== null && this.state !== HEAD) this.msg.endTs = ts;
    return this.state;
  }

  /** Body bytes v[start, end) of the message the fast path framed (`fastHead`). */
  fastBody(v: Buffer, start: number, end: number, ts: number): void {
    const m = this.msg!;
    m.body!.add(v, start, end);
    m.endTs = ts;
  }

  /** Body bytes [start, end) of `file` (see `fastBody`), left in the file. */
  fastBodyFile(file: BodyFile, start: number, end: number, ts: number): void {
    const m = this.msg!;
    m.body!.addFile(file, start, end);
    m.endTs = ts;
  }

  /** The fast path found the end of the message's body. */
  fastEnd(ts: number): void {
    this.finish(ts);
  }

  /**
   * The fast path hands the stream back between packets: at the start of a
   * message or a chunk line, or in a body with `remaining` bytes left (this
   * side's message already has what came before); -1: at a point it cannot
   * describe (a bug), read on from the next start line.
   */
  fastResume(state: number, remaining: number): void {
    if (state < 0) {
      this.interrupt(this.msg?.endTs ?? 0);
      this.state = SYNC;
      return;
    }
    this.state = state;
    this.remaining = remaining;
  }

  /** Bytes v[start, end) of the stream, in order. */
  push(v: Buffer, start: number, n: number, ts: number): void {
    let p = start;
    while (p < n) {
      switch (this.state) {
        case START:
          while (p < n && (v[p] === 13 || v[p] === 10 || v[p] === 32 || v[p] === 9)) p++;
          if (p < n) {
            this.msg = new HttpMessage(this.isRequest, ts);
            this.state = HEAD;
          }
          break;
        case HEAD:
          p = this.readHead(v, p, n, ts);
          break;
        case BODY_LEN:
        case CHUNK_DATA: {
          const take = this.remaining < n - p ? this.remaining : n - p;
          this.msg!.body!.add(v, p, p + take);
          p += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            if (this.state === BODY_LEN) this.finish(ts);
            else this.state = CHUNK_END;
          }
          break;
        }
        case CHUNK_SIZE:
        case CHUNK_END:
        case TRAILERS:
          p = this.readLine(v, p, n, ts);
          break;
        case BODY_CLOSE:
          this.msg!.body!.add(v, p, n);
          this.msg!.endTs = ts;
          p = n;
          break;
        case PASSTHRU:
          p = n;
          break;
        case SYNC:
          p = this.sync(v, p, n);
          break;
      }
    }
    if (this.msg !== null && this.state !== HEAD) this.msg.endTs = ts;
  }

  /** `len` bytes are missing from the stream. */
  gap(len: number, ts: number): void {
    const m = this.msg;
    if ((this.state === BODY_LEN || this.state === CHUNK_DATA) && len <= this.remaining && m) {
      m.body!.addGap(len);
      this.remaining -= len;
      if (this.remaining === 0) {
        if (this.state === BODY_LEN) this.finish(ts);
        else this.state = CHUNK_END;
      }
      return;
    }
    if (this.state === BODY_CLOSE && m) {
      m.body!.addGap(len);
      return;
    }
    if (this.state === PASSTHRU) return;
    if (this.state === HEAD && this.partialHead()) {
      // the head was cut by the gap: keep the message if its start line is readable
      this.msg!.interrupted = true;
      this.owner.head(this.isRequest, this.msg!);
      this.complete();
      this.state = SYNC;
      return;
    }
    this.interrupt(ts);
    this.state = SYNC;
  }

  /** Parses a head that never ended into `msg`; false when not even its start line is readable. */
  private partialHead(): boolean {
    if (this.hdrLen === 0 || !this.hdr) return false;
    const t = text(this.hdr, 0, this.hdrLen);
    this.budget.sub(this.hdr.length);
    this.hdr = null;
    this.hdrLen = 0;
    this.msg!.headLength = t.length;
    if (this.parseHead(t) !== undefined) return true;
    this.msg = null;
    return false;
  }

  /**
   * The server has begun to answer while this request's head has not ended:
   * a lone request line without a version is then an HTTP/0.9 simple request
   * (its server answers right away). Whether more header lines would have
   * followed is known only now, not when the line arrives (llhttp reads
   * `POST /p` followed by headers as an HTTP/1 request).
   */
  answered(ts: number): void {
    if (!this.simpleRequestHeld()) return;
    if (!this.partialHead()) {
      // not even a request line: what follows is read only from the next one
      this.state = SYNC;
      return;
    }
    this.startBody(this.owner.head(this.isRequest, this.msg!), ts);
  }

  /** What is held of a request head is one line, without a version. */
  private simpleRequestHeld(): boolean {
    if (this.state !== HEAD || !this.isRequest || this.hdrLen === 0 || !this.hdr) return false;
    const lf = this.hdr.indexOf(10);
    return lf >= 0 && lf + 1 === this.hdrLen && this.hdr.lastIndexOf(HTTP_SLASH, lf) < 0;
  }

  /** End of the stream: a close-delimited body ends here, anything else open is interrupted. */
  end(ts: number): void {
    if (this.simpleRequestHeld()) {
      // an HTTP/0.9 request whose answer the capture did not hold: complete, not cut
      this.answered(ts);
      return;
    }
    if (this.state === BODY_CLOSE) {
      this.finish(ts);
      return;
    }
    if (this.state === HEAD && this.partialHead()) {
      // the head never ended: keep the message, its start line is readable
      this.msg!.interrupted = true;
      this.owner.head(this.isRequest, this.msg!);
      this.complete();
      return;
    }
    this.interrupt(ts);
  }

  /** Stops parsing (protocol switched or tunnel). */
  toPassthru(): void {
    this.passthru = true;
    this.state = PASSTHRU;
    // a message in progress belongs to the tunnel now; its transaction, if any, is emitted as is
    this.msg?.body?.discard();
    this.msg = null;
    this.dropHeld();
  }

  /** Parses again after `toPassthru` (a CONNECT that was refused), from the next start line. */
  resume(): void {
    if (this.state !== PASSTHRU) return;
    this.passthru = false;
    this.state = SYNC;
  }

  private interrupt(ts: number): void {
    const m = this.msg;
    if (m && this.state !== HEAD && this.state !== START) {
      m.interrupted = true;
      m.endTs = ts;
      this.complete();
    } else {
      this.msg = null;
    }
    this.dropHeld();
  }

  private dropHeld(): void {
    if (this.hdr) this.budget.sub(this.hdr.length);
    this.hdr = null;
    this.hdrLen = 0;
    this.line = '';
  }

  private sync(v: Buffer, p: number, n: number): number {
    const t = v.toString('latin1', p, n);
    const m = (this.isRequest ? REQUEST_START : RESPONSE_START).exec(t);
    if (!m) return n;
    this.state = START;
    return p + m.index + (t.charCodeAt(m.index) === 10 ? 1 : 0);
  }

  private readHead(v: Buffer, p: number, n: number, ts: number): number {
    let src = v;
    let s = p;
    let e: number;
    let next: number;
    if (this.hdrLen === 0) {
      // fast path: the whole head within a window of this segment (sized from earlier heads), searched as text
      const w = Math.min(n, p + this.window);
      const win = latin1(v, p, w);
      const crlf = win.indexOf('\r\n\r\n');
      if (crlf >= 0 && (this.isRequest || (startsWithHttp(win) && !this.owner.expectsHttp09()))) {
        const t = win.slice(0, crlf + 4);
        if (t.indexOf('\n\n') < 0) {
          // the window follows the heads of this stream: shrinks slowly, grows at once (below)
          const fit = crlf + (crlf >> 2) + 68;
          if (fit < this.window) this.window = Math.max(fit, this.window - (this.window >> 4));
          return this.headParsed(nonAscii(t) ? text(v, p, p + crlf + 4) : t, p + crlf + 4, ts);
        }
      }
      e = this.endOfHead(v, p, n, p);
      if (e >= 0 && e - p + 64 > this.window) this.window = Math.min(16_384, 2 * (e - p + 64));
      if (e < 0) {
        if (n - p > this.lim.maxHeaderBytes) return this.headTooBig(n);
        return this.appendHead(v, p, n) ? n : this.headTooBig(n);
      }
      next = e;
    } else {
      const old = this.hdrLen;
      const take = Math.min(this.lim.maxHeaderBytes - old, n - p);
      if (!this.appendHead(v, p, p + take)) return this.headTooBig(n);
      src = this.hdr!;
      s = 0;
      e = this.endOfHead(src, 0, this.hdrLen, Math.max(0, old - 3));
      if (e < 0) return take < n - p || this.hdrLen >= this.lim.maxHeaderBytes ? this.headTooBig(n) : n;
      next = p + (e - old);
    }
    let t = text(src, s, e);
    const bare = t.indexOf('\n\n');
    if (bare >= 0 && bare + 2 < t.length) {
      // a bare-LF blank line ends the head earlier
      t = t.slice(0, bare + 2);
      next -= e - s - (bare + 2);
    }
    if (this.hdr) {
      this.budget.sub(this.hdr.length);
      this.hdr = null;
      this.hdrLen = 0;
    }
    return this.headParsed(t, next, ts);
  }

  private headParsed(t: string, next: number, ts: number): number {
    this.msg!.headLength = t.length;
    if (this.parseHead(t) === undefined) {
      this.msg = null;
      this.state = SYNC;
      return next;
    }
    this.startBody(this.owner.head(this.isRequest, this.msg!), ts);
    return next;
  }

  /**
   * End of the head that starts at `p` (searching from `from`): after the blank
   * line; after the first line for an HTTP/0.9 request that came alone; at `p`
   * for a response without a status line (HTTP/0.9 reply).
   */
  private endOfHead(v: Buffer, p: number, n: number, from: number): number {
    if (!this.isRequest && (n - p >= 4 || this.owner.expectsHttp09())) {
      if (this.owner.expectsHttp09() || !((v[p]! | 0x20) === 104 && (v[p + 1]! | 0x20) === 116 && (v[p + 2]! | 0x20) === 116 && (v[p + 3]! | 0x20) === 112)) return p;
    }
    // no blank line yet: a lone request line without version waits to see whether headers follow or the server answers (see `answered`)
    return headEnd(v, from, n);
  }

  /** Holds part of a head; false when the global budget has no room for it. */
  private appendHead(v: Buffer, s: number, e: number): boolean {
    const need = this.hdrLen + (e - s);
    if (!this.hdr || this.hdr.length < need) {
      const size = Math.min(this.lim.maxHeaderBytes, Math.max(need, 512, (this.hdr?.length ?? 0) * 2));
      if (!this.budget.fits(size - (this.hdr?.length ?? 0))) {
        this.owner.count('http-head-over-budget');
        return false;
      }
      const next = Buffer.allocUnsafe(size);
      if (this.hdr) {
        this.hdr.copy(next, 0, 0, this.hdrLen);
        this.budget.sub(this.hdr.length);
      }
      this.budget.add(size);
      this.hdr = next;
    }
    v.copy(this.hdr!, this.hdrLen, s, e);
    this.hdrLen = need;
    return true;
  }

  private headTooBig(n: number): number {
    this.msg = null;
    this.dropHeld();
    this.state = SYNC;
    return n;
  }

  /** Fills `this.msg` from a head; undefined when it is not an HTTP message head. */
  private parseHead(t: string): number | undefined {
    const m = this.msg!;
    let i = t.indexOf('\n');
    if (i < 0) i = t.length;
    const first = t.charCodeAt(i - 1) === 13 ? t.slice(0, i - 1) : t.slice(0, i);
    if (this.isRequest) {
      if (!requestLine(m, first)) return undefined;
    } else if (this.owner.expectsHttp09()) {
      m.version = '0.9';
      m.status = 0;
      return BODY_EOF;
    } else if (!statusLine(m, first)) {
      return undefined;
    }
    const headers = m.headers;
    const n = t.length;
    if (i + 1 >= n) return 0;
    // Names are lower-cased once for the whole head, then sliced, unless a character's lower
    // case is longer ("İ" gives two): a value's would shift every later name's offsets.
    const whole = t.toLowerCase();
    const lower = whole.length === t.length ? whole : null;
    let p = i + 1;
    while (p < n) {
      let q = t.indexOf('\n', p);
      if (q < 0) q = n;
      const le = q > p && t.charCodeAt(q - 1) === 13 ? q - 1 : q;
      if (le === p) break;
      const c0 = t.charCodeAt(p);
      if ((c0 === 32 || c0 === 9) && headers.length > 0) {
        // obsolete line folding
        const last = headers[headers.length - 1]!;
        headers[headers.length - 1] = [last[0], `${last[1]} ${t.slice(p, le).trim()}`];
        if (isFramingName(last[0])) m.framingObfuscated = true;
        noteHeader(m, last[0], headers[headers.length - 1]![1]);
      } else {
        const colon = t.indexOf(':', p);
        if (colon > p && colon < le) {
          let ne = colon;
          while (ne > p && (t.charCodeAt(ne - 1) === 32 || t.charCodeAt(ne - 1) === 9)) ne--;
          const name = lower !== null ? lower.slice(p, ne) : t.slice(p, ne).toLowerCase();
          // "Transfer-Encoding : chunked": servers that refuse the space (RFC 9112 §5.1) see no such header
          if (ne < colon && isFramingName(name)) m.framingObfuscated = true;
          let vs = colon + 1;
          while (vs < le && (t.charCodeAt(vs) === 32 || t.charCodeAt(vs) === 9)) vs++;
          let ve = le;
          while (ve > vs && (t.charCodeAt(ve - 1) === 32 || t.charCodeAt(ve - 1) === 9)) ve--;
          addHeader(m, name, t.slice(vs, ve));
        }
      }
      p = q + 1;
    }
    if (m.transferCodings !== null) m.codings = m.codings === null ? m.transferCodings : [...m.codings, ...m.transferCodings];
    return 0;
  }

  private startBody(mode: number, ts: number): void {
    const m = this.msg!;
    switch (mode) {
      case BODY_LENGTH:
        if (m.contentLength > 0) {
          m.body = this.newBody(m);
          this.remaining = m.contentLength;
          this.state = BODY_LEN;
          return;
        }
        break;
      case BODY_CHUNKED:
        m.body = this.newBody(m);
        this.state = CHUNK_SIZE;
        return;
      case BODY_EOF:
        m.body = this.newBody(m);
        this.state = BODY_CLOSE;
        return;
      case BODY_UNKNOWN:
        this.owner.count('http-request-length-unknown');
        this.finish(ts);
        // what follows may be a body or another request: nothing to go on until a request line starts a line
        if (this.state === START) this.state = SYNC;
        return;
    }
    this.finish(ts);
  }

  private newBody(m: HttpMessage): BodyCollector {
    return new BodyCollector(m.codings !== null ? this.lim.maxEncodedBytes : this.lim.maxBodyBytes, this.budget);
  }

  /** Chunk-size lines, the CRLF after chunk data, and trailers. */
  private readLine(v: Buffer, p: number, n: number, ts: number): number {
    if (this.line === '') {
      // the usual lines read from the bytes, without a string: "SIZE CRLF", and the empty "CRLF"
      if (v[p] === 13 && p + 1 < n && v[p + 1] === 10) {
        if (this.state === CHUNK_END) {
          this.state = CHUNK_SIZE;
          return p + 2;
        }
        if (this.state === TRAILERS) {
          this.finish(ts);
          return p + 2;
        }
      } else if (this.state === CHUNK_SIZE) {
        let size = 0;
        let i = p;
        const stop = Math.min(n, p + 12);
        for (; i < stop; i++) {
          const d = hexValue(v[i]!);
          if (d < 0) break;
          size = size * 16 + d;
        }
        if (i > p && i + 1 < n && v[i] === 13 && v[i + 1] === 10) {
          if (size === 0) this.state = TRAILERS;
          else {
            this.remaining = size;
            this.state = CHUNK_DATA;
          }
          return i + 2;
        }
      }
    }
    let lf = v.indexOf(10, p);
    if (lf >= n) lf = -1;
    // (a miss scans on only to the next LF, which packet headers soon provide)
    if (lf < 0) {
      if (this.line.length + n - p > MAX_LINE) {
        this.interrupt(ts);
        this.state = SYNC;
        return n;
      }
      this.line += v.toString('latin1', p, n);
      return n;
    }
    const held = this.line;
    let line = held.length ? held + latin1(v, p, lf) : latin1(v, p, lf);
    this.line = '';
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    const next = lf + 1;
    if (this.state === CHUNK_END) {
      if (line.trim() !== '') {
        // chunk data longer than announced: give up this message
        return this.resyncAtLine(held, v, p, n, ts);
      }
      this.state = CHUNK_SIZE;
      return next;
    }
    if (this.state === CHUNK_SIZE) {
      const size = chunkSize(line);
      if (size === -2) return next; // blank line before a size
      if (size === -1) return this.resyncAtLine(held, v, p, n, ts);
      if (size < 0) {
        this.interrupt(ts);
        this.state = SYNC;
        return next;
      }
      if (size === 0) {
        this.state = TRAILERS;
      } else {
        this.remaining = size;
        this.state = CHUNK_DATA;
      }
      return next;
    }
    // trailers
    if (line === '') {
      this.finish(ts);
      return next;
    }
    const colon = line.indexOf(':');
    if (colon > 0) this.msg!.headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    return next;
  }

  /**
   * The line being read is not what the framing promised: the message is
   * given up and parsing resumes at the line's first byte (it may start the
   * next request). Its start may have come in an earlier segment (`held`):
   * it is read again with the rest, so where the segments split the line does
   * not change what is found.
   */
  private resyncAtLine(held: string, v: Buffer, p: number, n: number, ts: number): number {
    this.interrupt(ts);
    this.state = SYNC;
    if (held === '') return p;
    const joined = Buffer.concat([Buffer.from(held, 'latin1'), v.subarray(p, n)]);
    this.push(joined, 0, joined.length, ts);
    return n;
  }

  private finish(ts: number): void {
    this.msg!.endTs = ts;
    this.complete();
  }

  private complete(): void {
    const m = this.msg!;
    this.msg = null;
    if (this.state !== PASSTHRU) this.state = START;
    this.owner.message(this.isRequest, m);
  }
}

/** The value of a hexadecimal digit's character code, or -1. */
function hexValue(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/** Chunk size from its line: >= 0, -1 not a size line, -2 blank, -3 too large. */
function chunkSize(line: string): number {
  let i = 0;
  const n = line.length;
  while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (i === n) return -2;
  while (i < n - 1 && line.charCodeAt(i) === 48) i++; // leading zeros
  let size = 0;
  let digits = 0;
  for (; i < n; i++) {
    const d = hexValue(line.charCodeAt(i));
    if (d < 0) break;
    size = size * 16 + d;
    digits++;
  }
  if (digits === 0) return -1;
  if (digits > 13) return -3;
  while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (i < n && line.charCodeAt(i) !== 59) return -1;
  return size;
}

const GZIP: string[] = ['gzip'];
const CL_LIST_CONFLICT = -2;

/** A Content-Length value: >= 0, -1 when it is no decimal number, CL_LIST_CONFLICT for a list of differing numbers ("5, 7"). */
function contentLength(v: string): number {
  let cl = 0;
  let i = 0;
  for (; i < v.length && i < 16; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    cl = cl * 10 + c;
  }
  if (i === v.length && i > 0 && i < 16) return cl;
  let n: number;
  if (/^[0-9]+$/.test(v)) n = Number(v);
  else if (/^[0-9]+(\s*,\s*[0-9]+)*$/.test(v)) {
    const vs = new Set(v.split(/\s*,\s*/).map(Number));
    if (vs.size !== 1) return CL_LIST_CONFLICT;
    n = [...vs][0]!;
  } else return -1;
  return Number.isSafeInteger(n) ? n : -1;
}

/** A header line of a head, `name` lower-cased, `value` trimmed. */
export function addHeader(m: HttpMessage, name: string, value: string): void {
  m.headers.push([name, value]);
  // only three names change framing, and Host is counted; compare lengths first
  const nl = name.length;
  if (nl === 14 || nl === 17 || nl === 16) noteHeader(m, name, value);
  else if (nl === 4 && name === 'host' && m.hostHeaders++ === 0) m.host = value;
}

function noteHeader(m: HttpMessage, name: string, value: string): void {
  switch (name) {
    case 'content-length': {
      // every Content-Length header must agree (RFC 9110 §8.6); one that does not, or is no number, makes the length unusable
      const cl = contentLength(value);
      if (cl === CL_LIST_CONFLICT) m.clState = CL_CONFLICT;
      else if (cl < 0) m.clState = m.clState === CL_CONFLICT ? CL_CONFLICT : CL_INVALID;
      else if (m.clState === CL_NONE) m.clState = CL_VALID;
      else if (m.clState === CL_VALID && cl !== m.contentLength) m.clState = CL_CONFLICT;
      m.contentLength = m.clState === CL_VALID ? cl : -1;
      break;
    }
    case 'transfer-encoding': {
      m.transferEncoding = true;
      if (value === 'chunked') {
        m.chunked = true;
        break;
      }
      const all = value.toLowerCase().split(',').map((s) => s.trim());
      // identity is read as no coding, as HTTP/1.1 once defined it; RFC 7230 removed it, and servers that refuse it disagree
      if (all.includes('identity')) m.framingObfuscated = true;
      const list = all.filter((s) => s && s !== 'identity');
      // several headers are one list (RFC 9110 §5.3): one naming only identity changes nothing
      if (list.length === 0) break;
      m.chunked = list[list.length - 1] === 'chunked';
      const other = list.filter((s) => s !== 'chunked');
      if (other.length) m.transferCodings = [...(m.transferCodings ?? []), ...other];
      break;
    }
    case 'content-encoding': {
      if (value === 'gzip' && m.codings === null) {
        m.codings = GZIP;
        break;
      }
      const list = value.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s && s !== 'identity');
      if (list.length) m.codings = [...(m.codings ?? []), ...list];
      break;
    }
  }
}
