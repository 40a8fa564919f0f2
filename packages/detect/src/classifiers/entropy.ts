/** Shannon entropy and the "random token" test used for values under secret-like names. */

const counts = new Uint32Array(128);

export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) counts[c]!++;
    else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (let c = 0; c < 128; c++) {
    const k = counts[c]!;
    if (k === 0) continue;
    counts[c] = 0;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  if (other) for (const k of other.values()) h -= (k / n) * Math.log2(k / n);
  return h;
}

const tokenChars = /^[A-Za-z0-9+/=_\-.~:]+$/;
const hexRe = /^[0-9a-fA-F]+$/;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A value that reads as a random credential: 16–512 characters of a token
 * alphabet, mixing letters and digits, and with entropy close to what a
 * random string of that length and alphabet would have. Words, paths,
 * version strings and dotted names fail.
 */
export function looksRandomToken(value: string): boolean {
  // Keys often carry a short type prefix ("ck_", "key-", "pk_live_"): judge the random part.
  const prefixed = /^(?:[A-Za-z]{1,10}[_-]){1,2}([A-Za-z0-9]{16,})$/.exec(value);
  if (prefixed && prefixed[1] !== value) return looksRandomToken(prefixed[1]!);
  const n = value.length;
  if (n < 16 || n > 512) return false;
  if (!tokenChars.test(value)) return false;
  if (uuidRe.test(value)) return true;
  let digits = 0;
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
  }
  const letters = upper + lower;
  if (letters === 0) return false; // all digits: ids, timestamps
  if (digits === 0 && (upper === 0 || lower === 0)) return false; // words, CONSTANT_NAMES
  if (/^[a-z]+(?:[._-][a-z0-9]+)+$/.test(value) && !/\d{3}/.test(value)) return false; // dotted or dashed names
  if (/^[A-Z0-9]+(?:_[A-Z0-9]+){2,}$/.test(value)) return false; // CONSTANT_NAMES_LIKE_THIS
  if (hasSequentialRun(value, 6)) return false; // "ABCDEFGH", "0123456789": typed, not random
  const h = shannonEntropy(value);
  // Expected entropy of a random string of length n is about log2(min(n, alphabet)) minus a little.
  const alphabet = hexRe.test(value) ? 16 : 64;
  const ideal = Math.log2(Math.min(n, alphabet));
  return h >= ideal * 0.78;
}

/** A run of `len` characters each one code point after the previous ("abcdef", "345678"). */
export function hasSequentialRun(s: string, len: number): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    if (s.charCodeAt(i) === s.charCodeAt(i - 1) + 1) {
      if (++run >= len) return true;
    } else run = 1;
  }
  return false;
}
