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
