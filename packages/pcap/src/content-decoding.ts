import * as zlib from 'node:zlib';

export interface DecodeLimits {
  /** Decoded bytes produced at most. */
  maxDecoded: number;
  /** Decoded/encoded ratio allowed once `ratioFloor` decoded bytes are passed. */
  ratio: number;
  ratioFloor: number;
}

export interface Decoded {
  out: Buffer;
  /** Decoded length; when `capped` it is the cap, a lower bound. */
  length: number;
  capped: boolean;
  failed: boolean;
}

/** Content or transfer codings this package can undo. */
export function knownCoding(c: string): boolean {
  return c === 'gzip' || c === 'x-gzip' || c === 'deflate' || c === 'br';
}

/**
 * Undoes the codings (listed in the order they were applied) synchronously,
 * stopping at the size and ratio caps so a bomb is cut off, not expanded.
 * Truncated input (a capture gap, a cut body) yields what was decodable.
 */
export function decodeContent(codings: readonly string[], input: Buffer, lim: DecodeLimits): Decoded {
  let data = input;
  let capped = false;
  let cappedAt = 0;
  for (let i = codings.length - 1; i >= 0; i--) {
    const limit = Math.min(lim.maxDecoded, Math.max(lim.ratioFloor, data.length * lim.ratio));
    const r = decodeOne(codings[i]!, data, limit);
    if (r === undefined) return { out: input, length: input.length, capped: false, failed: true };
    data = r.out;
    if (r.capped) {
      capped = true;
      cappedAt = limit;
      break;
    }
  }
  return { out: data, length: capped ? Math.max(data.length, cappedAt) : data.length, capped, failed: false };
}

function decodeOne(coding: string, data: Buffer, limit: number): { out: Buffer; capped: boolean } | undefined {
  const fast = reusedInflate(coding, data, limit);
  if (fast !== undefined) return { out: fast, capped: false };
  const run = pick(coding, data);
  if (!run) return undefined;
  try {
    return { out: run(data, limit), capped: false };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { out: prefixWithin(run, data, limit), capped: true };
    return undefined;
  }
}

type Run = (data: Buffer, limit: number) => Buffer;

/** Output buffer step sized to the input: small bodies need no 16 KiB zlib buffer. */
function chunkSize(inputLen: number): number {
  let c = 1024;
  while (c < inputLen * 4 && c < 65_536) c *= 2;
  return c;
}

function pick(coding: string, data: Buffer): Run | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return (d, limit) => zlib.gunzipSync(d, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit, chunkSize: chunkSize(d.length) });
    case 'deflate':
      // servers send either zlib-wrapped (RFC 1950) or raw (RFC 1951) deflate under this name
      if (data.length >= 2 && (data[0]! & 0x0f) === 8 && ((data[0]! << 8) | data[1]!) % 31 === 0) {
        return (d, limit) => zlib.inflateSync(d, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit, chunkSize: chunkSize(d.length) });
      }
      return (d, limit) => zlib.inflateRawSync(d, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit, chunkSize: chunkSize(d.length) });
    case 'br':
      return (d, limit) =>
        zlib.brotliDecompressSync(d, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength: limit });
    default:
      return undefined;
  }
}

/** The decoded output of the longest input prefix that stays within `limit` (bombs only). */
function prefixWithin(run: Run, data: Buffer, limit: number): Buffer {
  let best: Buffer = Buffer.alloc(0);
  for (let n = 256; n < data.length * 2; n *= 2) {
    try {
      best = run(data.subarray(0, Math.min(n, data.length)), limit);
    } catch {
      break;
    }
    if (n >= data.length) break;
  }
  return best;
}

/**
 * Node's one-shot zlib calls build and tear down a zlib stream per body, a
 * third of the decoding time for API-sized bodies. For gzip and deflate one
 * stream per kind is kept and reset between bodies, driven through the same
 * handle calls the one-shot API makes. Anything unusual (an error, the cap, a
 * Node without these internals) returns undefined and the one-shot API decides.
 */
interface ZlibHandle {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
  reset(): void;
}
interface ZlibInternals {
  _handle: ZlibHandle | null;
  _writeState: Uint32Array;
  destroyed: boolean;
}

const engines = new Map<string, ZlibInternals>();
const OUT = Buffer.allocUnsafe(65_536);

function engineFor(kind: 'gunzip' | 'inflate' | 'inflateRaw'): ZlibInternals | undefined {
  let e = engines.get(kind);
  if (e && !e.destroyed && e._handle) return e;
  const stream = kind === 'gunzip' ? zlib.createGunzip() : kind === 'inflate' ? zlib.createInflate() : zlib.createInflateRaw();
  stream.on('error', () => undefined); // reported again by the one-shot fallback
  e = stream as unknown as ZlibInternals;
  if (typeof e._handle?.writeSync !== 'function' || typeof e._handle.reset !== 'function' || !(e._writeState instanceof Uint32Array)) return undefined;
  engines.set(kind, e);
  return e;
}

function reusedInflate(coding: string, data: Buffer, limit: number): Buffer | undefined {
  let kind: 'gunzip' | 'inflate' | 'inflateRaw';
  if (coding === 'gzip' || coding === 'x-gzip') kind = 'gunzip';
  else if (coding === 'deflate') kind = data.length >= 2 && (data[0]! & 0x0f) === 8 && ((data[0]! << 8) | data[1]!) % 31 === 0 ? 'inflate' : 'inflateRaw';
  else return undefined;
  const e = engineFor(kind);
  if (!e) return undefined;
  const h = e._handle!;
  const st = e._writeState;
  h.reset();
  let inOff = 0;
  let inLen = data.length;
  let total = 0;
  let first: Buffer | undefined;
  let parts: Buffer[] | undefined;
  for (;;) {
    h.writeSync(zlib.constants.Z_SYNC_FLUSH, data, inOff, inLen, OUT, 0, OUT.length);
    if (e.destroyed || !e._handle) {
      engines.delete(kind);
      return undefined;
    }
    const availOut = st[0]!;
    const availIn = st[1]!;
    const produced = OUT.length - availOut;
    if (produced > 0) {
      total += produced;
      if (total > limit) return undefined;
      const c = Buffer.allocUnsafe(produced);
      OUT.copy(c, 0, 0, produced);
      if (!first) first = c;
      else (parts ??= [first]).push(c);
    }
    inOff += inLen - availIn;
    inLen = availIn;
    if (availOut !== 0) break;
  }
  if (!first) return Buffer.alloc(0);
  return parts ? Buffer.concat(parts, total) : first;
}
