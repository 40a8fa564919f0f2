/**
 * A 53-bit hash of a string (two 32-bit multiplicative hashes), as a safe integer.
 * Keys maps of values that recur on nearly every request (credentials) by
 * numbers: the map then holds no string from the request (a slice of it would
 * keep the whole head alive until the map is emptied), and a JS loop over a
 * short string costs less than V8 hashing a fresh one. In memory only.
 * ConsumerCounts tells apart values that share a key half; a memo keyed by
 * the whole 53 bits takes two values meeting on one hash (odds ~n²/2⁵⁴) as one.
 */
export function hash53(s: string): number {
  hashParts(s);
  return (partA >>> 0) * 0x200000 + ((partB >>> 0) >>> 11);
}

/** The two 32-bit halves of the last hashParts(), as signed integers (small integers to V8: no boxing). */
export let partA = 0;
export let partB = 0;

/**
 * Two characters a step (half the multiplications of one a step: credentials
 * are hashed on every request), each state folding its high bits down after
 * every multiplication so that both characters reach all of its bits.
 */
export function hashParts(s: string): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const n = s.length;
  for (let i = 0; i < n; i += 2) {
    const c = s.charCodeAt(i) | (i + 1 < n ? s.charCodeAt(i + 1) << 16 : 0);
    a = Math.imul(a ^ c, 0x01000193);
    a ^= a >>> 13;
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // the length: "a" and "a\u0000" take the same steps
  partA = Math.imul(a ^ n, 0x01000193) | 0;
  partB = b | 0;
}
