/**
 * Person names, by field name plus shape: one to five words of letters (any
 * script), with the apostrophes, hyphens and dots names use; no digits, no
 * code-like tokens ("ACTIVE", "order_status", "n/a").
 */

const wordRe = /^[\p{L}][\p{L}\p{M}'’.-]*$/u;
const placeholders = new Set(['n/a', 'na', 'none', 'null', 'undefined', 'unknown', 'test', 'anonymous', 'guest', 'user', 'admin', 'default', 'string', 'name', 'todo', 'tbd', 'redacted', 'true', 'false']);

export function looksLikePersonName(value: string): boolean {
  const n = value.length;
  if (n < 2 || n > 70) return false;
  if (placeholders.has(value.toLowerCase())) return false;
  const words = value.trim().split(/\s+/);
  if (words.length > 5) return false;
  let letters = 0;
  for (const w of words) {
    if (!wordRe.test(w)) return false;
    letters += w.length;
  }
  if (letters < 2) return false;
  // All-caps single tokens read as codes ("ACTIVE"), unless a real two-word name in caps ("JANE DOE").
  if (words.length === 1 && n > 3 && value === value.toUpperCase() && value !== value.toLowerCase()) return false;
  return true;
}
