/**
 * Finds the byte ranges of `log.entries[i]` in a HAR document arriving in
 * chunks, without parsing the whole document: memory is bounded by the
 * largest single entry (capped), not by the file. Each entry's bytes are then
 * handed to JSON.parse, which is native and fast.
 *
 * The scanner tracks only what it needs: string/escape state, a stack of
 * container kinds (to catch mismatched brackets and bound nesting), and the
 * key at depth 1 and 2 (to know when it is inside log.entries).
 */

export interface SlicerCaps {
  /** Largest single entry kept; a larger one is skipped whole and counted. */
  maxEntryBytes: number;
  /** Largest top-level log member (pages, creator…) kept for validation. */
  maxMemberBytes: number;
  maxDepth: number;
}

export const defaultSlicerCaps: SlicerCaps = {
  maxEntryBytes: 64 * 1024 * 1024,
  maxMemberBytes: 16 * 1024 * 1024,
  maxDepth: 256,
};

export class SliceError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export type SliceEvent =
  | { kind: 'entry'; bytes: Buffer; offset: number }
  | { kind: 'entry-too-large'; offset: number; size: number }
  | { kind: 'member'; key: string; bytes: Buffer | undefined; offset: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

const enum Container {
  Object = 1,
  Array = 2,
}

/** Collects the bytes of one value across chunks, up to a cap. */
class Capture {
  parts: Buffer[] = [];
  size = 0;
  overflow = false;
  constructor(readonly start: number, readonly cap: number) {}
  add(chunk: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.size += n;
    if (this.overflow) return;
    if (this.size > this.cap) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk.subarray(from, to));
  }
  bytes(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
  }
}

export class EntrySlicer {
  private offset = 0; // absolute offset of the current chunk's first byte
  private started = false;
  private inString = false;
  private escaped = false;
  private readonly stack: Container[] = [];
  /** Key bytes of the string being read, when it may be a key at depth 1 or 2. */
  private keyParts: Buffer[] | undefined;
  private lastString = '';
  private key1 = '';
  private key2 = '';
  private expectKey = false;
  private capture: Capture | undefined;
  private captureDepth = 0;
  private captureKind: 'entry' | 'member' = 'entry';
  private sawLog = false;
  private sawEntries = false;
  private done = false;

  constructor(private readonly caps: SlicerCaps = defaultSlicerCaps) {}

  get bytesRead(): number {
    return this.offset;
  }

  get foundEntries(): boolean {
    return this.sawEntries;
  }

