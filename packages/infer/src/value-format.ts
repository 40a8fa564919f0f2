/** JSON Schema `format` for a string value, when its shape is unmistakable. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const URI = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function stringFormat(s: string): string | undefined {
  const n = s.length;
  if (n < 7 || n > 2048) return undefined;
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (n === 10 && DATE.test(s)) return 'date';
    if (n >= 19 && DATE_TIME.test(s)) return 'date-time';
    if (n <= 15 && IPV4.test(s)) return 'ipv4';
  }
  if (n === 36 && UUID.test(s)) return 'uuid';
  if (s.includes('@') && n <= 254 && EMAIL.test(s)) return 'email';
  if (s.includes('://') && URI.test(s)) return 'uri';
  if (s.includes(':') && n >= 3 && n <= 45 && isIpv6(s)) return 'ipv6';
  if (n >= 19 && c >= 48 && c <= 57 && DATE_TIME.test(s)) return 'date-time';
  return undefined;
}

function isIpv6(s: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(s) || (s.match(/::/g)?.length ?? 0) > 1) return false;
  const groups = s.split(':');
  return groups.length >= 3 && groups.length <= 8 && groups.every((g) => g.length <= 4 || IPV4.test(g));
}

/** The JSON type a query/path/header string value would have if typed: "42" → integer. */
export function scalarType(s: string): 'integer' | 'number' | 'boolean' | 'string' {
  if (/^-?(0|[1-9]\d{0,15})$/.test(s)) return 'integer';
  if (/^-?(0|[1-9]\d*)\.\d+([eE][+-]?\d+)?$/.test(s)) return 'number';
  if (s === 'true' || s === 'false') return 'boolean';
  return 'string';
}
