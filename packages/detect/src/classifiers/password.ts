/**
 * Passwords, by field name plus shape: a non-empty string that is not a mask
 * ("********"), a template ("${DB_PASSWORD}", "{{password}}", "<password>"),
 * or an obvious placeholder.
 */

const placeholders = new Set(['null', 'undefined', 'none', 'redacted', 'hidden', 'masked', 'string', 'true', 'false', 'n/a', '']);

export function looksLikePassword(value: string): boolean {
  const n = value.length;
  if (n < 3 || n > 128) return false;
  if (placeholders.has(value.toLowerCase())) return false;
  if (/^(.)\1*$/.test(value)) return false; // "********", "xxxxxxxx"
  if (/^\$\{.*\}$|^\{\{.*\}\}$|^<.*>$|^%\(.*\)s$|^\$[A-Z_][A-Z0-9_]*$|^%[A-Z_]+%$/.test(value)) return false;
  if (/[\r\n]/.test(value)) return false;
  return true;
}
