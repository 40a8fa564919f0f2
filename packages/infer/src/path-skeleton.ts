/**
 * A path with its integer and UUID segments taken out: `/api/v1/orders/123`
 * and `/api/v1/orders/456` share the skeleton `/api/v1/orders/` + "3:d3".
 * Segments of those two shapes are classified by their shape alone (an
 * all-digit segment is an integer, a version only by its length and place),
 * so paths with one skeleton walk the template tree alike — which lets the
 * templater reuse a walk (see PathTemplater's fast path). Built with one pass
 * over the characters and no regular expression: it runs on every request.
 */
export interface Skeleton {
  /** The key: literal segments as sent, abstracted ones empty, then the positions and shapes of those. */
  key: string;
  /** Index, start and end (in the path) of each abstracted segment. */
  holes: number[];
}

/** Undefined for paths not worth a skeleton (none abstracted, a NUL, too long, too many segments). */
export function skeleton(path: string): Skeleton | undefined {
  const n = path.length;
  if (n > 2048 || path.charCodeAt(0) !== 47 || path.indexOf('\u0000') >= 0) return undefined;
  let lits = '';
  let shapes = '';
  let holes: number[] | undefined;
  let seg = 0;
  let from = 1;
  let last = 1;
  while (from <= n) {
    let end = path.indexOf('/', from);
    if (end < 0) end = n;
    const shape = holeShape(path, from, end);
    if (shape) {
      (holes ??= []).push(seg, from, end);
      lits += path.slice(last, from);
      shapes += `${seg}:${shape},`;
      last = end;
    }
    seg++;
    if (seg > 64) return undefined;
    from = end + 1;
  }
  if (!holes) return undefined;
  return { key: `${lits}${path.slice(last)}\u0000${shapes}`, holes };
}

/** "d" + length for all digits, "u" for a canonical UUID, "" for anything else. */
function holeShape(p: string, s: number, e: number): string {
  const len = e - s;
  if (len === 0) return '';
  let digits = true;
  for (let i = s; i < e; i++) {
    const c = p.charCodeAt(i);
    if (c < 48 || c > 57) {
      digits = false;
      break;
    }
  }
  if (digits) return `d${len}`;
  if (len !== 36) return '';
  for (let i = 0; i < 36; i++) {
    const c = p.charCodeAt(s + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return '';
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return '';
  }
  return 'u';
}