  /** Feeds one chunk; returns the complete slices it closed. */
  push(chunk: Buffer): SliceEvent[] {
    const out: SliceEvent[] = [];
    let i = 0;
    const n = chunk.length;
    let nextBackslash = chunk.indexOf(BACKSLASH);
    if (!this.started) {
      if (this.offset === 0 && n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // UTF-8 BOM
    }
    while (i < n) {
      if (this.inString) {
        // Fast path: jump to the next quote or backslash.
        if (this.escaped) {
          if (this.keyParts) this.keyParts.push(chunk.subarray(i, i + 1));
          this.escaped = false;
          i++;
          continue;
        }
        const q = chunk.indexOf(QUOTE, i);
        // The next backslash is searched once per chunk position, not once per string:
        // a chunk without backslashes would otherwise be rescanned to its end for every string.
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        const b = nextBackslash;
        if (b !== -1 && (q === -1 || b < q)) {
          if (this.keyParts) this.keyParts.push(chunk.subarray(i, b + 1));
          this.escaped = true;
          i = b + 1;
          continue;
        }
        if (q === -1) {
          if (this.keyParts) this.keyParts.push(chunk.subarray(i));
          i = n;
          break;
        }
        if (this.keyParts) {
          this.keyParts.push(chunk.subarray(i, q));
          this.lastString = decodeKey(this.keyParts);
          this.keyParts = undefined;
        }
        this.inString = false;
        i = q + 1;
        continue;
      }
      const c = chunk[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      if (!this.started) {
        if (c !== LBRACE) throw new SliceError('not a HAR file: expected a JSON object', this.offset + i);
        this.started = true;
      }
      if (this.done) throw new SliceError('unexpected data after the end of the HAR document', this.offset + i);
      const depth = this.stack.length;
      switch (c) {
        case QUOTE: {
          this.inString = true;
          // Keys at depth 1 and 2 name where we are; other strings need no decoding.
          const isKey = this.expectKey && this.top() === Container.Object;
          this.keyParts = isKey && depth <= 2 ? [] : undefined;
          break;
        }
        case COLON:
          if (this.top() === Container.Object) {
            if (depth === 1) this.key1 = this.lastString;
            else if (depth === 2) this.key2 = this.lastString;
            this.expectKey = false;
            // A member of log other than entries is captured (bounded) for validation.
            if (depth === 2 && this.key1 === 'log' && this.key2 !== 'entries' && !this.capture) {
              this.beginCapture('member', i + 1, depth, this.caps.maxMemberBytes);
            }
          }
          break;
        case COMMA:
          if (this.capture && depth === this.captureDepth) this.endCapture(chunk, i, out);
          if (this.top() === Container.Object) this.expectKey = true;
          break;
        case LBRACE:
        case LBRACKET: {
          if (depth >= this.caps.maxDepth) throw new SliceError(`nesting deeper than ${this.caps.maxDepth}`, this.offset + i);
          const inEntries = depth === 3 && this.key1 === 'log' && this.key2 === 'entries' && this.top() === Container.Array;
          if (inEntries && !this.capture && c === LBRACE) this.beginCapture('entry', i, depth, this.caps.maxEntryBytes);
          if (depth === 1 && this.key1 === 'log') {
            if (c !== LBRACE) throw new SliceError('not a HAR file: "log" is not an object', this.offset + i);
            this.sawLog = true;
          }
          if (depth === 2 && this.key1 === 'log' && this.key2 === 'entries') {
            if (c !== LBRACKET) throw new SliceError('not a HAR file: "log.entries" is not an array', this.offset + i);
            this.sawEntries = true;
          }
          this.stack.push(c === LBRACE ? Container.Object : Container.Array);
          this.expectKey = c === LBRACE;
          break;
        }
        case RBRACE:
        case RBRACKET: {
          const want = c === RBRACE ? Container.Object : Container.Array;
          if (this.top() !== want) throw new SliceError(`unexpected '${String.fromCharCode(c)}'`, this.offset + i);
          // A member value that is itself a container ends with its closing bracket.
          if (this.capture && depth === this.captureDepth) this.endCapture(chunk, i, out);
          this.stack.pop();
          if (this.capture && this.stack.length === this.captureDepth && this.captureKind === 'entry') {
            this.endCapture(chunk, i + 1, out);
          }
          this.expectKey = false;
          if (this.stack.length === 0) this.done = true;
          break;
        }
        default:
          break; // scalars: numbers, true, false, null — validated by JSON.parse of the slice
      }
      i++;
    }
    if (this.capture) {
      this.capture.add(chunk, this.captureFrom, n);
      this.captureFrom = 0;
    }
    this.offset += n;
    return out;
  }

  /** Call at end of input; throws when the document is incomplete or not HAR. */
  end(): void {
    if (!this.started) throw new SliceError('not a HAR file: empty or only white space', this.offset);
    if (!this.done || this.inString) throw new SliceError('the HAR file breaks off before its end (truncated?)', this.offset);
    if (!this.sawLog) throw new SliceError('not a HAR file: no "log" object', this.offset);
    if (!this.sawEntries) throw new SliceError('not a HAR file: no "log.entries" array', this.offset);
  }

  private captureFrom = 0;

  private top(): Container | undefined {
    return this.stack[this.stack.length - 1];
  }

  private beginCapture(kind: 'entry' | 'member', from: number, depth: number, cap: number): void {
    this.capture = new Capture(this.offset + from, cap);
    this.captureFrom = from;
    this.captureDepth = depth;
    this.captureKind = kind;
  }

  private endCapture(chunk: Buffer, to: number, out: SliceEvent[]): void {
    const cap = this.capture!;
    cap.add(chunk, this.captureFrom, to);
    this.capture = undefined;
    if (this.captureKind === 'entry') {
      if (cap.overflow) out.push({ kind: 'entry-too-large', offset: cap.start, size: cap.size });
      else out.push({ kind: 'entry', bytes: cap.bytes(), offset: cap.start });
    } else {
      out.push({ kind: 'member', key: this.key2, bytes: cap.overflow ? undefined : cap.bytes(), offset: cap.start });
    }
  }
}

function decodeKey(parts: Buffer[]): string {
  const raw = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
