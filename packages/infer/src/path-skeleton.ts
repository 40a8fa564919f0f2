/**
 * A path with its integer and UUID segments taken out: `/api/v1/orders/123`
 * and `/api/v1/orders/456` share the skeleton `/api/v1/orders/` + a 3-digit
 * hole. Segments of those two shapes are classified by their shape alone (an
 * all-digit segment is an integer, a version only by its length and place),
 * so paths with one skeleton walk the template tree alike — which lets the
 * templater reuse a walk (see PathTemplater's fast path). Built in one pass,
 * without regular expressions or strings: it runs on every request, and a
 * key string (slices, concatenations, then V8 hashing it for a map) cost
 * more than the rest of templating a known path.
 */
export interface Skeleton {
  /**
   * A 30-bit digest of the host, the holes' places, shapes and lengths, and
   * the literal segments' lengths and end characters. Equal skeletons have equal
   * digests; a path with the same digest is compared (`LiteralRuns.match`)
   * before its skeleton is taken as the same.
   */
  hash: number;
  /** Index, start and end (in the path) and shape of each abstracted segment, in order (HOLE_STRIDE numbers each). */
  holes: number[];
}

export const HOLE_STRIDE = 4;
const HOLE_DIGITS = 1;
const HOLE_UUID = 2;

/** Undefined for paths not worth a skeleton (none abstracted, a NUL, too long, too many segments). */
export function skeleton(host: string, path: string): Skeleton | undefined {
  const n = path.length;
  if (n > 2048 || path.charCodeAt(0) !== 47 || path.indexOf('\u0000') >= 0) return undefined;
  let h = mix(mix(0x811c9dc5, n), code(host, 0, host.length));
  let holes: number[] | undefined;
  let seg = 0;
  let from = 1;
  while (from <= n) {
    let end = path.indexOf('/', from);
    if (end < 0) end = n;
    const shape = holeShape(path, from, end);
    if (shape) {
      if (holes) holes.push(seg, from, end, shape);
      else holes = [seg, from, end, shape];
    }
    h = mix(h, shape ? (shape << 16) | (end - from) : code(path, from, end));
    seg++;
    if (seg > 64) return undefined;
    from = end + 1;
  }
  if (!holes) return undefined;
  return { hash: h >>> 2, holes };
}

/**
 * The literal text between a path's holes: what another path of the same
 * digest must have, in the same places, to share its skeleton. Keeps no hole
 * values (a card number can be a path segment).
 */
export class LiteralRuns {
  private readonly runs: string[] = [];
  private readonly length: number;
  private readonly holes: number[];

  constructor(path: string, sk: Skeleton) {
    this.length = path.length;
    this.holes = sk.holes;
    let at = 0;
    for (let h = 0; h < sk.holes.length; h += HOLE_STRIDE) {
      this.runs.push(path.slice(at, sk.holes[h + 1]));
      at = sk.holes[h + 2]!;
    }
    this.runs.push(path.slice(at));
    // Copied: a slice of the path would keep the whole request head (its credentials too) alive for as long as this is kept.
    for (let i = 0; i < this.runs.length; i++) this.runs[i] = Buffer.from(this.runs[i]!, 'utf16le').toString('utf16le');
  }

  /** Whether `path` (of skeleton `sk`) has this skeleton: same length, same holes, same text between them. */
  match(path: string, sk: Skeleton): boolean {
    const a = sk.holes;
    const b = this.holes;
    if (path.length !== this.length || a.length !== b.length) return false;
    let at = 0;
    for (let h = 0; h < a.length; h += HOLE_STRIDE) {
      if (a[h + 1] !== b[h + 1] || a[h + 2] !== b[h + 2] || a[h + 3] !== b[h + 3] || !path.startsWith(this.runs[h / HOLE_STRIDE]!, at)) return false;
      at = a[h + 2]!;
    }
    return path.startsWith(this.runs[this.runs.length - 1]!, at);
  }
}

function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193);
}

/** A literal segment by its length and three of its characters (LiteralRuns compares the rest). */
function code(s: string, from: number, to: number): number {
  const n = to - from;
  return n === 0 ? 0 : (n << 16) ^ (s.charCodeAt(from) << 8) ^ s.charCodeAt(to - 1) ^ (s.charCodeAt(from + (n >> 1)) << 24);
}

/** HOLE_DIGITS for all digits, HOLE_UUID for a canonical UUID, 0 for anything else. */
function holeShape(p: string, s: number, e: number): number {
  const len = e - s;
  if (len === 0) return 0;
  let digits = true;
  for (let i = s; i < e; i++) {
    const c = p.charCodeAt(i);
    if (c < 48 || c > 57) {
      digits = false;
      break;
    }
  }
  if (digits) return HOLE_DIGITS;
  if (len !== 36) return 0;
  for (let i = 0; i < 36; i++) {
    const c = p.charCodeAt(s + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return 0;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return 0;
  }
  return HOLE_UUID;
}
