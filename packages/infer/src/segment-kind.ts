/**
 * Classifies one path segment by its shape alone. A segment whose shape is an
 * identifier (number, UUID, hash, token, date…) is a parameter whatever its
 * neighbours; word-like segments are decided by the path tree (cardinality).
 */
export type SegmentKind = 'literal' | 'integer' | 'uuid' | 'hex' | 'objectid' | 'date' | 'datetime' | 'email' | 'token' | 'number';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}(:|%3A)\d{2}/i;
const EMAIL = /^[^@/\s]+(@|%40)[^@/\s]+\.[a-z]{2,}$/i;
const VERSION = /^v\d+(\.\d+)*$/i;
const HEX = /^[0-9a-f]+$/i;
const TOKEN_CHARS = /^[A-Za-z0-9_\-.~]+$/;

export function segmentKind(seg: string): SegmentKind {
  const n = seg.length;
  if (n === 0) return 'literal';
  const c0 = seg.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (/^\d+$/.test(seg)) return 'integer';
    if (DATE.test(seg)) return 'date';
    if (DATETIME.test(seg)) return 'datetime';
    if (/^-?\d+\.\d+$/.test(seg)) return 'number';
  }
  if (VERSION.test(seg)) return 'literal';
  if (n === 36 && UUID.test(seg)) return 'uuid';
  if (n === 24 && HEX.test(seg)) return 'objectid';
  if (n >= 8 && HEX.test(seg) && /\d/.test(seg) && /[a-f]/i.test(seg)) return 'hex';
  if (seg.includes('@') || seg.includes('%40')) return EMAIL.test(seg) ? 'email' : 'literal';
  if (isToken(seg)) return 'token';
  return 'literal';
}

/**
 * An opaque identifier: long enough, no spaces, and mixing digits with letters
 * in a way words do not (nanoids, tracking numbers, base64url ids, slugs with
 * numeric suffixes such as "order-8812"). Plain words, kebab-case words and
 * short codes such as "oauth2" or "s3" stay literal.
 */
function isToken(seg: string): boolean {
  const n = seg.length;
  if (n < 6 || !TOKEN_CHARS.test(seg)) return false;
  let digits = 0;
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < n; i++) {
    const c = seg.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c >= 97 && c <= 122) letters++;
  }
  if (digits === 0) {
    // Mixed-case letter soup without separators, e.g. "NjpTwgmENjxQ": long base64url ids.
    return n >= 16 && upper > 0 && upper < letters && !/[-_.]/.test(seg);
  }
  if (letters === 0) return n >= 6; // digit groups with separators: "123-456-789"
  // Words with a trailing number ("page2", "html5", "v2beta") stay literal when short.
  if (n < 10 && /^[a-z]+\d{1,2}$/i.test(seg)) return false;
  return digits >= 2 || n >= 12;
}

export function isVersionSegment(seg: string): boolean {
  return VERSION.test(seg);
}
