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
  // Prefixed random ids: "cus_NffrFeUfNVHib", "exte_dpkyk8KZllEtyA" (Stripe).
  const m = /^[a-z]{1,10}_([A-Za-z0-9]{10,})$/.exec(seg);
  if (m) {
    const r = m[1]!;
    if (/[A-Z]/.test(r) && /[a-z]/.test(r) && (/\d/.test(r) || /[A-Z]{2}/.test(r) || !/[a-z]{4}/.test(r))) return true;
  }
  if (digits === 0) {
    // Mixed-case letter soup without separators, e.g. "NjpTwgmENjxQ": long base64url ids —
    // but not camelCase words ("organizationBillingEmail", "BlkioDeviceReadBps").
    return n >= 16 && upper >= 3 && upper < letters && !/[-_.]/.test(seg) && !/[a-z]{6}/.test(seg) && !camelWords(seg);
  }
  if (letters === 0) return n >= 6; // digit groups with separators: "123-456-789"
  // Dotted or dashed words with a version part ("oauth.v2.access", "chat-v2-post"): a method name, not an id.
  if (/^[A-Za-z]/.test(seg) && seg.split(/[._-]/).every((p) => /^[A-Za-z]+\d?$|^v\d+$/i.test(p)) && /[A-Za-z]{3}/.test(seg)) return false;
  // Words with a trailing number ("page2", "html5", "v2beta") stay literal when short.
  if (n < 10 && /^[a-z]+\d{1,2}$/i.test(seg)) return false;
  return digits >= 2 || (n >= 12 && !camelWords(seg));
}

/** Reads as camelCase words: most capitals start a lowercase run ("GlobalIPv6PrefixLen"), unlike random ids. */
function camelWords(seg: string): boolean {
  let caps = 0;
  let starts = 0;
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c < 65 || c > 90) continue;
    caps++;
    const a = seg.charCodeAt(i + 1);
    const b = seg.charCodeAt(i + 2);
    if (a >= 97 && a <= 122 && b >= 97 && b <= 122) starts++;
  }
  return caps > 0 && starts >= 0.5 * caps && /[a-z]{3}/.test(seg);
}

export function isVersionSegment(seg: string): boolean {
  return VERSION.test(seg);
}

/** Segments that may sit before a version (`/api/v2`, `/rest/1.0`, `/services/2010-04-01`). */
const API_PREFIX = new Set(['api', 'apis', 'rest', 'restapi', 'service', 'services', 'public', 'json', 'xml', 'rpc', 'ws', 'web', 'gateway', 'latest']);
const EXT = /\.(json|xml|csv|txt|html?|ya?ml|pdf|png|jpe?g|zip)$/i;
const NUMERIC_VERSION = /^\d{1,2}(\.\d{1,2}){0,2}$/;

export interface SegmentClass {
  kind: SegmentKind;
  /** The segment without a fixed file-type suffix (".json", ".xml"…) when it has one. */
  stem: string;
  suffix: string;
  /** A typed segment at a version position (`/1/…`, `/2.0/…`, `/2010-04-01/…`): a literal unless evidence says otherwise. */
  version: boolean;
  /** This segment may still precede a version (`api`, `rest`, or a version itself). */
  prefixLike: boolean;
}

/**
 * The kind of a segment in its place: `afterPrefixOnly` says every segment
 * before it was an API prefix or a version, so a small number or a date here
 * is a version (Trello's `/1/`, Box's `/2.0/`, Twilio's `/2010-04-01/`).
 */
export function classifySegment(seg: string, afterPrefixOnly: boolean): SegmentClass {
  let stem = seg;
  let suffix = '';
  const m = EXT.exec(seg);
  if (m && m.index > 0) {
    stem = seg.slice(0, m.index);
    suffix = m[0];
  }
  const kind = segmentKind(stem);
  const lower = stem.toLowerCase();
  let version = false;
  if (afterPrefixOnly && !suffix && (kind === 'integer' || kind === 'number' || kind === 'date') && (NUMERIC_VERSION.test(stem) || kind === 'date')) version = true;
  const prefixLike = afterPrefixOnly && (version || VERSION.test(stem) || API_PREFIX.has(lower));
  return { kind, stem, suffix, version, prefixLike };
}

/** Words that stay literal beside a parameter: `/users/me`, `/orders/search`, `/reports/export`. */
const RESERVED = new Set([
  'me', 'self', 'current', 'mine', 'my', 'all', 'any', 'search', 'find', 'lookup', 'query', 'export', 'import', 'new', 'create', 'count',
  'latest', 'recent', 'default', 'batch', 'bulk', 'summary', 'stats', 'settings', 'config', 'info', 'status', 'health', 'login', 'logout',
  'auth', 'token', 'upload', 'download', 'random', 'public', 'private', 'none', 'null', 'undefined', 'list', 'feed', 'home', 'today',
]);

export function isReservedWord(seg: string): boolean {
  return RESERVED.has(seg.toLowerCase());
}
